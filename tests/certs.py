"""Test certificates, made at test time with ``cryptography`` (no key is committed).

A small CA issues the mentor's and the mentee's certificates (EC keys; an RSA one
for the mentor too) and an expired one;
a self-signed certificate stands for a digital ID someone made in Acrobat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "test-pass"


@dataclass
class Identity:
    """A key and certificate, saved as PKCS#12 and as PEM files."""

    name: str
    p12: Path
    key_pem: Path
    cert_pem: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Mentoring Program")])


def _cert(subject: str, key: Any, issuer: str, issuer_key: Any,
          *, ca: bool, start: dt.datetime, end: dt.datetime) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
            critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
    if issuer_key is not key:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _save(folder: Path, stem: str, name: str, key: Any, cert: x509.Certificate,
          chain: list[x509.Certificate]) -> Identity:
    p12 = folder / f"{stem}.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        name.encode(), key, cert, chain or None, serialization.BestAvailableEncryption(PASSWORD.encode())))
    key_pem = folder / f"{stem}.key.pem"
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    cert_pem = folder / f"{stem}.cert.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Identity(name, p12, key_pem, cert_pem)


@dataclass
class PKI:
    """The CA and the identities the signature tests use."""

    ca_pem: Path
    mentor: Identity
    mentee: Identity
    coordinator: Identity
    mentor_rsa: Identity  # endesive signs with RSA keys only
    expired: Identity
    self_signed: Identity
    password_file: Path


def make_pki(folder: Path) -> PKI:
    """A CA, three party certificates it issued, an expired one, and a self-signed one."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Test Program Root CA", ca_key, "Test Program Root CA", ca_key, ca=True,
               start=now - dt.timedelta(days=30), end=now + dt.timedelta(days=3650))
    ca_pem = folder / "ca.pem"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))

    def issued(stem: str, name: str, start: dt.datetime, end: dt.datetime, use_rsa: bool = False) -> Identity:
        key: Any = rsa.generate_private_key(65537, 2048) if use_rsa else ec.generate_private_key(ec.SECP256R1())
        return _save(folder, stem, name, key, _cert(name, key, "Test Program Root CA", ca_key, ca=False,
                                                    start=start, end=end), [ca])

    mentor = issued("mentor", "Ana Lima", now - dt.timedelta(days=1), now + dt.timedelta(days=365))
    mentee = issued("mentee", "Ben Okafor", now - dt.timedelta(days=1), now + dt.timedelta(days=365))
    coordinator = issued("coordinator", "Rosa Diaz", now - dt.timedelta(days=1), now + dt.timedelta(days=365))
    mentor_rsa = issued("mentor-rsa", "Ana Lima", now - dt.timedelta(days=1), now + dt.timedelta(days=365),
                        use_rsa=True)
    expired = issued("expired", "Ana Lima", now - dt.timedelta(days=400), now - dt.timedelta(days=35))
    own_key = ec.generate_private_key(ec.SECP256R1())
    self_signed = _save(folder, "self", "Ben Okafor", own_key,
                        _cert("Ben Okafor", own_key, "Ben Okafor", own_key, ca=False,
                              start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=365)), [])
    password_file = folder / "password.txt"
    password_file.write_text(PASSWORD + "\n")
    return PKI(ca_pem, mentor, mentee, coordinator, mentor_rsa, expired, self_signed, password_file)


def self_signed(folder: Path, stem: str, name: str) -> Identity:
    """A self-signed identity for ``name`` (any script), as someone makes one in Acrobat."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert(name, key, name, key, ca=False, start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=30))
    return _save(folder, stem, name, key, cert, [])
