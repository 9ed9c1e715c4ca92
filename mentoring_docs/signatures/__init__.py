"""Digital signatures on the agreement: signing the PDF form and reporting who signed.

- :mod:`.sign`: sign a party's signature field with a certificate (pyHanko), as an
  incremental update so earlier signatures stay valid;
- :mod:`.status`: per party, ``typed``, ``signed``, ``trusted``,
  ``changed_after_signing`` or ``invalid`` (pyHanko's validation and its analysis
  of what changed after each signature);
- :mod:`.detect`: what can be seen without pyHanko, and the guards that keep every
  writer of ours from breaking a signature;
- :mod:`.docx`: Word documents carrying an XML digital signature.

pyHanko is an optional extra: ``pip install "mentoring-docs[signatures]"``.
"""

from __future__ import annotations

from .detect import PARTIES, SignedDocumentError, is_signed
from .sign import sign
from .status import PartySignature, STATUSES, signature_report

__all__ = ["PARTIES", "STATUSES", "PartySignature", "SignedDocumentError", "is_signed", "sign", "signature_report"]
