"""Cases and surveys follow party merges: to the survivor and back, exactly the moved ones."""

import pytest

from reservoir.parties.events import PartiesMerged, PartiesUnmerged
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import receivers, services, sla
from reservoir.support.enums import CaseType
from reservoir.support.models import Case, Survey

pytestmark = pytest.mark.django_db


def _case(party, **kw):
    return services.open_case(
        party=party, subject="S", body="B", channel="phone", by=None, assign=False, **kw
    )


def test_merge_moves_cases_and_surveys_once_and_unmerge_moves_them_back():
    survivor, merged = PartyFactory(), PartyFactory()
    theirs = _case(merged)
    services.send_survey(theirs, "csat")
    event = PartiesMerged(merge_id=5, survivor_id=survivor.pk, merged_id=merged.pk)

    receivers.on_parties_merged(event)
    receivers.on_parties_merged(event)
    moved = Case.objects.get(pk=theirs.pk).party_id
    since = _case(survivor)
    receivers.on_parties_unmerged(PartiesUnmerged(5, survivor.pk, merged.pk))

    assert moved == survivor.pk
    assert Case.objects.get(pk=theirs.pk).party_id == merged.pk
    assert Survey.objects.get().party_id == merged.pk
    assert Case.objects.get(pk=since.pk).party_id == survivor.pk


def test_changing_the_type_to_complaint_reapplies_the_sla(admin_user):
    sla.ensure_default_policies()
    case = _case(PartyFactory())
    assert case.sla_policy.name == "Standard"

    case = services.update_case(case, by=admin_user, type=CaseType.COMPLAINT)

    assert (case.sla_policy.name, case.priority) == ("Complaint fast track", "high")
    assert case.first_response_due < case.resolution_due
