"""Reading CSV (GBK, Big5, UTF-8 with BOM), XLSX and vCard files; mapping suggestions;
every malformed input refused with a clear message and nothing imported."""

import io
import os
import zipfile

import pytest
from django.template.defaultfilters import filesizeformat
from openpyxl import Workbook

from reservoir.parties.models import Party
from reservoir.resolution.importing.fields import suggest_mapping
from reservoir.resolution.importing.readers import FileRejected
from reservoir.resolution.models import ImportJob, ImportRowResult
from reservoir.resolution.tests.import_support import csv_bytes, imported, people, upload

pytestmark = pytest.mark.django_db

VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:张;伟;;;\r\nFN:张伟\r\nORG:北京科技有限公司\r\n"
    "TITLE:经理\r\nTEL;TYPE=CELL:138 0013 8000\r\nEMAIL;TYPE=INTERNET:zw@example.com\r\n"
    "ADR;TYPE=WORK:;;建国路1号;北京;北京;100000;中国\r\nBDAY:1985-03-02\r\n"
    "X-WECHAT:zhangwei85\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:陳;美玲;;;\r\nFN:陳美玲\r\nTEL;TYPE=WORK:+886 2 2345 6789\r\n"
    "END:VCARD\r\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("encoding", "expected", "name"),
    [("gbk", "gb18030", "张伟"), ("big5", "big5", "陳美玲"), ("utf-8-sig", "utf-8-sig", "张伟")],
)
def test_csv_encoding_is_detected_when_not_chosen(rep_a, encoding, expected, name):
    header = (
        ["姓名", "手機", "郵箱", "公司"] if encoding == "big5" else ["姓名", "手机", "邮箱", "公司"]
    )
    data = csv_bytes(
        [[name, "13800138000", "a@example.com", "公司"]], header=header, encoding=encoding
    )

    job = upload(rep_a, data)

    assert job.encoding == expected
    assert job.sample[0][0] == name
    assert job.mapping[:4] == ["full_name", "mobile", "email", "company"]


def test_xlsx_is_read_with_numbers_and_dates_as_text_when_uploaded(rep_a):
    import datetime as dt

    birthday = dt.datetime(1990, 5, 6)  # noqa: DTZ001 - Excel cells carry no time zone
    data = _xlsx([["Name", "Mobile", "Birthday"], ["Wang Fang", 13800138000, birthday]])

    job = imported(upload(rep_a, data, name="people.xlsx"), rep_a)

    party = Party.objects.get(display_name="Wang Fang")
    assert (job.format, job.created_count) == ("xlsx", 1)
    assert (party.given_name, party.family_name, str(party.birth_date)) == (
        "Wang",
        "Fang",
        "1990-05-06",
    )
    assert party.contact_points.get().value == "+8613800138000"


def test_vcard_cards_import_with_chinese_names_when_uploaded(rep_a):
    job = imported(upload(rep_a, VCARDS.encode(), name="cards.vcf"), rep_a)

    zhang = Party.objects.get(display_name="张伟")
    chen = Party.objects.get(display_name="陳美玲")
    assert (job.format, job.created_count, job.error_count) == ("vcf", 2, 0)
    assert (zhang.family_name, zhang.given_name, zhang.name_order) == ("张", "伟", "eastern")
    assert str(zhang.birth_date) == "1985-03-02"
    assert set(zhang.contact_points.values_list("kind", "value")) == {
        ("phone", "+8613800138000"),
        ("email", "zw@example.com"),
        ("wechat", "zhangwei85"),
    }
    assert chen.contact_points.get().value == "+886223456789"


def test_mapping_is_suggested_from_english_and_chinese_headers_when_detected():
    headers = ["First Name", "Last Name", "E-mail Address", "手機", "电话", "公司名称", "地址",
               "邮编", "生日", "微信号", "备注", "Whatever"]  # fmt: skip

    mapping = suggest_mapping(headers)

    assert mapping == ["given_name", "family_name", "email", "mobile", "phone", "company",
                       "street", "postal_code", "birth_date", "wechat", "notes", ""]  # fmt: skip


def _rejected(user, data, **kwargs):
    with pytest.raises(FileRejected) as info:
        upload(user, data, **kwargs)
    return info.value.message


def test_file_is_rejected_and_nothing_stored_when_bytes_do_not_decode(rep_a):
    data = csv_bytes(people(2), encoding="gbk")

    message = _rejected(rep_a, data, encoding="utf-8")

    assert message.startswith("The file is not valid UTF-8 text: undecodable bytes on line 1.")
    assert (ImportJob.objects.count(), Party.objects.count()) == (0, 0)


def test_file_is_rejected_when_its_encoding_cannot_be_recognised(rep_a):
    data = b"name\n" + bytes(range(128, 256)) * 20

    message = _rejected(rep_a, data)

    assert "encoding could not be recognised" in message
    assert ImportJob.objects.count() == 0


