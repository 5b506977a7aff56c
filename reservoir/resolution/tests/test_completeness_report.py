"""The gap report: exact aggregates on a constructed base, visibility, filters, the list of
parties missing a field."""

import pytest

from reservoir.parties.enums import ContactKind, PartyRoleKind
from reservoir.parties.models import ContactPoint, PartyRole
from reservoir.parties.tests.factories import OrganizationFactory, PartyFactory
from reservoir.resolution.completeness import services
from reservoir.resolution.completeness.report import NONE, ReportFilters, build_report
from reservoir.resolution.completeness.selectors import list_missing, preview_weights
from reservoir.resolution.completeness.weights import defaults, from_mapping

pytestmark = pytest.mark.django_db


def _only_email_and_phone(admin):
    """Weights: email 50 and phone 50 for everybody, every other field ignored."""
    values = {w.key: (0, w.applies_to) for w in defaults().items}
    values.update({"email": (50, "both"), "phone": (50, "both")})
    services.save_weights(by=admin, values=values)


def _party(factory, *, roles=(), contacts=(), **fields):
    party = factory(**fields)
    for role in roles:
        PartyRole.objects.create(party=party, role=role)
    for n, kind in enumerate(contacts):
        value = f"p{party.pk}-{n}@example.com" if kind == "email" else f"+86138001380{party.pk:02d}"
        ContactPoint.objects.create(party=party, kind=kind, value=value)
    return party


@pytest.fixture
def base(admin_user, rep_a, rep_b):
    """Four parties: scores 100, 50, 0 (another team) and 50 (unowned organization)."""
    _only_email_and_phone(admin_user)
    customer, prospect = PartyRoleKind.CUSTOMER, PartyRoleKind.PROSPECT
    email, phone = ContactKind.EMAIL, ContactKind.PHONE
    return {
        "p1": _party(PartyFactory, owner=rep_a, source="Fair", roles=[customer],
                     contacts=[email, phone]),
        "p2": _party(PartyFactory, owner=rep_a, source="Fair", roles=[customer, prospect],
                     contacts=[email]),
        "p3": _party(PartyFactory, owner=rep_b, source=""),
        "o1": _party(OrganizationFactory, source="Web", roles=[customer], contacts=[phone]),
    }  # fmt: skip


def _groups(groups):
    return {g.key: (g.parties, g.average, {x.key: (x.missing, x.applicable) for x in g.gaps})
            for g in groups}  # fmt: skip


def test_report_aggregates_the_whole_base_when_user_sees_everything(admin_user, base):
    report = build_report(actor=admin_user)

    assert (report.parties, report.average, report.complete) == (4, 50.0, 1)
    assert [(b.label, b.count) for b in report.histogram] == [
        ("0–19", 1), ("20–39", 0), ("40–59", 2), ("60–79", 0), ("80–99", 0), ("100", 1),
    ]  # fmt: skip
    assert [(g.key, g.missing, g.applicable, g.missing_pct) for g in report.gaps] == [
        ("email", 2, 4, 50.0),
        ("phone", 2, 4, 50.0),
    ]


def test_report_breaks_gaps_down_by_segment_when_parties_have_roles(admin_user, base):
    report = build_report(actor=admin_user)

    assert _groups(report.by_segment) == {
        "customer:person": (2, 75.0, {"email": (0, 2), "phone": (1, 2)}),
        "prospect:person": (1, 50.0, {"email": (0, 1), "phone": (1, 1)}),
        ":person": (1, 0.0, {"email": (1, 1), "phone": (1, 1)}),
        "customer:organization": (1, 50.0, {"email": (1, 1), "phone": (0, 1)}),
    }
    assert report.by_segment[0].key == "customer:person"
    labels = {g.key: g.label for g in report.by_segment}
    assert labels[":person"] == "No role · Person"
    assert labels["customer:organization"] == "Customer · Organization"
    assert report.by_segment[0].query == {"role": "customer", "kind": "person"}


def test_report_breaks_gaps_down_by_owner_and_source_when_asked(admin_user, rep_a, rep_b, base):
    report = build_report(actor=admin_user)

    assert _groups(report.by_owner) == {
        str(rep_a.pk): (2, 75.0, {"email": (0, 2), "phone": (1, 2)}),
        str(rep_b.pk): (1, 0.0, {"email": (1, 1), "phone": (1, 1)}),
        NONE: (1, 50.0, {"email": (1, 1), "phone": (0, 1)}),
    }
    assert {g.key: g.label for g in report.by_owner}[NONE] == "Nobody (unowned)"
    assert _groups(report.by_source) == {
        "Fair": (2, 75.0, {"email": (0, 2), "phone": (1, 2)}),
        NONE: (1, 0.0, {"email": (1, 1), "phone": (1, 1)}),
        "Web": (1, 50.0, {"email": (1, 1), "phone": (0, 1)}),
    }


def test_report_counts_only_visible_parties_when_user_is_a_sales_rep(rep_a, base):
    report = build_report(actor=rep_a)

    assert (report.parties, report.average) == (3, 66.7)  # p1, p2 and the unowned o1
    assert {g.key for g in report.by_owner} == {str(rep_a.pk), NONE}


@pytest.mark.parametrize(
    ("filters", "parties", "average"),
    [
        (ReportFilters(kind="organization"), 1, 50.0),
        (ReportFilters(role="prospect"), 1, 50.0),
        (ReportFilters(role=NONE), 1, 0.0),
        (ReportFilters(source="Fair"), 2, 75.0),
        (ReportFilters(source=NONE), 1, 0.0),
        (ReportFilters(owner=NONE), 1, 50.0),
        (ReportFilters(role="customer", kind="person"), 2, 75.0),
    ],
)
def test_report_is_narrowed_when_filters_are_given(admin_user, base, filters, parties, average):
    report = build_report(actor=admin_user, filters=filters)

    assert (report.parties, report.average) == (parties, average)


def test_report_is_empty_when_no_party_matches(admin_user, base):
    report = build_report(actor=admin_user, filters=ReportFilters(source="Nowhere"))

    assert (report.parties, report.average, report.gaps, report.by_segment) == (0, 0.0, [], [])


def test_owner_filter_narrows_to_one_owner_when_given(admin_user, rep_a, base):
    report = build_report(actor=admin_user, filters=ReportFilters(owner=str(rep_a.pk)))

    assert report.parties == 2


def test_list_missing_returns_visible_parties_lacking_the_field_when_asked(rep_a, base):
    missing_phone = list(list_missing(actor=rep_a, key="phone", filters=ReportFilters()))

    assert missing_phone == [base["p2"]]  # p3 lacks it too, but belongs to team B


def test_list_missing_skips_kinds_the_field_does_not_count_for(admin_user, base):
    services.save_weights(by=admin_user, values={"phone": (50, "organization")})

    missing = list(list_missing(actor=admin_user, key="phone", filters=ReportFilters()))

    assert missing == []  # only persons lack a phone, and phone now counts for organizations


def test_preview_gives_the_average_with_proposed_weights_when_they_differ(admin_user, base):
    values = {w.key: (0, w.applies_to) for w in defaults().items}
    proposed = from_mapping({**values, "email": (100, "person")})

    preview = preview_weights(actor=admin_user, proposed=proposed)

    # p1 and p2 have an email (100), p3 has none (0), nothing counts for o1 (100)
    assert (preview.parties, preview.current, preview.proposed) == (4, 50.0, 75.0)
