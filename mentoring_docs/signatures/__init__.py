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

from .detect import PARTIES, SignedDocumentError, is_signed
from .flatten import FlatCopy, flatten_copy
from .sign import SigningUnavailable, sign
from .status import STATUSES, PartySignature, load_trust_roots, signature_report

__all__ = ["PARTIES", "STATUSES", "FlatCopy", "PartySignature", "SignedDocumentError", "SigningUnavailable",
           "flatten_copy", "is_signed", "load_trust_roots", "sign", "signature_report"]
