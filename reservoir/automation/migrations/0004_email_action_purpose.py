"""Give every existing "send email" action the consent purpose "service".

Those rules were written before emails to customers asked the consent ledger; service is the
purpose they sent for, and (absent an objection) the one consent allows by default, so they
keep working. The engine reads a missing purpose as service too; this makes it explicit in the
rule editor. Reversing leaves the option in place (older code ignores it).
"""

from django.db import migrations

SERVICE = "service"


def add_purpose(apps, schema_editor):
    Rule = apps.get_model("automation", "Rule")
    for rule in Rule.objects.all().only("pk", "actions").iterator():
        changed = False
        for spec in rule.actions or []:
            if not isinstance(spec, dict) or spec.get("type") != "send_email":
                continue
            options = spec.get("options")
            if not isinstance(options, dict):
                options = spec["options"] = {}
            if not options.get("purpose"):
                options["purpose"] = SERVICE
                changed = True
        if changed:
            Rule.objects.filter(pk=rule.pk).update(actions=rule.actions)


class Migration(migrations.Migration):
    dependencies = [("automation", "0003_runstep")]

    operations = [migrations.RunPython(add_purpose, migrations.RunPython.noop, elidable=True)]
