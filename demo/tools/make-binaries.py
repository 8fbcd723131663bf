#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
#
# demo/tools/make-binaries.py - builds the DOCX, ODT and PDF files of the demo
# corpus from the Markdown sources in demo/src/.
#
# Each source starts with a small front matter block:
#
#   ---
#   title: Document title (goes into docProps/core.xml, meta.xml, /Info)
#   author: Issuing unit
#   output: docs/<collection>/<name>.docx|.odt|.pdf
#   ---
#
# followed by a Markdown subset: "#", "##", "###" headings, paragraphs
# (consecutive lines), "- " bullet items, "| a | b |" table rows (a row of
# dashes is skipped) and **bold** spans. Anything else is plain text.
#
# Only the Python 3 standard library is used. Output is deterministic (fixed
# zip timestamps, fixed PDF dates), so running the script twice gives the
# same bytes and the committed files can be checked with `git diff`.
#
# Usage: python3 demo/tools/make-binaries.py [--check]
#   --check  rebuild in memory and report files that differ from disk

import os
import re
import sys
import zipfile
import zlib
from xml.sax.saxutils import escape

DEMO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZIP_DATE = (2026, 1, 15, 9, 0, 0)
PDF_DATE = "D:20260115090000+01'00'"


# ------------------------------------------------------------------ parsing

def parse_source(path):
    """Return (meta dict, list of blocks). A block is a tuple:
    ('h', level, text) | ('p', text) | ('li', text) | ('ol', "1. text")
    | ('tr', [cells])."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines or lines[0].strip() != "---":
        raise SystemExit(f"{path}: missing front matter")
    meta = {}
    i = 1
    while i < len(lines) and lines[i].strip() != "---":
        key, _, val = lines[i].partition(":")
        meta[key.strip()] = val.strip()
        i += 1
    for key in ("title", "output"):
        if key not in meta:
            raise SystemExit(f"{path}: front matter lacks '{key}'")
    blocks = []
    para = []

    def flush():
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    for raw in lines[i + 1:]:
        line = raw.strip()
        m = re.match(r"^(#{1,3})\s+(.*)$", line)
        if not line:
            flush()
        elif m:
            flush()
            blocks.append(("h", len(m.group(1)), m.group(2)))
        elif line.startswith("- "):
            flush()
            blocks.append(("li", line[2:].strip()))
        elif re.match(r"^\d+\.\s", line):
            flush()
            blocks.append(("ol", line))
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                continue
            blocks.append(("tr", cells))
        else:
            para.append(line)
    flush()
    return meta, blocks


def spans(text):
    """Split text on ** markers into (bold, text) pieces."""
    parts = text.split("**")
    return [(i % 2 == 1, p) for i, p in enumerate(parts) if p]


def plain(text):
    return text.replace("**", "")


def group_tables(blocks):
    """Merge consecutive 'tr' blocks into one ('table', rows) block."""
    out = []
    for b in blocks:
        if b[0] == "tr" and out and out[-1][0] == "table":
            out[-1][1].append(b[1])
        elif b[0] == "tr":
            out.append(("table", [b[1]]))
        else:
            out.append(b)
    return out


def zip_bytes(entries):
    """entries: list of (name, bytes, compress). Returns the zip as bytes."""
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, compress in entries:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


# --------------------------------------------------------------------- DOCX

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_runs(text):
    out = []
    for bold, piece in spans(text):
        rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
        out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')
    return "".join(out)


def docx_para(style, text):
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{docx_runs(text)}</w:p>"


def docx_table(rows):
    ncols = max(len(r) for r in rows)
    grid = "".join('<w:gridCol w:w="%d"/>' % (9000 // ncols) for _ in range(ncols))
    border = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
                     for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="Tabelle"/><w:tblW w:w="0" w:type="auto"/>'
           f'<w:tblBorders>{border}</w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    for r, row in enumerate(rows):
        out.append("<w:tr>")
        for c in range(ncols):
            cell = row[c] if c < len(row) else ""
            if r == 0:
                cell = f"**{plain(cell)}**"
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{9000 // ncols}" w:type="dxa"/></w:tcPr>'
                       f"{docx_para(None, cell)}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


DOCX_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/>
<w:sz w:val="22"/><w:lang w:val="de-DE"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>
<w:next w:val="Normal"/><w:qFormat/><w:rPr><w:b/><w:sz w:val="36"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>
<w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240"/><w:outlineLvl w:val="0"/></w:pPr>
<w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>
<w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="200"/><w:outlineLvl w:val="1"/></w:pPr>
<w:rPr><w:b/><w:sz w:val="26"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/>
<w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr>
<w:rPr><w:b/><w:i/><w:sz w:val="22"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/>
<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:style>
<w:style w:type="table" w:styleId="Tabelle"><w:name w:val="Tabelle"/><w:tblPr>
<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>
"""

