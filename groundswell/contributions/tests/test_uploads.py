"""Evidence files: only real files of the allowed types, stored without identifying metadata."""

import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from groundswell.contributions.models import Contribution
from groundswell.contributions.tests import samples
from groundswell.contributions.uploads import UploadRefused, clean_upload

RANDOM_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z]+$")


def _no_secret(data: bytes) -> None:
    assert samples.SECRET.encode() not in data
    assert b"Bloggs" not in data


# images


def test_a_jpeg_loses_its_exif_and_gps_and_keeps_its_size():
    original = samples.jpeg_with_gps(size=(40, 30))
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(samples.GPS_IFD)  # the sample really carries GPS

    name, cleaned = clean_upload(name="Jo Bloggs at home.JPG", data=original)

    assert name.endswith(".jpg")
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.format == "JPEG"
        assert after.size == (40, 30)
        assert not after.getexif()
        assert "exif" not in after.info
        assert "comment" not in after.info
        assert "icc_profile" not in after.info
    _no_secret(cleaned)


def test_a_png_loses_its_text_chunks():
    original = samples.png_with_text(size=(20, 10))
    with Image.open(io.BytesIO(original)) as before:
        assert before.info["Author"] == samples.SECRET

    name, cleaned = clean_upload(name="chart.png", data=original)

    assert name.endswith(".png")
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.size == (20, 10)
        assert "Author" not in after.info
        assert "Comment" not in after.info
        assert after.getpixel((0, 0)) == (0, 128, 0, 255)
    _no_secret(cleaned)


# PDF


def test_a_pdf_loses_its_document_information_and_xmp_and_keeps_its_pages():
    original = samples.pdf_with_metadata(pages=3)
    before = PdfReader(io.BytesIO(original))
    assert before.metadata.author == samples.SECRET
    assert before.xmp_metadata is not None

    name, cleaned = clean_upload(name="memo.pdf", data=original)

    after = PdfReader(io.BytesIO(cleaned))
    assert name.endswith(".pdf")
    assert len(after.pages) == 3
    assert not after.metadata  # no /Author, /Producer, /Title, dates
    assert after.xmp_metadata is None
    _no_secret(cleaned)
    assert b"SecretOffice" not in cleaned
    assert b"Memo" not in cleaned


def test_a_pdf_loses_its_comments_authors_and_times_and_its_photos_metadata():
    original = samples.pdf_with_photo_and_comment()
    assert samples.SECRET.encode() in original  # the photo's EXIF and the comment's author
    assert b"20260314" in original

    _, cleaned = clean_upload(name="photos.pdf", data=original)

    _no_secret(cleaned)
    assert b"20260314" not in cleaned
    (page,) = PdfReader(io.BytesIO(cleaned)).pages
    (comment,) = [annotation.get_object() for annotation in page["/Annots"]]
    # The comment itself stays, signed by nobody in particular.
    assert (comment["/Contents"], comment["/T"]) == ("Taken on the ward", "Contributor")
    assert "/M" not in comment and "/CreationDate" not in comment
    photo = page["/Resources"]["/XObject"]["/Im0"].get_object()
    assert photo["/Filter"] == "/DCTDecode"
    with Image.open(io.BytesIO(photo.get_data())) as after:
        after.load()
        assert after.size == (40, 30)
        assert not after.getexif()
        assert "comment" not in after.info


def test_a_pdf_gets_no_identifier_tying_it_to_copies_of_the_original():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer._ID = ArrayObject([ByteStringObject(b"\x07" * 16), ByteStringObject(b"\x07" * 16)])
    out = io.BytesIO()
    writer.write(out)
    assert PdfReader(io.BytesIO(out.getvalue())).trailer["/ID"]

    _, cleaned = clean_upload(name="memo.pdf", data=out.getvalue())

    assert "/ID" not in PdfReader(io.BytesIO(cleaned)).trailer
    assert b"\x07" * 16 not in cleaned


def test_a_pdf_with_files_attached_inside_it_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("notes.docx", samples.ooxml_with_authors())
    out = io.BytesIO()
    writer.write(out)

    with pytest.raises(UploadRefused, match="other files attached inside it"):
        clean_upload(name="memo.pdf", data=out.getvalue())


def test_a_form_fields_name_is_not_taken_for_an_author():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    field = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("incident_date"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 90, 30)]),
        }
    )
    writer.add_annotation(0, field)
    out = io.BytesIO()
    writer.write(out)

    _, cleaned = clean_upload(name="form.pdf", data=out.getvalue())

    (widget,) = PdfReader(io.BytesIO(cleaned)).pages[0]["/Annots"]
    assert widget.get_object()["/T"] == "incident_date"


