"""Evidence uploads are judged by their content: each accepted type is recognised from its bytes,
and a file whose content is not what its extension says is refused with an Indonesian message."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import ALLOWED, copy_of, sha256_of, validate_evidence_file
from tests.factories import jpeg_bytes


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def xlsx_bytes():
    book = openpyxl.Workbook()
    book.active.append(["Kegiatan", "Realisasi"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in members:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = zip_bytes(["[Content_Types].xml", "word/document.xml"])
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


def upload(name, content):
    return SimpleUploadedFile(name, content, "application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("foto.JPG", jpeg_bytes()),
        ("denah.png", png_bytes()),
        ("berita-acara.pdf", PDF),
        ("notulen.docx", DOCX),
        ("daftar-hadir.xlsx", xlsx_bytes()),
    ],
)
def test_each_accepted_type_is_recognised_from_its_content(name, content):
    extension = name.rsplit(".", 1)[1].lower()
    assert validate_evidence_file(upload(name, content)) == ALLOWED[extension]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # a spreadsheet renamed to .docx, and a document renamed to .xlsx
        ("notulen.docx", None),
        ("daftar-hadir.xlsx", DOCX),
        # a plain ZIP (no Office parts), and an Office container with neither part
        ("notulen.docx", zip_bytes(["word/document.xml"])),
        ("daftar-hadir.xlsx", zip_bytes(["[Content_Types].xml", "ppt/presentation.xml"])),
        # a PNG named as a PDF, a PDF named as a photo
        ("berita-acara.pdf", png_bytes()),
        ("foto.png", PDF),
    ],
)
def test_content_that_is_not_what_the_extension_says_is_refused(name, content):
    content = xlsx_bytes() if content is None else content
    with pytest.raises(ValidationError) as caught:
        validate_evidence_file(upload(name, content))
    extension = name.rsplit(".", 1)[1]
    assert caught.value.messages == [
        f"Isi berkas {name} tidak sesuai dengan jenisnya (.{extension}). Unggah berkas asli."
    ]


def test_the_stored_copy_has_the_same_bytes_and_checksum_as_the_upload():
    original = upload("foto.jpg", jpeg_bytes())
    digest = sha256_of(original)
    copy = copy_of(original)
    assert copy.name == "foto.jpg"
    assert copy.read() == jpeg_bytes()
    copy.seek(0)
    assert sha256_of(copy) == digest


def test_a_zip_asking_for_a_newer_format_version_is_refused_not_a_server_error():
    # One byte of the central directory ("version needed": 6.4) made Python's zipfile raise
    # NotImplementedError, which the check let through: a 500 on every upload form.
    content = bytearray(DOCX)
    header = content.index(b"PK\x01\x02")
    content[header + 6] = 64
    with pytest.raises(ValidationError) as caught:
        validate_evidence_file(upload("notulen.docx", bytes(content)))
    assert caught.value.messages == [
        "Isi berkas notulen.docx tidak sesuai dengan jenisnya (.docx). Unggah berkas asli."
    ]
