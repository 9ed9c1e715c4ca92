"""Small builders for WordprocessingML body markup (paragraphs, runs, tables), as text.

The built-in templates are generated once and committed, so these favour
readable, deterministic output over speed.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from .ooxml import esc, esc_attr, text_runs_content

#: Colours of the forms: a dark blue accent, light grey label cells, grey rules.
ACCENT = "1F4E79"
LABEL_FILL = "F2F2F2"
RULE = "A6A6A6"
MUTED = "595959"


def run(text: str, props: str = "") -> str:
    """A run showing ``text`` (tabs and line breaks included)."""
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f"<w:r>{rpr}{text_runs_content(text)}</w:r>"


def para(content: str = "", style: str | None = None, props: str = "") -> str:
    """A paragraph with optional style and extra ``w:pPr`` content."""
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + props
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{content}</w:p>"


def numbered(num_id: int, level: int = 0) -> str:
    """``w:pPr`` content putting a paragraph in list ``num_id``."""
    return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'


def cell(width: int, content: str, *, span: int = 1, fill: str | None = None, valign: str | None = None,
         borders: str = "") -> str:
    """A table cell ``width`` twips wide; ``content`` must hold at least one paragraph."""
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if borders:
        props.append(f"<w:tcBorders>{borders}</w:tcBorders>")
    if fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
    if valign:
        props.append(f'<w:vAlign w:val="{valign}"/>')
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{content or para()}</w:tc>"


def row(cells: Iterable[str], *, min_height: int | None = None, header: bool = False) -> str:
    """A table row that never splits across pages."""
    props = ["<w:cantSplit/>"]
    if min_height:
        props.append(f'<w:trHeight w:val="{min_height}" w:hRule="atLeast"/>')
    if header:
        props.append("<w:tblHeader/>")
    return f"<w:tr><w:trPr>{''.join(props)}</w:trPr>{''.join(cells)}</w:tr>"


def table(widths: Sequence[int], rows: Iterable[str], *, style: str = "FormTable", indent: int = 0) -> str:
    """A fixed-layout table with columns of ``widths`` twips."""
    total = sum(widths)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="{style}"/><w:tblW w:w="{total}" w:type="dxa"/>'
            f'<w:tblInd w:w="{indent}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            f'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


def no_borders() -> str:
    """Cell borders switched off."""
    return '<w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/>'


def field_code(instruction: str, shown: str, props: str = "") -> str:
    """A simple field (page numbers) with the text shown before it is updated."""
    return (f'<w:fldSimple w:instr="{esc_attr(instruction)}"><w:r>'
            f'{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t>{esc(shown)}</w:t></w:r></w:fldSimple>')
