"""The package parts of the built-in templates other than the body: styles, numbering, settings...

Fonts are Arial (every Word installation has it; LibreOffice substitutes the
metric-compatible Liberation Sans, so pages break the same way).
"""

from __future__ import annotations

from .layout import NumberingPlan
from .ooxml import (
    CT_APP, CT_CORE, CT_CUSTOM_XML_PROPS, CT_FOOTER, CT_MAIN, CT_NUMBERING, CT_RELS, CT_SETTINGS, CT_STYLES,
    CT_NS, PKG_REL_NS, REL_APP, REL_CORE, REL_CUSTOM_XML, REL_CUSTOM_XML_PROPS, REL_FOOTER, REL_NUMBERING,
    REL_OFFICE_DOCUMENT, REL_SETTINGS, REL_STYLES, ROOT_DECLS, XML_HEADER, esc,
)
from .xmlbuild import ACCENT, MUTED, RULE

FONT = "Arial"


#: Word's own style names; the others are marked as custom styles.
_BUILT_IN = {"Title", "Subtitle", "heading 1", "heading 2", "heading 3", "footer"}


def _style(kind: str, style_id: str, name: str, ppr: str = "", rpr: str = "", *, based_on: str | None = "Normal",
           extra: str = "") -> str:
    """A style, its children in the order the schema wants (``extra`` is ``w:next``)."""
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    custom = "" if name in _BUILT_IN else ' w:customStyle="1"'
    return (f'<w:style w:type="{kind}"{custom} w:styleId="{style_id}"><w:name w:val="{name}"/>{based}'
            f'{extra}<w:qFormat/>{f"<w:pPr>{ppr}</w:pPr>" if ppr else ""}{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}'
            "</w:style>")


def styles_xml() -> bytes:
    """``word/styles.xml``: the few styles the forms use, named so restyling in Word is easy."""
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    border = f'w:val="single" w:sz="4" w:space="0" w:color="{RULE}"'
    styles = [
        f'<w:docDefaults><w:rPrDefault><w:rPr>{fonts}<w:sz w:val="20"/><w:szCs w:val="20"/>'
        '<w:lang w:val="en-US" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="252" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>",
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:rPr><w:color w:val="1A1A1A"/></w:rPr></w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        _style("paragraph", "Title", "Title", '<w:spacing w:after="40"/>',
               f'<w:b/><w:bCs/><w:color w:val="{ACCENT}"/><w:sz w:val="40"/><w:szCs w:val="40"/>'),
        _style("paragraph", "Subtitle", "Subtitle", '<w:spacing w:after="120"/>',
               '<w:color w:val="262626"/><w:sz w:val="26"/><w:szCs w:val="26"/>'),
        _style("paragraph", "Intro", "Introduction", '<w:spacing w:after="200"/>',
               f'<w:color w:val="{MUTED}"/><w:sz w:val="19"/><w:szCs w:val="19"/>'),
        _style("paragraph", "Heading1", "heading 1",
               f'<w:keepNext/><w:keepLines/><w:pBdr><w:bottom w:val="single" w:sz="8" w:space="1" w:color="{ACCENT}"/>'
               '</w:pBdr><w:spacing w:before="320" w:after="60"/><w:outlineLvl w:val="0"/>',
               f'<w:b/><w:bCs/><w:color w:val="{ACCENT}"/><w:sz w:val="24"/><w:szCs w:val="24"/>',
               extra='<w:next w:val="Prompt"/>'),
        _style("paragraph", "Heading2", "heading 2",
               '<w:keepNext/><w:keepLines/><w:spacing w:before="160" w:after="20"/><w:outlineLvl w:val="1"/>',
               '<w:b/><w:bCs/><w:color w:val="262626"/><w:sz w:val="20"/><w:szCs w:val="20"/>',
               extra='<w:next w:val="Prompt"/>'),
        _style("paragraph", "Heading3", "heading 3",
               '<w:keepNext/><w:keepLines/><w:spacing w:before="120" w:after="20"/><w:outlineLvl w:val="2"/>',
               f'<w:b/><w:bCs/><w:color w:val="{ACCENT}"/><w:sz w:val="19"/><w:szCs w:val="19"/>',
               extra='<w:next w:val="Prompt"/>'),
        _style("paragraph", "Prompt", "Prompt", '<w:keepNext/><w:spacing w:after="80"/>',
               f'<w:i/><w:iCs/><w:color w:val="{MUTED}"/><w:sz w:val="18"/><w:szCs w:val="18"/>'),
        _style("paragraph", "Label", "Field Label", '<w:spacing w:before="40" w:after="40"/>',
               '<w:b/><w:bCs/><w:color w:val="262626"/><w:sz w:val="18"/><w:szCs w:val="18"/>'),
        _style("paragraph", "Value", "Field Value", '<w:spacing w:before="40" w:after="40"/>'),
        _style("paragraph", "FieldCaption", "Field Caption", '<w:keepNext/><w:spacing w:before="40"/>',
               f'<w:color w:val="{MUTED}"/><w:sz w:val="15"/><w:szCs w:val="15"/>'),
        _style("paragraph", "TableHeader", "Table Header", '<w:spacing w:before="30" w:after="30"/>',
               '<w:b/><w:bCs/><w:color w:val="FFFFFF"/><w:sz w:val="18"/><w:szCs w:val="18"/>'),
        _style("paragraph", "ItemHeading", "Item Heading", '<w:keepNext/><w:spacing w:before="40" w:after="40"/>',
               '<w:b/><w:bCs/><w:color w:val="FFFFFF"/><w:sz w:val="21"/><w:szCs w:val="21"/>'),
        _style("paragraph", "Footer", "footer", "",
               f'<w:color w:val="{MUTED}"/><w:sz w:val="16"/><w:szCs w:val="16"/>'),
        '<w:style w:type="character" w:styleId="PlaceholderText"><w:name w:val="Placeholder Text"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        '<w:rPr><w:color w:val="808080"/></w:rPr></w:style>',
        '<w:style w:type="table" w:customStyle="1" w:styleId="FormTable"><w:name w:val="Form Table"/>'
        '<w:basedOn w:val="TableNormal"/><w:tblPr>'
        f'<w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>'
        f'<w:insideH {border}/><w:insideV {border}/></w:tblBorders>'
        '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
        '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="table" w:customStyle="1" w:styleId="PlainTable"><w:name w:val="Signature Table"/>'
        '<w:basedOn w:val="TableNormal"/><w:tblPr>'
        '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="160" w:type="dxa"/>'
        '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="160" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
    ]
    return (XML_HEADER + f'<w:styles {ROOT_DECLS}>' + "".join(styles) + "</w:styles>").encode("utf-8")


