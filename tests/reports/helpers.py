import io
import re

import pypdf
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from reports.rendering import ORIGIN, DocumentFetcher, prepare


def pdf_text(content: bytes) -> str:
    """The PDF's text with all whitespace removed: pypdf splits words at kerning and wraps
    table cells, so figures are compared as unbroken strings."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


FAKE_PDF = b"%PDF-1.7\n% fake for permission tests\n%%EOF\n"


def _walk(box):
    yield box
    for child in getattr(box, "children", None) or ():
        if not isinstance(child, boxes.MarginBox):  # running headers and footers: by design
            yield from _walk(child)


def _source_words(element) -> set[str]:
    """The words of an element's text as written, a line break (<br>) separating words."""
    parts = []

    def visit(node):
        parts.append(node.text or "")
        for child in node:
            if str(child.tag).endswith("br"):
                parts.append(" ")
            else:
                visit(child)
            parts.append(child.tail or "")

    visit(element)
    return set("".join(parts).split())


def _line_text(line) -> str:
    return "".join(box.text for box in _walk(line) if isinstance(box, boxes.TextBox))


def layout_problems(document) -> list[str]:
    """What a reader of `document` (a reports.documents.Document) would miss on paper, found in
    WeasyPrint's layout boxes: text reaching past the printable width of its page (cut off in
    the PDF) and table cells whose words were broken inside a word across lines ("Disampaika",
    "n"); a line's word must be a word of the cell as written."""
    html = document.html(pdf=True, draft=False)
    fetcher = DocumentFetcher(prepare(document.resources()))
    rendered = HTML(string=html, base_url=ORIGIN, url_fetcher=fetcher).render()
    problems = []
    for number, page in enumerate(rendered.pages, 1):
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        for box in _walk(page_box):
            outside = box.position_x < left - 1 or box.position_x + box.width > right + 1
            if isinstance(box, boxes.TextBox) and box.text.strip() and outside:
                problems.append(f"page {number}: {box.text!r} reaches past the page")
            if isinstance(box, boxes.TableCellBox) and box.element is not None:
                problems.extend(
                    f"page {number}: {word!r} broken in a cell" for word in _broken_words(box)
                )
    return problems


# Where a line may end inside a word as written: after a slash or a dash ("Kodim 0814/",
# "Jombang"), or at a hyphenation point, where the renderer adds a hyphen (U+2010).
HYPHEN = "\u2010"
BREAKS_AFTER = ("/", "-", "–", HYPHEN)


def _broken_words(cell) -> list[str]:
    """The words on the cell's lines that are not words of the cell as written, once a word
    split where it may be is joined again."""
    words = _source_words(cell.element)
    lines = [_line_text(line).split() for line in _walk(cell) if isinstance(line, boxes.LineBox)]
    # Each line's words, a word split where it may be joined with its rest on the next line.
    joined = []
    for line in filter(None, lines):
        if joined and joined[-1].endswith(BREAKS_AFTER):
            joined[-1] = joined[-1].removesuffix(HYPHEN) + line[0]
            line = line[1:]
        joined.extend(line)
    return [word for word in joined if word not in words]