DOCX_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>
"""

DOCX_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>
"""

DOCX_DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>
"""

DOCX_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>lotse demo generator</Application></Properties>
"""


def build_docx(meta, blocks):
    body = []
    for b in group_tables(blocks):
        if b[0] == "h":
            body.append(docx_para(f"Heading{b[1]}", b[2]))
        elif b[0] == "p":
            body.append(docx_para(None, b[1]))
        elif b[0] == "li":
            body.append(docx_para("ListParagraph", "\u2022\u00a0" + b[1]))
        elif b[0] == "ol":
            body.append(docx_para("ListParagraph", b[1]))
        elif b[0] == "table":
            body.append(docx_table(b[1]))
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:document xmlns:w="{W_NS}"><w:body>' + "".join(body) +
                '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
                '<w:pgMar w:top="1417" w:right="1417" w:bottom="1134" w:left="1417"'
                ' w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>'
                "</w:body></w:document>\n")
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(meta['title'])}</dc:title>"
            f"<dc:creator>{escape(meta.get('author', 'Landkreis Musterhausen'))}</dc:creator>"
            "<dc:language>de-DE</dc:language>"
            '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-15T09:00:00Z</dcterms:created>'
            "</cp:coreProperties>\n")
    return zip_bytes([
        ("[Content_Types].xml", DOCX_CONTENT_TYPES.encode(), True),
        ("_rels/.rels", DOCX_RELS.encode(), True),
        ("docProps/core.xml", core.encode(), True),
        ("docProps/app.xml", DOCX_APP.encode(), True),
        ("word/document.xml", document.encode(), True),
        ("word/styles.xml", DOCX_STYLES.encode(), True),
        ("word/_rels/document.xml.rels", DOCX_DOC_RELS.encode(), True),
    ])


# ---------------------------------------------------------------------- ODT

ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')