# office documents


@pytest.mark.parametrize("extension", ["docx", "xlsx"])
def test_an_office_open_xml_file_loses_its_authors(extension):
    original = samples.ooxml_with_authors(extension)

    name, cleaned = clean_upload(name=f"report.{extension}", data=original)

    assert name.endswith(f".{extension}")
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        names = archive.namelist()
        core = archive.read("docProps/core.xml")
        app = archive.read("docProps/app.xml")
        main = archive.read("word/document.xml" if extension == "docx" else "xl/workbook.xml")
        content_types = archive.read("[Content_Types].xml")
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert set(names) == set(zipfile.ZipFile(io.BytesIO(original)).namelist())
    assert b"creator" not in core
    assert b"lastModifiedBy" not in core
    assert b"revision" not in core
    assert b"Company" not in app
    assert b"The evidence itself" in main
    assert b"/docProps/core.xml" in content_types  # still consistent with the parts present
    _no_secret(cleaned)


def test_a_photo_inside_a_document_loses_its_gps():
    original = samples.ooxml_with_authors("docx", photo=samples.jpeg_with_gps())

    _, cleaned = clean_upload(name="report.docx", data=original)

    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        photo = archive.read("word/media/image1.jpeg")
    with Image.open(io.BytesIO(photo)) as image:
        assert not image.getexif()
    _no_secret(cleaned)


@pytest.mark.parametrize("extension", ["docx", "xlsx", "odt"])
def test_tracked_changes_and_comments_lose_their_authors_dates_and_session_ids(extension):
    original = samples.office_with_revisions(extension)

    _, cleaned = clean_upload(name=f"report.{extension}", data=original)

    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    everything = b"".join(parts.values())
    for trace in (samples.SECRET, samples.USER_ID, samples.SESSION_ID, samples.REVISION_DAY):
        assert trace.encode() not in everything, trace
    assert b"JB" not in parts.get("word/comments.xml", b"")  # initials
    assert b"JB" not in parts.get("content.xml", b"")
    if extension == "xlsx":  # a table's display name is its name, not a person's
        assert b'displayName="Rota"' in parts["xl/tables/table1.xml"]
    # The document itself, its changes and its comments are all still there, and well formed.
    assert b"Check this figure" in everything
    assert b"Added text" in everything
    for name, content in parts.items():
        if name.endswith(".xml"):
            ElementTree.fromstring(content)  # raises if the cleaning broke the XML


@pytest.mark.parametrize("extension", ["odt", "ods"])
def test_an_open_document_loses_its_creator(extension):
    original = samples.odf_with_creator(extension)

    name, cleaned = clean_upload(name=f"notes.{extension}", data=original)

    assert name.endswith(f".{extension}")
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        first = archive.infolist()[0]
        meta = archive.read("meta.xml")
        assert b"The evidence" in archive.read("content.xml")
    # Readers find the type from an uncompressed mimetype entry at the start of the archive.
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    for element in (b"initial-creator", b"dc:creator", b"dc:date", b"editing-cycles", b"generator"):
        assert element not in meta
    assert b'office:version="1.3"' in meta
    _no_secret(cleaned)