def test_broken_xlsx_is_rejected_when_the_zip_is_garbage(rep_a):
    data = b"PK\x03\x04" + os.urandom(400)

    message = _rejected(rep_a, data, name="broken.xlsx")

    assert message == "This is not a readable Excel workbook (.xlsx); it may be damaged."
    assert ImportJob.objects.count() == 0


def test_xlsx_without_a_workbook_is_rejected_when_the_zip_is_valid(rep_a):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")

    message = _rejected(rep_a, out.getvalue(), name="empty.xlsx")

    assert message == "This is not a readable Excel workbook (.xlsx); it may be damaged."


@pytest.mark.parametrize(
    "text",
    [
        "BEGIN:VCARD\nVERSION:3.0\nFN:x\nthis is not a property\nEND:VCARD\n",
        "BEGIN:VCARD\nVERSION:3.0\nFN:never closed\n",
        "just some text",
    ],
)
def test_invalid_vcard_is_rejected_and_nothing_imported_when_malformed(rep_a, text):
    data = VCARDS.encode() + text.encode() if text.startswith("BEGIN") else text.encode()

    message = _rejected(rep_a, data, name="bad.vcf")

    assert "vCard" in message
    assert (ImportJob.objects.count(), Party.objects.count()) == (0, 0)


def test_file_over_the_size_limit_is_rejected_when_uploaded(rep_a, settings):
    settings.IMPORT_MAX_BYTES = 1000
    data = csv_bytes(people(50))

    message = _rejected(rep_a, data)

    assert message == f"The file is {filesizeformat(len(data))}; the limit is 1000\xa0bytes."
    assert ImportJob.objects.count() == 0


def test_file_with_too_many_rows_is_rejected_when_uploaded(rep_a, settings):
    settings.IMPORT_MAX_ROWS = 10

    message = _rejected(rep_a, csv_bytes(people(11)))

    assert message == "The file has more than 10 rows; split it into smaller files."


def test_unknown_file_type_is_rejected_when_uploaded(rep_a):
    message = _rejected(rep_a, b"%PDF-1.4 ...", name="cards.pdf")

    assert message == "Upload a CSV (.csv), Excel (.xlsx) or vCard (.vcf) file."


@pytest.mark.parametrize(
    "cell",
    ["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil\")", "+SUM(1+1)", "-2+3+cmd|' /C calc'!A0",
     "@SUM(1+1)", "\t=1+1", "\r=1+1"],
)  # fmt: skip
def test_formula_cell_is_refused_with_a_message_when_imported(rep_a, cell):
    data = csv_bytes([[cell, "13900000001", "", "", "", "", ""], *people(1, start=5)])

    job = imported(upload(rep_a, data), rep_a)

    error = ImportRowResult.objects.get(job=job, phase="run", outcome="error")
    assert (job.created_count, job.error_count) == (1, 1)
    assert "looks like a spreadsheet formula" in error.message
    assert not Party.objects.filter(display_name__contains="1+1").exists()
    assert not Party.objects.filter(display_name__contains="cmd").exists()


def test_plus_prefixed_phone_is_imported_as_a_phone_when_not_a_formula(rep_a):
    data = csv_bytes([["Plus", "+86 139 0000 0001", "", "", "", "", ""]])

    job = imported(upload(rep_a, data), rep_a)

    assert job.created_count == 1
    assert Party.objects.get(display_name="Plus").contact_points.get().value == "+8613900000001"


def test_sample_vcard_file_flags_the_traditional_script_card_as_a_repeat_when_imported(rep_a):
    from reservoir.resolution.tests.import_journey import FIXTURES

    data = (FIXTURES / "trade_show_cards.vcf").read_bytes()

    job = imported(upload(rep_a, data, name="trade_show_cards.vcf"), rep_a)

    outcomes = dict(
        ImportRowResult.objects.filter(job=job, phase="run").values_list("row", "outcome")
    )
    assert outcomes == {1: "create", 2: "duplicate", 3: "create", 4: "create", 5: "create"}
    chen = Party.objects.get(display_name="陳美玲")
    assert chen.contact_points.get(kind="phone").value == "+886223456789"


def test_sample_gbk_csv_is_detected_and_its_bad_row_reported_when_imported(rep_a):
    from reservoir.resolution.tests.import_journey import FIXTURES

    data = (FIXTURES / "contacts_gbk.csv").read_bytes()

    job = imported(upload(rep_a, data, name="contacts_gbk.csv"), rep_a)

    error = ImportRowResult.objects.get(job=job, phase="run", outcome="error")
    assert (job.encoding, job.created_count, job.error_count) == ("gb18030", 3, 1)
    assert (error.row, error.message) == (5, "“zhaomin@example” is not an email address.")