def numbering_xml(plan: NumberingPlan) -> bytes:
    """``word/numbering.xml``: one abstract list per numbered list, so each restarts at 1."""
    abstract = []
    nums = []
    for num_id, fmt, text in plan.lists:
        abstract.append(
            f'<w:abstractNum w:abstractNumId="{num_id}"><w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{esc(text)}"/>'
            '<w:lvlJc w:val="left"/>'
            + ('<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr><w:rPr><w:b/></w:rPr>' if "%1." != text else
               '<w:pPr><w:tabs><w:tab w:val="num" w:pos="400"/></w:tabs><w:ind w:left="400" w:hanging="400"/></w:pPr>')
            + "</w:lvl></w:abstractNum>"
        )
        nums.append(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>')
    return (XML_HEADER + f'<w:numbering {ROOT_DECLS}>' + "".join(abstract) + "".join(nums)
            + "</w:numbering>").encode("utf-8")


def settings_xml() -> bytes:
    """``word/settings.xml``: modern Word compatibility, nothing else switched on."""
    return (XML_HEADER + f'<w:settings {ROOT_DECLS}><w:zoom w:percent="100"/>'
            '<w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/>'
            '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
            'w:val="15"/></w:compat></w:settings>').encode("utf-8")


def footer_xml(paragraph: str) -> bytes:
    """``word/footer1.xml`` holding ``paragraph``."""
    return (XML_HEADER + f'<w:ftr {ROOT_DECLS}>{paragraph}</w:ftr>').encode("utf-8")


def document_xml(body: str, sect_pr: str) -> bytes:
    """``word/document.xml``."""
    return (XML_HEADER + f'<w:document {ROOT_DECLS}><w:body>{body}{sect_pr}</w:body></w:document>').encode("utf-8")


def content_types_xml(record_item: int) -> bytes:
    """``[Content_Types].xml`` for the parts a template has."""
    overrides = [
        ("/word/document.xml", CT_MAIN), ("/word/styles.xml", CT_STYLES), ("/word/settings.xml", CT_SETTINGS),
        ("/word/numbering.xml", CT_NUMBERING), ("/word/footer1.xml", CT_FOOTER),
        (f"/customXml/itemProps{record_item}.xml", CT_CUSTOM_XML_PROPS),
        ("/docProps/core.xml", CT_CORE), ("/docProps/app.xml", CT_APP),
    ]
    return (XML_HEADER + f'<Types xmlns="{CT_NS}"><Default Extension="rels" ContentType="{CT_RELS}"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{name}" ContentType="{ct}"/>' for name, ct in overrides)
            + "</Types>").encode("utf-8")


def relationships_xml(rels: list[tuple[str, str, str]]) -> bytes:
    """A relationships part from ``(id, type, target)`` triples."""
    return (XML_HEADER + f'<Relationships xmlns="{PKG_REL_NS}">'
            + "".join(f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"/>' for rid, rtype, target in rels)
            + "</Relationships>").encode("utf-8")


def package_rels() -> bytes:
    """``_rels/.rels``."""
    return relationships_xml([
        ("rId1", REL_OFFICE_DOCUMENT, "word/document.xml"),
        ("rId2", REL_CORE, "docProps/core.xml"),
        ("rId3", REL_APP, "docProps/app.xml"),
    ])


def document_rels(record_item: int) -> bytes:
    """``word/_rels/document.xml.rels``."""
    return relationships_xml([
        ("rId1", REL_STYLES, "styles.xml"),
        ("rId2", REL_SETTINGS, "settings.xml"),
        ("rId3", REL_NUMBERING, "numbering.xml"),
        ("rId4", REL_FOOTER, "footer1.xml"),
        ("rId5", REL_CUSTOM_XML, f"../customXml/item{record_item}.xml"),
    ])


def item_rels(record_item: int) -> bytes:
    """``customXml/_rels/itemN.xml.rels``."""
    return relationships_xml([("rId1", REL_CUSTOM_XML_PROPS, f"itemProps{record_item}.xml")])


def core_xml(title: str) -> bytes:
    """``docProps/core.xml``: the title; no dates, so the template is the same every time it is built."""
    return (XML_HEADER + '<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{esc(title)}</dc:title><dc:creator>mentoring-docs</dc:creator></cp:coreProperties>"
            ).encode("utf-8")


def app_xml() -> bytes:
    """``docProps/app.xml``."""
    return (XML_HEADER + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>mentoring-docs</Application></Properties>").encode("utf-8")


__all__ = [
    "app_xml", "content_types_xml", "core_xml", "document_rels", "document_xml", "footer_xml",
    "item_rels", "numbering_xml", "package_rels", "relationships_xml", "settings_xml", "styles_xml",
]