def _every_part(document: bytes) -> bytes:
    """Every part of an office file unpacked, and the parts of the documents inside it."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            parts.append(_every_part(content) if content.startswith(b"PK\x03\x04") else content)
    return b"".join(parts)


@pytest.mark.parametrize("extension", ["docx", "xlsx"])
def test_a_workbook_or_document_inside_an_office_file_loses_its_authors(extension):
    where = f"{'word' if extension == 'docx' else 'xl'}/embeddings/Microsoft_Excel_Worksheet.xlsx"
    original = samples.with_inside(
        samples.ooxml_with_authors(extension), where, samples.ooxml_with_authors("xlsx")
    )
    assert samples.SECRET.encode() in _every_part(original)

    _, cleaned = clean_upload(name=f"report.{extension}", data=original)

    _no_secret(_every_part(cleaned))
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        inside = archive.read(where)
    with zipfile.ZipFile(io.BytesIO(inside)) as workbook:
        assert b"creator" not in workbook.read("docProps/core.xml")
        assert b"The evidence itself" in workbook.read("xl/workbook.xml")


def test_an_object_inside_an_open_document_loses_its_creator():
    original = samples.with_inside(
        samples.odf_with_creator("odt"), "Object 1/meta.xml", samples.META
    )

    _, cleaned = clean_upload(name="notes.odt", data=original)

    _no_secret(_every_part(cleaned))
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        assert b"initial-creator" not in archive.read("Object 1/meta.xml")


def test_documents_inside_documents_inside_a_document_are_refused():
    inner = samples.with_inside(
        samples.ooxml_with_authors("docx"), "word/embeddings/deeper.xlsx", b"PK\x03\x04"
    )
    original = samples.with_inside(
        samples.ooxml_with_authors("docx"), "word/embeddings/inner.docx", inner
    )
    with pytest.raises(UploadRefused, match="documents inside documents"):
        clean_upload(name="report.docx", data=original)


# text


@pytest.mark.parametrize("extension", ["csv", "txt"])
def test_utf8_text_is_kept_as_it_is(extension):
    text = "week,missed\n1,4\nCafé, naïve — ✓\n".encode()

    name, cleaned = clean_upload(name=f"audit.{extension}", data=text)

    assert cleaned == text
    assert name.endswith(f".{extension}")


# refusals


PNG = samples.png_with_text()
REFUSED = {
    "png-named-pdf": ("study.pdf", PNG),
    "exe-named-pdf": ("study.pdf", b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run"),
    "pdf-named-png": ("chart.png", samples.pdf_with_metadata()),
    "png-named-jpeg": ("photo.jpeg", PNG),
    "truncated-png": ("chart.png", PNG[:40]),
    "invalid-utf8-csv": ("figures.csv", b"name,score\n\xff\xfe broken\n"),
    "binary-txt": ("notes.txt", b"text\x00with a null byte"),
    "zip-named-docx": ("report.docx", samples.odf_with_creator("odt")),
    "odt-named-ods": ("sheet.ods", samples.odf_with_creator("odt")),
    "docx-named-xlsx": ("sheet.xlsx", samples.ooxml_with_authors("docx")),
    "png-named-odt": ("notes.odt", PNG),
    "not-a-pdf": ("study.pdf", b"%PDF-1.7 and then nothing a reader can use"),
    "no-extension": ("study", samples.pdf_with_metadata()),
    "exe": ("tool.exe", b"MZ\x90\x00"),
    "svg": ("logo.svg", b"<svg onload='alert(1)'/>"),
}


@pytest.mark.parametrize(("name", "data"), REFUSED.values(), ids=REFUSED.keys())
def test_a_file_that_is_not_what_it_claims_is_refused(name, data):
    with pytest.raises(UploadRefused) as excinfo:
        clean_upload(name=name, data=data)

    assert isinstance(excinfo.value, ValueError)
    assert str(excinfo.value)  # a message the person can act on


def test_the_stored_name_is_random_and_keeps_only_the_extension():
    names = {clean_upload(name="Jo Bloggs disclosure.CSV", data=b"a,b\n")[0] for _ in range(5)}

    assert len(names) == 5
    for name in names:
        assert RANDOM_NAME.match(name)
        assert name.endswith(".csv")


# through the web form


def _post(client, project, upload):
    return client.post(
        f"/projects/{project.slug}/contribute/evidence/",
        {
            "title": "Missed visits rose after the rota change",
            "body": "Our audit of the rota.",
            "attribution": "named",
            "source_type": "dataset",
            "source": "Team audit 2026",
            "provenance": "Our own rota records",
            "quality": "moderate",
            "file": upload,
        },
    )


def test_an_upload_through_the_form_is_stored_without_metadata(client, project, practitioner):
    client.force_login(practitioner)

    response = _post(client, project, SimpleUploadedFile("Jo Bloggs.jpg", samples.jpeg_with_gps()))

    assert response.status_code == 302
    contribution = Contribution.objects.get()
    stored_name = contribution.attachment.name
    assert stored_name.startswith("evidence/")
    assert RANDOM_NAME.match(stored_name.rsplit("/", 1)[1])
    with contribution.attachment.open("rb") as stored:
        data = stored.read()
    _no_secret(data)
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()

    download = client.get(f"/projects/{project.slug}/contributions/{contribution.pk}/file/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="evidence-{contribution.pk}.jpg"'
    )
    assert b"".join(download.streaming_content) == data


def test_a_refused_upload_shows_an_error_next_to_the_field_and_saves_nothing(
    client, project, practitioner
):
    client.force_login(practitioner)

    response = _post(client, project, SimpleUploadedFile("study.pdf", samples.png_with_text()))

    assert response.status_code == 400
    assert "file" in response.context["details"].errors
    assert 'id="id_file_error"' in response.content.decode()
    assert "not a valid .pdf file" in response.content.decode()
    assert not Contribution.objects.exists()
