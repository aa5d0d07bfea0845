import io
import re

import pypdf


def pdf_text(content: bytes) -> str:
    """The PDF's text with all whitespace removed: pypdf splits words at kerning and wraps
    table cells, so figures are compared as unbroken strings."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


FAKE_PDF = b"%PDF-1.7\n% fake for permission tests\n%%EOF\n"
