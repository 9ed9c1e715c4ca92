"""Access to the real programs people open our files with (LibreOffice, pdftk, qpdf, poppler, MuPDF).

A test that needs one calls :func:`require`: it skips when the program is missing
on a developer's machine, and fails under CI (``CI`` set), where every tool must be
installed by ``.ci/run``.
"""

from __future__ import annotations

import os
import shutil

import pytest

TOOLS = {
    "soffice": "LibreOffice (apt-get install libreoffice-writer-nogui)",
    "pdftk": "pdftk (apt-get install pdftk-java)",
    "qpdf": "qpdf (apt-get install qpdf)",
    "pdftoppm": "poppler (apt-get install poppler-utils)",
    "pdftotext": "poppler (apt-get install poppler-utils)",
    "pdfsig": "poppler (apt-get install poppler-utils)",
    "mutool": "MuPDF (apt-get install mupdf-tools)",
    "chromium": "Chromium (apt-get install chromium)",
    "calcurse": "calcurse (apt-get install calcurse)",
}


def require(tool: str) -> str:
    """The path of ``tool``; skip the test when it is missing, unless under CI."""
    path = shutil.which(tool)
    if path:
        return path
    message = f"{tool} not installed: {TOOLS.get(tool, tool)}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must install it)")
    pytest.skip(message)