ODT_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {ODT_NS} office:version="1.2">
<office:styles>
<style:default-style style:family="paragraph"><style:text-properties fo:font-size="11pt" fo:language="de" fo:country="DE"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text">
<style:paragraph-properties fo:margin-bottom="0.21cm"/></style:style>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text">
<style:paragraph-properties fo:margin-top="0.42cm" fo:margin-bottom="0.21cm" fo:keep-with-next="always"/>
<style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="1" style:class="text">
<style:text-properties fo:font-size="16pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="2" style:class="text">
<style:text-properties fo:font-size="13pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="3" style:class="text">
<style:text-properties fo:font-size="11pt" fo:font-weight="bold" fo:font-style="italic"/></style:style>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>
</office:styles>
</office:document-styles>
"""

ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def odt_inline(text):
    out = []
    for bold, piece in spans(text):
        piece = escape(piece)
        out.append(f'<text:span text:style-name="T1">{piece}</text:span>' if bold else piece)
    return "".join(out)


def build_odt(meta, blocks):
    body = []
    in_list = False
    for b in group_tables(blocks):
        if b[0] != "li" and in_list:
            body.append("</text:list>")
            in_list = False
        if b[0] == "h":
            body.append(f'<text:h text:style-name="Heading_20_{b[1]}" text:outline-level="{b[1]}">'
                        f"{odt_inline(b[2])}</text:h>")
        elif b[0] in ("p", "ol"):
            body.append(f'<text:p text:style-name="Text_20_body">{odt_inline(b[1])}</text:p>')
        elif b[0] == "li":
            if not in_list:
                body.append('<text:list text:style-name="L1">')
                in_list = True
            body.append(f'<text:list-item><text:p text:style-name="Text_20_body">'
                        f"{odt_inline(b[1])}</text:p></text:list-item>")
        elif b[0] == "table":
            rows = b[1]
            ncols = max(len(r) for r in rows)
            body.append(f'<table:table table:name="Tabelle{len(body)}">'
                        f'<table:table-column table:number-columns-repeated="{ncols}"/>')
            for r, row in enumerate(rows):
                body.append("<table:table-header-rows>" if r == 0 else "")
                body.append("<table:table-row>")
                for c in range(ncols):
                    cell = row[c] if c < len(row) else ""
                    body.append('<table:table-cell office:value-type="string">'
                                f'<text:p text:style-name="Table_20_Contents">{odt_inline(cell)}</text:p>'
                                "</table:table-cell>")
                body.append("</table:table-row>")
                body.append("</table:table-header-rows>" if r == 0 else "")
            body.append("</table:table>")
    if in_list:
        body.append("</text:list>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODT_NS} office:version="1.2">'
               '<office:automatic-styles>'
               '<style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>'
               '<text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" text:bullet-char="\u2022"/>'
               '</text:list-style></office:automatic-styles>'
               "<office:body><office:text>" + "".join(body) +
               "</office:text></office:body></office:document-content>\n")
    metaxml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {ODT_NS} office:version="1.2">'
               f"<office:meta><dc:title>{escape(meta['title'])}</dc:title>"
               f"<dc:creator>{escape(meta.get('author', 'Landkreis Musterhausen'))}</dc:creator>"
               "<dc:language>de-DE</dc:language><meta:creation-date>2026-01-15T09:00:00</meta:creation-date>"
               "<meta:generator>lotse demo generator</meta:generator></office:meta></office:document-meta>\n")
    return zip_bytes([
        ("mimetype", b"application/vnd.oasis.opendocument.text", False),
        ("content.xml", content.encode(), True),
        ("styles.xml", ODT_STYLES.encode(), True),
        ("meta.xml", metaxml.encode(), True),
        ("META-INF/manifest.xml", ODT_MANIFEST.encode(), True),
    ])


# ---------------------------------------------------------------------- PDF

# Helvetica advance widths (1/1000 em) from the standard AFM metrics, for the
# characters the demo texts use; anything else counts as 556.
_HELV = {
    " ": 278, "!": 278, '"': 355, "%": 889, "&": 667, "'": 191, "(": 333, ")": 333,
    "*": 389, "+": 584, ",": 278, "-": 333, ".": 278, "/": 278, ":": 278, ";": 278,
    "<": 584, "=": 584, ">": 584, "?": 556, "@": 1015, "[": 278, "]": 278, "_": 556,
    "§": 556, "€": 556, "–": 556, "—": 1000, "„": 333, "“": 333, "”": 333, "‚": 222,
    "‘": 222, "’": 222, "•": 350, "°": 400, "\u00a0": 278, "×": 584, "…": 1000,
    "ä": 556, "ö": 556, "ü": 556, "Ä": 667, "Ö": 778, "Ü": 722, "ß": 611, "é": 556,
}
_HELV.update(dict.fromkeys("0123456789", 556))
_HELV.update(zip("abcdefghijklmnopqrstuvwxyz",
                 [556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
                  556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500]))
_HELV.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                 [667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
                  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611]))
_BOLD_FACTOR = 1.08  # Helvetica-Bold is slightly wider; wrap conservatively

PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 64, 64, 72, 72


def text_width(s, size, bold=False):
    w = sum(_HELV.get(ch, 556) for ch in s) * size / 1000.0
    return w * _BOLD_FACTOR if bold else w


def wrap(text, size, width, bold=False):
    words = text.split(" ")
    lines, cur = [], ""
    for word in words:
        cand = word if not cur else cur + " " + word
        if text_width(cand, size, bold) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = word
    if cur:
        lines.append(cur)
    return lines


def pdf_string(s):
    """A PDF literal string in WinAnsiEncoding, bytes >= 0x80 as octal."""
    out = ["("]
    for byte in s.encode("cp1252"):
        ch = chr(byte)
        if ch in "()\\":
            out.append("\\" + ch)
        elif byte < 0x20 or byte >= 0x7f:
            out.append("\\%03o" % byte)
        else:
            out.append(ch)
    out.append(")")
    return "".join(out)


def pdf_text_string(s):
    """A PDF text string for /Info: UTF-16BE with BOM as hex."""
    return "<FEFF" + s.encode("utf-16-be").hex().upper() + ">"


def pdf_layout(blocks):
    """Return pages: lists of (font, size, x, y, text)."""
    pages, cur = [], []
    width = PAGE_W - MARGIN_L - MARGIN_R
    y = PAGE_H - MARGIN_T

    def need(h):
        nonlocal cur, y
        if y - h < MARGIN_B:
            pages.append(cur)
            cur, y = [], PAGE_H - MARGIN_T

    for b in group_tables(blocks):
        if b[0] == "h":
            size = {1: 16, 2: 13, 3: 11}[b[1]]
            lines = wrap(plain(b[2]), size, width, True)
            need(size * 1.3 * len(lines) + size * 0.8 + 30)  # keep with next
            y -= size * 0.8
            for ln in lines:
                y -= size * 1.3
                cur.append(("F2", size, MARGIN_L, y, ln))
            y -= 4
        elif b[0] in ("p", "li", "ol"):
            size, indent = 10, (0 if b[0] == "p" else 14)
            lines = wrap(plain(b[1]), size, width - indent)
            for n, ln in enumerate(lines):
                need(size * 1.4)
                y -= size * 1.4
                if b[0] == "li" and n == 0:
                    cur.append(("F1", size, MARGIN_L + 4, y, "\u2022"))
                cur.append(("F1", size, MARGIN_L + indent, y, ln))
            y -= 6 if b[0] == "p" else 4
        elif b[0] == "table":
            for r, row in enumerate(b[1]):
                text = " | ".join(plain(c) for c in row)
                for ln in wrap(text, 9, width, r == 0):
                    need(13)
                    y -= 13
                    cur.append(("F2" if r == 0 else "F1", 9, MARGIN_L, y, ln))
            y -= 8
    if cur:
        pages.append(cur)
    return pages


def build_pdf(meta, blocks):
    pages = pdf_layout(blocks)
    npages = len(pages)
    # Object numbers: 1 catalog, 2 pages, 3 F1, 4 F2, 5 info, then per page
    # a page object and a content stream.
    objs = {}
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objs[4] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    footer = meta.get("footer", meta.get("author", "Landkreis Musterhausen"))
    kids = []
    for i, page in enumerate(pages):
        pnum, cnum = 6 + 2 * i, 7 + 2 * i
        kids.append(f"{pnum} 0 R")
        ops = []
        for font, size, x, y, text in page:
            ops.append(f"BT /{font} {size} Tf {x:.2f} {y:.2f} Td {pdf_string(text)} Tj ET")
        foot = f"{footer} \u2013 Seite {i + 1} von {npages}"
        ops.append(f"BT /F1 8 Tf {MARGIN_L} 40 Td {pdf_string(foot)} Tj ET")
        raw = ("\n".join(ops) + "\n").encode("latin-1")
        data = zlib.compress(raw, 9)
        objs[cnum] = (f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode()
                      + data + b"\nendstream")
        objs[pnum] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                      f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
                      f"/Contents {cnum} 0 R >>").encode()
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R /Lang (de-DE) >>"
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {npages} >>".encode()
    objs[5] = (f"<< /Title {pdf_text_string(meta['title'])} "
               f"/Author {pdf_text_string(meta.get('author', 'Landkreis Musterhausen'))} "
               f"/Producer (lotse demo generator) /CreationDate ({PDF_DATE}) >>").encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + objs[num] + b"\nendobj\n"
    xref = len(out)
    count = max(objs) + 1
    out += f"xref\n0 {count}\n".encode()
    out += b"0000000000 65535 f \n"
    for num in range(1, count):
        out += f"{offsets[num]:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {count} /Root 1 0 R /Info 5 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


# --------------------------------------------------------------------- main

BUILDERS = {".docx": build_docx, ".odt": build_odt, ".pdf": build_pdf}


def main():
    check = "--check" in sys.argv[1:]
    src_dir = os.path.join(DEMO, "src")
    differ = 0
    for name in sorted(os.listdir(src_dir)):
        if not name.endswith(".md"):
            continue
        meta, blocks = parse_source(os.path.join(src_dir, name))
        out_rel = meta["output"]
        ext = os.path.splitext(out_rel)[1]
        if ext not in BUILDERS:
            raise SystemExit(f"{name}: unsupported output type '{ext}'")
        data = BUILDERS[ext](meta, blocks)
        out_path = os.path.join(DEMO, out_rel)
        if check:
            try:
                with open(out_path, "rb") as f:
                    same = f.read() == data
            except OSError:
                same = False
            if not same:
                print(f"differs: {out_rel}")
                differ += 1
            continue
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        with open(out_path, "wb") as f:
            f.write(data)
        print(f"{out_rel}: {len(data)} bytes")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
