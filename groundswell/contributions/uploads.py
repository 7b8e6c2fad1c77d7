"""Evidence files: check what a file really is, and strip what could identify the person behind it.

Pure code on bytes, no Django, so the form and the service share one place of truth. A photo's
GPS position, a PDF's author or a document's "last modified by" can name a whistle-blower, so
every accepted file is rewritten without them, and stored under a random name.
"""

import io
import re
import secrets
import warnings
import zipfile

from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject, TextStringObject

ALLOWED_EXTENSIONS = ["pdf", "csv", "txt", "png", "jpg", "jpeg", "docx", "xlsx", "odt", "ods"]

# Office files are ZIP archives: refuse ones that would expand far beyond any real document.
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNCOMPRESSED_BYTES = 200 * 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
_EMPTY_OOXML_PARTS = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'xmlns:dcterms="http://purl.org/dc/terms/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'docPropsVTypes"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'docPropsVTypes"/>'
    ),
}
_ODF_VERSION = re.compile(rb'office:version="([0-9.]{1,8})"')
# Revision and comment data inside the document parts: who changed or commented, when, and the
# editing-session ids that tie copies of a file together. Names are replaced (the attributes are
# required by the formats), session ids and times are dropped or neutralised.
NEUTRAL_NAME = b"Contributor"
_OOXML_NAME_ATTRIBUTE = re.compile(
    rb'(\s(?:[A-Za-z0-9]+:)?(?:author|initials|userId|userName|providerId))="[^"]*"'
)
# Only in a workbook's list of people: a table's displayName is its (required, unique) name.
_XLSX_PERSON_NAME = re.compile(rb'(\sdisplayName)="[^"]*"')
_OOXML_DROPPED_ATTRIBUTE = re.compile(rb'\s(?:w:)?(?:date|dateUtc|dT|rsid[A-Za-z]*)="[^"]*"')
_OOXML_RSIDS = re.compile(rb"<w:rsids>.*?</w:rsids>|<w:rsids/>", re.DOTALL)
_XLSX_COMMENT_AUTHOR = re.compile(rb"<author>[^<]*</author>")
# SharePoint's record of the people a document was shared with (customXml/item*.xml).
_OOXML_USER_INFO = re.compile(rb"<((?:[A-Za-z0-9]+:)?(?:DisplayName|AccountId))>[^<]*</\1>")
_ODF_CREATOR = re.compile(rb"<dc:creator>[^<]*</dc:creator>")
_ODF_DATE = re.compile(rb"<dc:date>[^<]*</dc:date>")
_ODF_INITIALS = re.compile(rb"<meta:creator-initials>[^<]*</meta:creator-initials>")
_ODF_EPOCH = b"<dc:date>1980-01-01T00:00:00</dc:date>"
# Entries are dated to the start of the ZIP epoch: edit times can be matched against other records.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class UploadRefused(ValueError):
    """The file is not what it claims to be, or cannot be cleaned. The message is for the user."""


def clean_upload(*, name: str, data: bytes) -> tuple[str, bytes]:
    """The file's new random name and its content with identifying metadata removed.

    Raises UploadRefused when the type is not allowed or the content does not match it.
    """
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(ALLOWED_EXTENSIONS)
        raise UploadRefused(f"This type of file is not accepted. Accepted types: {allowed}.")
    cleaner = _CLEANERS[extension]
    cleaned = cleaner(data, extension)
    return f"{secrets.token_hex(16)}.{extension}", cleaned


def _mismatch(extension: str) -> UploadRefused:
    return UploadRefused(
        f"This file is not a valid .{extension} file: its content does not match its name."
    )


def _clean_text(data: bytes, extension: str) -> bytes:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise UploadRefused(
            f"A .{extension} file must be plain text in UTF-8. Save it as UTF-8 and try again."
        ) from None
    if b"\x00" in data:
        raise _mismatch(extension)
    return data


def _clean_image(data: bytes, extension: str) -> bytes:
    expected = "PNG" if extension == "png" else "JPEG"
    magic = b"\x89PNG\r\n\x1a\n" if expected == "PNG" else b"\xff\xd8\xff"
    if not data.startswith(magic):
        raise _mismatch(extension)
    try:
        with warnings.catch_warnings():
            # An image that decodes to a huge bitmap is a memory attack, not evidence.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                # Phones save multi-picture JPEGs, which Pillow calls MPO.
                if image.format != expected and not (expected == "JPEG" and image.format == "MPO"):
                    raise _mismatch(extension)
                image.load()
                # Keep how the photo looks once its orientation tag is gone.
                upright = _upright(image)
                transparency = image.info.get("transparency")
    except UploadRefused:
        raise
    except Exception:  # a parser meeting hostile bytes can fail in many ways: all mean "refuse"
        raise UploadRefused(f"This .{extension} image could not be read.") from None
    # A fresh image carries no EXIF, GPS, XMP, ICC profile, comment or text chunks.
    clean = upright.copy()
    clean.info = {}
    out = io.BytesIO()
    if expected == "PNG":
        options = {"transparency": transparency} if transparency is not None else {}
        clean.save(out, "PNG", optimize=False, **options)
    else:
        if clean.mode not in ("L", "RGB", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=95)
    return out.getvalue()


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # a broken orientation tag is no reason to refuse the picture
        return image.copy()


