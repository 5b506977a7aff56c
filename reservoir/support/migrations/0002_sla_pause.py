"""SLA clocks pause while a case waits for the customer (fields on cases and policies).

Cases already waiting for the customer start their pause now: the time they waited before
this migration was counted, as it was then.
"""

from django.db import migrations, models
from django.utils import timezone


def _pause_waiting_cases(apps, schema_editor):
    Case = apps.get_model("support", "Case")
    Case.objects.filter(
        status="pending_customer", sla_policy__isnull=False, sla_paused_at__isnull=True
    ).update(sla_paused_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="sla_paused_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="SLA paused since"),
        ),
        migrations.AddField(
            model_name="case",
            name="sla_paused_seconds",
            field=models.PositiveIntegerField(
                default=0, verbose_name="SLA paused (business seconds)"
            ),
        ),
        migrations.AddField(
            model_name="slapolicy",
            name="pause_on_pending_customer",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Resolution and next-response clocks stop while a case waits for the customer."
                ),
                verbose_name="pause while waiting for the customer",
            ),
        ),
        migrations.RunPython(_pause_waiting_cases, migrations.RunPython.noop),
    ]
