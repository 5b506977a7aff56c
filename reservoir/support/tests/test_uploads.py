"""Uploads are checked: type by content (puremagic), size limit, allowed types."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reservoir.core.errors import InvalidInput
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services
from reservoir.support.models import Attachment, Case
from reservoir.support.uploads import validate_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.png", PNG, "image/png"),
        ("invoice.pdf", PDF, "application/pdf"),
        ("notes.txt", "洗衣机不转了\nThe drum does not turn.".encode(), "text/plain"),
        ("report.docx", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)  # fmt: skip
def test_upload_is_accepted_when_content_matches_its_type(name, content, content_type):
    checked = validate_upload(SimpleUploadedFile(name, content))

    assert (checked.filename, checked.content_type, checked.size) == (
        name,
        content_type,
        len(content),
    )


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("invoice.pdf", EXE, "upload_content"),
        ("photo.png", PDF, "upload_content"),
        ("notes.txt", EXE, "upload_content"),
        ("notes.txt", b"\x00\x01binary", "upload_content"),
        ("setup.exe", EXE, "upload_type"),
        ("page.html", b"<script>alert(1)</script>", "upload_type"),
        ("noext", b"hello", "upload_type"),
        ("empty.txt", b"", "upload_empty"),
    ],
)
def test_upload_is_refused_when_type_or_content_is_wrong(name, content, code):
    with pytest.raises(InvalidInput) as exc:
        validate_upload(SimpleUploadedFile(name, content))

    assert exc.value.code == code


def test_upload_is_refused_when_larger_than_the_limit(settings):
    settings.SUPPORT_MAX_UPLOAD_BYTES = 1000

    with pytest.raises(InvalidInput) as exc:
        validate_upload(SimpleUploadedFile("big.txt", b"a" * 1001))

    assert exc.value.code == "upload_size"
    assert validate_upload(SimpleUploadedFile("ok.txt", b"a" * 1000)).size == 1000


@pytest.mark.django_db
def test_case_is_not_opened_when_an_attachment_is_refused():
    party = PartyFactory()

    with pytest.raises(InvalidInput):
        services.open_case(
            party=party,
            subject="Broken",
            body="See the file",
            channel="portal",
            by=None,
            attachments=[SimpleUploadedFile("ok.png", PNG), SimpleUploadedFile("x.pdf", EXE)],
        )

    assert Case.objects.count() == 0
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_attachment_is_stored_with_size_type_and_hash():
    party = PartyFactory()

    case = services.open_case(
        party=party,
        subject="Broken",
        body="See the photo",
        channel="portal",
        by=None,
        attachments=[SimpleUploadedFile("../../etc/photo.png", PNG)],
    )

    att = Attachment.objects.get()
    assert (att.case_id, att.filename, att.content_type, att.size) == (
        case.pk,
        "photo.png",
        "image/png",
        len(PNG),
    )
    assert att.file.read() == PNG
    assert len(att.sha256) == 64
