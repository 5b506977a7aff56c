import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from reservoir.audit.models import AuditEntry
from reservoir.core.errors import InvalidInput, PermissionDenied
from reservoir.decisions import services
from reservoir.decisions.enums import HitPolicy, VersionStatus
from reservoir.decisions.models import DecisionTable, TableInput, TableRow, TableVersion
from reservoir.decisions.tests.factories import published_table

pytestmark = pytest.mark.django_db


def test_save_input_refuses_invalid_expression_with_position_when_saving(admin_user):
    table = services.create_table(key="t", name="T", by=admin_user)
    draft = table.versions.get()
    audits = AuditEntry.objects.count()

    with pytest.raises(InvalidInput) as caught:
        services.save_input(
            draft,
            label="Churn",
            expression='customer.churn_risk > 0.5 && customer.segmnt == "gold"',
            by=admin_user,
        )

    assert caught.value.field == "expression"
    assert caught.value.message == (
        "Position 39: unknown name “customer.segmnt” (did you mean “customer.segment”?)."
    )
    assert TableInput.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_save_row_refuses_offer_when_row_depends_on_channel(admin_user):
    table = services.create_table(key="t", name="T", by=admin_user, hit_policy=HitPolicy.COLLECT)
    draft = table.versions.get()
    services.save_input(draft, label="Channel", expression="context.channel", by=admin_user)

    with pytest.raises(InvalidInput) as caught:
        services.save_row(draft, cells=["phone"], offer_code="QL-1", by=admin_user)

    assert "context.channel" in caught.value.message
    assert TableRow.objects.count() == 0


def test_save_row_accepts_script_when_row_depends_on_channel(admin_user):
    table = services.create_table(key="t", name="T", by=admin_user)
    draft = table.versions.get()
    services.save_input(draft, label="Channel", expression="context.channel", by=admin_user)

    row = services.save_row(
        draft, cells=["phone, chat"], script="Greet by name", priority=50, by=admin_user
    )

    assert (row.cells, row.script, row.priority) == (["phone, chat"], "Greet by name", 50)


def test_save_row_refuses_bad_cell_on_its_field_when_type_differs(admin_user):
    table = services.create_table(key="t", name="T", by=admin_user)
    draft = table.versions.get()
    services.save_input(draft, label="Orders", expression="customer.orders_count", by=admin_user)

    with pytest.raises(InvalidInput) as caught:
        services.save_row(draft, cells=["> many"], offer_code="X", by=admin_user)

    assert (caught.value.field, caught.value.message) == (
        "cell_0",
        "'many' is a string but this column is int.",
    )


def test_publish_retires_previous_version_and_audits_when_new_draft_published(admin_user):
    first = published_table(
        admin_user,
        key="t",
        inputs=[("VIP", "customer.vip")],
        rows=[(["true"], {"offer_code": "A"})],
    )
    draft = services.start_draft(first.table, by=admin_user)
    services.save_row(draft, cells=["false"], offer_code="B", by=admin_user)

    services.publish(draft, by=admin_user, note="add B")

    first.refresh_from_db()
    assert (first.status, draft.status, draft.number) == (
        VersionStatus.RETIRED,
        VersionStatus.PUBLISHED,
        2,
    )
    assert list(draft.rows.values_list("offer_code", flat=True)) == ["A", "B"]
    assert list(
        AuditEntry.objects.filter(action__startswith="decisions.version")
        .order_by("pk")
        .values_list("action", "object_pk")
    ) == [
        ("decisions.version.published", str(first.pk)),
        ("decisions.version.retired", str(first.pk)),
        ("decisions.version.published", str(draft.pk)),
    ]


def test_publish_keeps_current_version_until_start_when_effective_later(admin_user):
    first = published_table(
        admin_user,
        key="t",
        inputs=[("VIP", "customer.vip")],
        rows=[(["true"], {"offer_code": "A"})],
    )
    draft = services.start_draft(first.table, by=admin_user)
    start = timezone.now() + dt.timedelta(days=7)

    services.publish(draft, by=admin_user, effective_from=start)

    first.refresh_from_db()
    assert (first.status, first.effective_to) == (VersionStatus.PUBLISHED, start)


def test_create_table_is_refused_when_actor_is_sales_rep(rep_a):
    with pytest.raises(PermissionDenied):
        services.create_table(key="t", name="T", by=rep_a)

    assert DecisionTable.objects.count() == 0


def test_publish_is_refused_when_draft_has_no_rows(admin_user):
    table = services.create_table(key="t", name="T", by=admin_user)
    draft = table.versions.get()

    with pytest.raises(InvalidInput):
        services.publish(draft, by=admin_user)

    assert TableVersion.objects.get().status == VersionStatus.DRAFT


def test_discount_over_100_percent_is_refused_when_saving_row(admin_user):
    table = services.create_table(key="t", name="T", by=admin_user)
    draft = table.versions.get()
    services.save_input(draft, label="VIP", expression="customer.vip", by=admin_user)

    with pytest.raises(InvalidInput) as caught:
        services.save_row(draft, cells=["true"], discount_pct=Decimal("150"), by=admin_user)

    assert caught.value.field == "discount_pct"
    assert TableRow.objects.count() == 0


def test_delete_input_removes_its_cell_from_every_row(admin_user):
    table = services.create_table(key="t", name="T", by=admin_user)
    draft = table.versions.get()
    services.save_input(draft, label="VIP", expression="customer.vip", by=admin_user)
    orders = services.save_input(
        draft, label="Orders", expression="customer.orders_count", by=admin_user
    )
    services.save_row(draft, cells=["true", "> 3"], offer_code="A", by=admin_user)

    services.delete_input(orders, by=admin_user)

    assert list(TableRow.objects.values_list("cells", flat=True)) == [["true"]]
