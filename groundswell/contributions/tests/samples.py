"""Evidence files built in memory, carrying the metadata that must not survive an upload."""

import io
import zipfile

from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.annotations import Text
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

SECRET = "Jo Bloggs"
GPS_IFD = 0x8825
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:creator><rdf:Seq><rdf:li>Jo Bloggs</rdf:li></rdf:Seq></dc:creator>"
    b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def jpeg_with_gps(size=(40, 30)) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = SECRET  # Artist
    exif[0x0110] = "Phone of Jo Bloggs"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "JPEG", exif=exif, comment=SECRET.encode())
    return out.getvalue()


def png_with_text(size=(20, 10)) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRET)
    info.add_itxt("Comment", f"Taken at home by {SECRET}")
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_metadata(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": SECRET, "/Producer": "SecretOffice 9", "/Title": "Memo"})
    writer.xmp_metadata = XMP
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_photo_and_comment() -> bytes:
    """A page showing a phone photo (its JPEG bytes as they are, EXIF and GPS included, as
    image-to-PDF tools embed them) with a reviewer's comment on it, signed and dated."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    photo = StreamObject()
    photo.set_data(jpeg_with_gps(size=(40, 30)))
    photo.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(40),
            NameObject("/Height"): NumberObject(30),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(photo)})}
    )
    page[NameObject("/LastModified")] = TextStringObject("D:20260314091500Z")
    drawing = DecodedStreamObject()
    drawing.set_data(b"q 40 0 0 30 10 10 cm /Im0 Do Q")
    page.replace_contents(drawing)
    comment = Text(rect=(10, 10, 50, 40), text="Taken on the ward")
    comment[NameObject("/T")] = TextStringObject(SECRET)
    comment[NameObject("/M")] = TextStringObject("D:20260314091500Z")
    comment[NameObject("/CreationDate")] = TextStringObject("D:20260314091500Z")
    writer.add_annotation(0, comment)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>'
)
CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    f"<dc:creator>{SECRET}</dc:creator><cp:lastModifiedBy>{SECRET}</cp:lastModifiedBy>"
    "<cp:revision>7</cp:revision></cp:coreProperties>"
)
APP = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    f'extended-properties"><Company>{SECRET} Ltd</Company></Properties>'
)


def ooxml_with_authors(extension: str = "docx", photo: bytes | None = None) -> bytes:
    main = "word/document.xml" if extension == "docx" else "xl/workbook.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr(main, "<document>The evidence itself</document>")
        archive.writestr("docProps/core.xml", CORE)
        archive.writestr("docProps/app.xml", APP)
        if photo:
            archive.writestr("word/media/image1.jpeg", photo)
    return out.getvalue()


META = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta>'
    f"<meta:initial-creator>{SECRET}</meta:initial-creator><dc:creator>{SECRET}</dc:creator>"
    "<dc:date>2026-01-02T10:11:12</dc:date><meta:editing-cycles>12</meta:editing-cycles>"
    "<meta:generator>LibreOffice/25.2</meta:generator></office:meta></office:document-meta>"
)


def odf_with_creator(extension: str = "odt") -> bytes:
    kind = "text" if extension == "odt" else "spreadsheet"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", f"application/vnd.oasis.opendocument.{kind}")
        archive.writestr(
            "content.xml",
            "<office:document-content>The evidence</office:document-content>",
            zipfile.ZIP_DEFLATED,
        )
        archive.writestr("meta.xml", META, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>", zipfile.ZIP_DEFLATED)
    return out.getvalue()


def with_inside(document: bytes, name: str, inside: bytes) -> bytes:
    """An office file with one more part, `inside`, stored at `name` (as a report holds its
    chart's workbook at word/embeddings/, or an open document its chart at "Object 1/")."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(document)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for entry in source.infolist():
            archive.writestr(entry, source.read(entry))
        archive.writestr(name, inside)
    return out.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W15 = 'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'
REVISION_DAY = "2026-03-04"
SESSION_ID = "00AB12CD"
USER_ID = "jo.bloggs@council.example"

# Tracked changes, comments and the people list: the revision data a Word file carries.
DOCX_REVISIONS = {
    "word/document.xml": (
        f'<w:document {W}><w:body><w:p w:rsidR="{SESSION_ID}" w:rsidRDefault="{SESSION_ID}">'
        f'<w:ins w:id="1" w:author="{SECRET}" w:date="{REVISION_DAY}T10:00:00Z">'
        "<w:r><w:t>Added text</w:t></w:r></w:ins>"
        f'<w:del w:id="2" w:author="{SECRET}" w:date="{REVISION_DAY}T10:01:00Z">'
        "<w:r><w:delText>Old text</w:delText></w:r></w:del>"
        "</w:p></w:body></w:document>"
    ),
    "word/comments.xml": (
        f'<w:comments {W}><w:comment w:id="0" w:author="{SECRET}" w:initials="JB" '
        f'w:date="{REVISION_DAY}T11:00:00Z"><w:p><w:r><w:t>Check this figure</w:t></w:r></w:p>'
        "</w:comment></w:comments>"
    ),
    "word/people.xml": (
        f'<w15:people {W15}><w15:person w15:author="{SECRET}">'
        f'<w15:presenceInfo w15:providerId="AD" w15:userId="{USER_ID}"/>'
        "</w15:person></w15:people>"
    ),
    "word/settings.xml": (
        f'<w:settings {W}><w:zoom w:percent="100"/><w:rsids><w:rsidRoot w:val="{SESSION_ID}"/>'
        f'<w:rsid w:val="{SESSION_ID}"/></w:rsids></w:settings>'
    ),
    # A document kept in SharePoint: who it was shared with, by name and account.
    "customXml/item1.xml": (
        '<p:properties xmlns:p="http://schemas.microsoft.com/office/2006/metadata/properties">'
        '<documentManagement><SharedWithUsers xmlns="http://example.org/sharepoint-list">'
        f"<UserInfo><DisplayName>{SECRET}</DisplayName><AccountId>{USER_ID}</AccountId>"
        "<AccountType/></UserInfo></SharedWithUsers></documentManagement></p:properties>"
    ),
}
XLSX_REVISIONS = {
    "xl/workbook.xml": "<workbook><sheets/></workbook>",
    "xl/sharedStrings.xml": "<sst><si><t>Added text</t></si></sst>",
    "xl/tables/table1.xml": '<table id="1" name="Rota" displayName="Rota" ref="A1:B2"/>',
    "xl/comments1.xml": (
        f"<comments><authors><author>{SECRET}</author></authors><commentList>"
        '<comment ref="A1" authorId="0"><text><t>Check this figure</t></text></comment>'
        "</commentList></comments>"
    ),
    "xl/persons/person.xml": (
        f'<personList><person displayName="{SECRET}" id="{{1}}" userId="{USER_ID}" '
        'providerId="AD"/></personList>'
    ),
    "xl/threadedComments/threadedComment1.xml": (
        f'<ThreadedComments><threadedComment ref="A1" dT="{REVISION_DAY}T10:00:00.00" '
        'personId="{1}"><text>Check this figure</text></threadedComment></ThreadedComments>'
    ),
}
ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"'
)
ODT_REVISIONS = {
    "content.xml": (
        f"<office:document-content {ODF}><office:body><office:text>"
        '<text:tracked-changes><text:changed-region text:id="c1"><text:insertion>'
        f"<office:change-info><dc:creator>{SECRET}</dc:creator>"
        f"<dc:date>{REVISION_DAY}T10:00:00</dc:date></office:change-info>"
        "</text:insertion></text:changed-region></text:tracked-changes>"
        "<text:p>Added text<office:annotation>"
        f"<dc:creator>{SECRET}</dc:creator><meta:creator-initials>JB</meta:creator-initials>"
        f"<dc:date>{REVISION_DAY}T11:00:00</dc:date>"
        "<text:p>Check this figure</text:p></office:annotation></text:p>"
        "</office:text></office:body></office:document-content>"
    ),
    "settings.xml": (
        f'<office:document-settings {ODF} office:version="1.3"><office:settings>'
        '<config:config-item config:name="PrinterName" config:type="string">'
        f"{SECRET}'s printer</config:config-item></office:settings></office:document-settings>"
    ),
}


def office_with_revisions(extension: str) -> bytes:
    """A document whose own parts (not only its properties) name the people who edited it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if extension == "odt":
            archive.writestr(
                "mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
            )
            parts = ODT_REVISIONS
        else:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES)
            parts = DOCX_REVISIONS if extension == "docx" else XLSX_REVISIONS
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()
