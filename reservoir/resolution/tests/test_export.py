"""Exporting visible parties to CSV, XLSX and vCard, never emitting an executable cell."""

import csv
import io

import pytest
import vobject
from django.urls import reverse
from openpyxl import load_workbook

from reservoir.audit.models import AuditEntry
from reservoir.parties.enums import ContactKind
from reservoir.parties.models import ContactPoint
from reservoir.parties.tests.factories import PartyFactory
from reservoir.resolution.exporting import TRIGGERS, safe_cell

pytestmark = pytest.mark.django_db

DANGEROUS = ["=cmd|' /C calc'!A0", "+SUM(1+1)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def zhang(rep_a):
    party = PartyFactory(
        owner=rep_a, display_name="张伟", family_name="张", given_name="伟", name_order="eastern"
    )
    ContactPoint.objects.create(party=party, kind=ContactKind.PHONE, value="+8613800138000")
    ContactPoint.objects.create(party=party, kind=ContactKind.EMAIL, value="zw@example.com")
    return party


@pytest.fixture
def dangerous(rep_a):
    return [PartyFactory(owner=rep_a, display_name=text, given_name=text) for text in DANGEROUS]


def _get(client, **params):
    response = client.get(reverse("resolution:party_export"), params)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


@pytest.mark.parametrize("text", DANGEROUS)
def test_safe_cell_prefixes_a_quote_when_text_starts_like_a_formula(text):
    assert safe_cell(text) == "'" + text


def test_csv_export_has_a_bom_chinese_names_and_no_executable_cell_when_downloaded(
    client, rep_a, zhang, dangerous
):
    client.force_login(rep_a)

    response, body = _get(client, format="csv")

    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    assert [r for r in rows if r[0] == str(zhang.pk)][0][2:5] == ["张伟", "张", "伟"]
    assert "'+8613800138000" in cells
    assert not [c for c in cells if c.startswith(TRIGGERS)]
    assert len(rows) == 1 + 1 + len(DANGEROUS)


def test_xlsx_export_writes_strings_never_formulas_when_downloaded(client, rep_a, zhang, dangerous):
    client.force_login(rep_a)

    _response, body = _get(client, format="xlsx")

    sheet = load_workbook(io.BytesIO(body)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert {cell.data_type for cell in cells} == {"s"}
    assert not [c.value for c in cells if str(c.value).startswith(TRIGGERS)]
    assert "张伟" in [c.value for c in cells]
    assert sheet.max_row == 1 + 1 + len(DANGEROUS)


def test_vcard_export_carries_chinese_names_in_n_and_fn_when_downloaded(client, rep_a, zhang):
    client.force_login(rep_a)

    response, body = _get(client, format="vcf")

    card = next(vobject.readComponents(body.decode()))
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert card.version.value == "3.0"
    assert (card.fn.value, card.n.value.family, card.n.value.given) == ("张伟", "张", "伟")
    assert card.tel.value == "+8613800138000"
    assert card.email.value == "zw@example.com"


def test_export_of_checked_rows_leaves_out_invisible_parties_when_ids_are_given(
    client, rep_a, rep_b, zhang
):
    other = PartyFactory(owner=rep_a, display_name="Other")
    theirs = PartyFactory(owner=rep_b, display_name="Theirs")
    client.force_login(rep_a)

    _response, body = _get(client, format="csv", ids=[zhang.pk, theirs.pk])

    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [str(zhang.pk)]
    assert other.pk and "Theirs" not in body.decode()


def test_export_follows_the_list_filters_and_is_audited_when_no_rows_are_checked(
    client, rep_a, zhang
):
    PartyFactory(owner=rep_a, display_name="Someone Else", search_text="someone else")
    client.force_login(rep_a)

    _response, body = _get(client, format="csv", q="张")

    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    entry = AuditEntry.objects.get(action="resolution.parties.exported")
    assert [r[0] for r in rows[1:]] == [str(zhang.pk)]
    assert (entry.actor, entry.data["count"], entry.data["format"]) == (rep_a, 1, "csv")


def test_sales_rep_export_contains_only_their_teams_parties_when_unfiltered(
    client, rep_a, rep_b, zhang
):
    PartyFactory.create_batch(3, owner=rep_b)
    client.force_login(rep_a)

    _response, body = _get(client, format="csv")

    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [str(zhang.pk)]


def test_customer_list_offers_the_export_of_its_selection_when_it_has_rows(client, rep_a, zhang):
    client.force_login(rep_a)

    response = client.get(reverse("workspace:customer_list"), {"q": "张"})

    html = response.content.decode()
    assert f'action="{reverse("resolution:party_export")}"' in html
    assert '<input type="hidden" name="q" value="张">' in html
    assert f'name="ids" value="{zhang.pk}" form="export-form"' in html
