"""Helpers for the Word tests: edit a DOCX's XML as Word or a person would, run LibreOffice.

Edits go through lxml on the real parts of real files; nothing here imitates
python-docx, docxtpl or LibreOffice.
"""

from __future__ import annotations

import copy
import io
import subprocess
import zipfile
from pathlib import Path
from typing import Callable, Iterable

from lxml import etree

from tools import require

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
NS = {"w": W, "w14": W14, "w15": W15}


def q(tag: str) -> str:
    """Clark name of ``w:tag`` style names."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


def parts(blob: bytes) -> dict[str, bytes]:
    """Every part of a DOCX, in order."""
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {name: z.read(name) for name in z.namelist()}


def with_parts(blob: bytes, changes: dict[str, bytes | None]) -> bytes:
    """``blob`` with some parts replaced (or removed, for None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name in changes:
                if changes[name] is not None:
                    dst.writestr(name, changes[name])
            else:
                dst.writestr(name, src.read(name))
        for name, data in changes.items():
            if name not in src.namelist() and data is not None:
                dst.writestr(name, data)
    return out.getvalue()


def document(blob: bytes) -> etree._Element:
    """The parsed ``word/document.xml``."""
    return etree.fromstring(parts(blob)["word/document.xml"])


def edit_document(blob: bytes, change: Callable[[etree._Element], None]) -> bytes:
    """``blob`` after ``change`` edited its ``word/document.xml`` tree in place."""
    root = document(blob)
    change(root)
    return with_parts(blob, {"word/document.xml": etree.tostring(root, xml_declaration=True,
                                                                  encoding="UTF-8", standalone=True)})


def control(root: etree._Element, tag: str) -> etree._Element:
    """The first content control whose ``w:tag`` is ``tag``."""
    found = root.xpath(f'//w:sdt[w:sdtPr/w:tag/@w:val="{tag}"]', namespaces=NS)
    assert found, f"no control tagged {tag}"
    return found[0]


def row_of(node: etree._Element) -> etree._Element:
    """The table row holding ``node``."""
    return next(a for a in node.iterancestors(q("w:tr")))


def copy_row_as_word_does(row: etree._Element) -> etree._Element:
    """Insert a copy of ``row`` after it, as Word's copy and paste of a table row does.

    Word keeps the controls' tags and titles in the copy; bookmark names must be
    unique, so the pasted copy loses the bookmarks; it gives the copies new ids.
    """
    twin = copy.deepcopy(row)
    for mark in twin.xpath(".//w:bookmarkStart | .//w:bookmarkEnd", namespaces=NS):
        mark.getparent().remove(mark)
    for number, node in enumerate(twin.xpath(".//w:sdtPr/w:id", namespaces=NS)):
        node.set(q("w:val"), str(900000 + number))
    row.addnext(twin)
    return twin


def set_text(sdt: etree._Element, text: str) -> None:
    """Type ``text`` into a control as Word does: the prompt goes, so does the placeholder flag."""
    pr = sdt.find(q("w:sdtPr"))
    for flag in pr.findall(q("w:showingPlcHdr")):
        pr.remove(flag)
    content = sdt.find(q("w:sdtContent"))
    for run in content.findall(q("w:r")):
        content.remove(run)
    run = etree.SubElement(content, q("w:r"))
    pieces = text.split("\n")
    for i, piece in enumerate(pieces):
        if i:
            etree.SubElement(run, q("w:br"))
        t = etree.SubElement(run, q("w:t"))
        t.text = piece
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def libreoffice_resave(files: Iterable[Path], outdir: Path, profile: Path,
                       filter_name: str = "MS Word 2007 XML") -> list[Path]:
    """Open each DOCX in LibreOffice and save it again as DOCX (one soffice run for all)."""
    soffice = require("soffice")
    files = list(files)
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", f"docx:{filter_name}", "--outdir", str(outdir), *map(str, files)],
        check=True, capture_output=True, timeout=240,
    )
    out = [outdir / f.name for f in files]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}"
    return out


def libreoffice_pdf(files: Iterable[Path], outdir: Path, profile: Path) -> list[Path]:
    """Render each DOCX to PDF with LibreOffice."""
    soffice = require("soffice")
    files = list(files)
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
        check=True, capture_output=True, timeout=240,
    )
    return [outdir / (f.stem + ".pdf") for f in files]
