"""The last contact time loses its index; on PostgreSQL party pages keep 20 % free room.

Both so that moving a party's last contact time (once per recorded contact) stays cheap: see
the comment on `Party.last_interaction_at`. The free room applies to pages written from now
on; an existing large table gets it back with `VACUUM FULL parties_party`.
"""

from django.db import migrations, models


def _fillfactor(value: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            table = schema_editor.quote_name("parties_party")
            schema_editor.execute(f"ALTER TABLE {table} {value}")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0002_merged_into"),
    ]

    operations = [
        migrations.AlterField(
            model_name="party",
            name="last_interaction_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(
            _fillfactor("SET (fillfactor = 80)"), _fillfactor("RESET (fillfactor)")
        ),
    ]