def _clean_pdf(data: bytes, extension: str) -> bytes:
    if not data.startswith(b"%PDF-"):
        raise _mismatch(extension)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UploadRefused("This PDF is password-protected. Remove the protection first.")
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None  # the document information dictionary: author, producer, dates
        # The file's identifier: the same in every copy of the original, whoever holds one.
        writer._ID = None
        for obj in writer._objects:
            if isinstance(obj, DictionaryObject):
                _scrub_pdf_object(obj)
        # Unlinked metadata objects would still be written out: drop what nothing refers to.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except UploadRefused:
        raise
    except Exception:  # a parser meeting hostile bytes can fail in many ways: all mean "refuse"
        raise UploadRefused("This PDF could not be read.") from None
    return out.getvalue()


def _scrub_pdf_object(obj: DictionaryObject) -> None:
    """One object of a PDF without what can name its author, wherever it is kept: XMP and
    applications' private data (on the catalogue, pages, images, forms), a comment's author and
    times, and a photo's own metadata (its bytes are a JPEG file, EXIF and GPS included)."""
    if "/EF" in obj:  # a file specification with the file inside: nothing here can clean that
        raise UploadRefused(
            "This PDF has other files attached inside it, which could identify you. Save it "
            "without them and try again."
        )
    for key in ("/Metadata", "/PieceInfo", "/LastModified"):  # XMP, applications' data, a time
        obj.pop(NameObject(key), None)
    if "/Rect" in obj:  # an annotation
        for key in ("/M", "/CreationDate"):
            obj.pop(NameObject(key), None)
        # A comment's author; on a form field's widget /T is the field's name, which stays.
        if "/T" in obj and obj.get("/Subtype") != "/Widget":
            obj[NameObject("/T")] = TextStringObject(NEUTRAL_NAME.decode())
    if (
        isinstance(obj, StreamObject)
        and obj.get("/Subtype") == "/Image"
        and obj.get("/Filter") in ("/DCTDecode", ["/DCTDecode"])
    ):
        # StreamObject's plain get and set: an encoded stream's own would decode the JPEG, and
        # refuse to encode it again.
        StreamObject.set_data(obj, _jpeg_without_metadata(StreamObject.get_data(obj)))


# JPEG segments kept: APP0 (JFIF) and APP14 (Adobe: how the colours are encoded). The other
# application segments (EXIF, XMP, ICC, IPTC, makers' data) and comments are dropped.
_JPEG_KEPT_APP = {0xE0, 0xEE}


def _jpeg_without_metadata(data: bytes) -> bytes:
    """A JPEG's bytes without its metadata segments, and without anything after its end (a phone's
    second picture). The picture itself is copied as it is, not encoded again."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG")
    out = [b"\xff\xd8"]
    pos = 2
    while pos + 1 < len(data):
        if data[pos] != 0xFF:
            raise ValueError("not a JPEG marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # a fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:  # the end of the picture
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if end > len(data):
            raise ValueError("a JPEG segment runs past the end")
        if not (0xE0 <= marker <= 0xEF and marker not in _JPEG_KEPT_APP) and marker != 0xFE:
            out.append(data[pos:end])
        pos = end
        if marker == 0xDA:  # the compressed picture follows, up to the next real marker
            scan = pos
            while (found := data.find(b"\xff", scan)) != -1 and found + 1 < len(data):
                following = data[found + 1]
                if following != 0x00 and not 0xD0 <= following <= 0xD7:
                    break
                scan = found + 2
            else:
                found = len(data)
            out.append(data[pos:found])
            pos = found
    out.append(b"\xff\xd9")
    return b"".join(out)


def _clean_office(data: bytes, extension: str, *, nested: bool = False) -> bytes:
    """`nested`: a document inside another (a chart's workbook in a report): it may hold no
    document of its own, and its size counts towards its holder's (see _clean_embedded)."""
    if not data.startswith(_ZIP_MAGIC):
        raise _mismatch(extension)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_ZIP_UNCOMPRESSED_BYTES:
                raise UploadRefused("This document is too large once unpacked.")
            names = {entry.filename for entry in entries}
            if extension in _OOXML_MAIN_PART:
                if not {"[Content_Types].xml", _OOXML_MAIN_PART[extension]} <= names:
                    raise _mismatch(extension)
                replace = _EMPTY_OOXML_PARTS
            else:
                if "mimetype" not in names or archive.read("mimetype") != _ODF_MIMETYPE[extension]:
                    raise _mismatch(extension)
                replace = {}
                # The document's own, and each embedded object's ("Object 1/meta.xml").
                for name in names:
                    if name == "meta.xml" or name.endswith("/meta.xml"):
                        replace[name] = _empty_odf_meta(archive.read(name))
                    elif name == "settings.xml" or name.endswith("/settings.xml"):
                        replace[name] = _empty_odf_settings(archive.read(name))
            scrub = _scrub_ooxml_part if extension in _OOXML_MAIN_PART else _scrub_odf_part
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as rewritten:
                for entry in entries:
                    content = replace.get(entry.filename)
                    if content is None:
                        content = archive.read(entry)
                        lowered = entry.filename.lower()
                        if lowered.endswith(_IMAGE_SUFFIXES):
                            content = _clean_embedded_image(entry.filename, content)
                        elif lowered.endswith(".xml"):
                            content = scrub(content)
                        elif lowered.endswith(_DOCUMENT_SUFFIXES):
                            if nested:
                                raise UploadRefused(_NESTED_TOO_DEEP)
                            unpacked += _unpacked_size(content)
                            if unpacked > MAX_ZIP_UNCOMPRESSED_BYTES:
                                raise UploadRefused("This document is too large once unpacked.")
                            content = _clean_embedded(entry.filename, content)
                    # A new entry drops the original's timestamps, extra fields and comment.
                    info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_EPOCH)
                    info.compress_type = (
                        zipfile.ZIP_STORED if entry.filename == "mimetype" else zipfile.ZIP_DEFLATED
                    )
                    info.external_attr = 0o644 << 16
                    rewritten.writestr(info, content)
    except UploadRefused:
        raise
    except Exception:  # corrupt, encrypted or hostile archives: all mean "refuse"
        raise UploadRefused(f"This .{extension} document could not be read.") from None
    return out.getvalue()


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


