"""Digital signatures on the agreement: signing the PDF form and reporting who signed.

- :mod:`.sign`: sign a party's signature field with a certificate (pyHanko), as an
  incremental update so earlier signatures stay valid;
- :mod:`.status`: per party, ``typed``, ``signed``, ``trusted``,
  ``changed_after_signing`` or ``invalid`` (pyHanko's validation and its analysis
  of what changed after each signature);
- :mod:`.detect`: what can be seen without pyHanko, and the guards that keep every
  writer of ours from breaking a signature;
- :mod:`.flatten`: a flat copy to print or archive, whose drawn signatures prove nothing;
- :mod:`.hooks`: the one-line calls ``forms``, ``batch`` and ``tracker`` make into this package.

pyHanko is an optional extra: ``pip install "mentoring-docs[signatures]"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .detect import PARTIES, SignedDocumentError, is_signed
    from .flatten import FlatCopy, flatten_copy
    from .sign import SigningUnavailable, sign
    from .status import STATUSES, PartySignature, load_trust_roots, signature_report

# The modules load on first use: ``forms`` calls into :mod:`.hooks` on every fill,
# and a Word fill must not load the PDF filler that :mod:`.flatten` needs.
_LAZY = {
    "PARTIES": ".detect", "SignedDocumentError": ".detect", "is_signed": ".detect",
    "FlatCopy": ".flatten", "flatten_copy": ".flatten", "SigningUnavailable": ".sign", "sign": ".sign",
    "STATUSES": ".status", "PartySignature": ".status", "load_trust_roots": ".status",
    "signature_report": ".status",
}

__all__ = ["PARTIES", "STATUSES", "FlatCopy", "PartySignature", "SignedDocumentError", "SigningUnavailable",
           "flatten_copy", "is_signed", "load_trust_roots", "sign", "signature_report"]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