# Documents that office files embed as they are: a chart's workbook in a report, a document
# pasted into another. Each has its own authors and properties to clean.
_DOCUMENT_SUFFIXES = tuple(f".{extension}" for extension in [*_OOXML_MAIN_PART, *_ODF_MIMETYPE])
_NESTED_TOO_DEEP = "This document holds documents inside documents. Save it without them first."


def _unpacked_size(content: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        return 0  # not an archive: _clean_embedded refuses it


def _clean_embedded(name: str, content: bytes) -> bytes:
    """A document inside an office file, cleaned as if it were uploaded on its own."""
    extension = name.rsplit(".", 1)[-1].lower()
    try:
        return _clean_office(content, extension, nested=True)
    except UploadRefused as refused:
        if str(refused) == _NESTED_TOO_DEEP:
            raise
        raise UploadRefused("A document inside this document could not be read.") from None


def _clean_embedded_image(name: str, content: bytes) -> bytes:
    """A photo pasted into a document keeps its GPS position unless it is cleaned too."""
    extension = name.rsplit(".", 1)[-1].lower()
    try:
        return _clean_image(content, extension)
    except UploadRefused:
        raise UploadRefused("An image inside this document could not be read.") from None


def _scrub_ooxml_part(content: bytes) -> bytes:
    """Tracked changes, comments and the people lists without names, dates or session ids."""
    content = _OOXML_NAME_ATTRIBUTE.sub(rb'\1="' + NEUTRAL_NAME + b'"', content)
    content = _OOXML_DROPPED_ATTRIBUTE.sub(b"", content)
    content = _OOXML_RSIDS.sub(b"", content)
    if b"<personList" in content:
        content = _XLSX_PERSON_NAME.sub(rb'\1="' + NEUTRAL_NAME + b'"', content)
    content = _OOXML_USER_INFO.sub(rb"<\1></\1>", content)
    return _XLSX_COMMENT_AUTHOR.sub(b"<author>" + NEUTRAL_NAME + b"</author>", content)


def _scrub_odf_part(content: bytes) -> bytes:
    """Annotations and tracked changes (office:change-info) without their authors, their
    initials or times."""
    content = _ODF_CREATOR.sub(b"<dc:creator>" + NEUTRAL_NAME + b"</dc:creator>", content)
    content = _ODF_INITIALS.sub(b"", content)
    return _ODF_DATE.sub(_ODF_EPOCH, content)


def _odf_version(original: bytes) -> bytes:
    """The office:version a rewritten part keeps, so readers treat it as the same format."""
    found = _ODF_VERSION.search(original)
    return found.group(1) if found else b"1.2"


def _empty_odf_settings(original: bytes) -> bytes:
    """settings.xml without its view and printer settings (printer names, paths, window state)."""
    version = _odf_version(original)
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b"<office:document-settings "
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'office:version="' + version + b'"/>'
    )


def _empty_odf_meta(original: bytes) -> bytes:
    """meta.xml with no creator, dates, editing cycles or generating application."""
    version = _odf_version(original)
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'office:version="' + version + b'"><office:meta/></office:document-meta>'
    )


_CLEANERS = {
    "pdf": _clean_pdf,
    "csv": _clean_text,
    "txt": _clean_text,
    "png": _clean_image,
    "jpg": _clean_image,
    "jpeg": _clean_image,
    "docx": _clean_office,
    "xlsx": _clean_office,
    "odt": _clean_office,
    "ods": _clean_office,
}
