"""The rules a new installation starts with; managers change them on the rules page."""

from django.db import migrations

RULES = [
    # name, clock, trigger, after minutes, assignee, team lead, managers, raise, to lead
    ("首次响应即将超时 · Response due soon", "response", "warning", 0, True, True, False, False, False),
    ("首次响应超时 · Response overdue", "response", "breach", 0, True, True, False, False, False),
    ("解决时限预警 · Resolution due soon", "resolution", "warning", 0, True, False, False, False, False),
    ("解决超时 · Resolution overdue", "resolution", "breach", 0, True, True, False, True, False),
    ("解决超时 4 小时 · Resolution 4 h overdue", "resolution", "breach", 240, False, True, True, False, True),
    ("上门即将超时 · On-site arrival due soon", "onsite", "warning", 0, True, False, False, False, False),
    ("上门超时 · On-site arrival overdue", "onsite", "breach", 0, True, True, True, False, False),
    ("客户久未获知进展 · No update for the customer", "update", "breach", 0, True, False, False, False, False),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("escalations", "EscalationRule")
    if Rule.objects.exists():
        return
    for name, clock, trigger, after, assignee, lead, managers, raise_, to_lead in RULES:
        Rule.objects.create(
            name=name,
            clock=clock,
            trigger=trigger,
            after_minutes=after,
            notify_assignee=assignee,
            notify_team_lead=lead,
            notify_managers=managers,
            raise_priority=raise_,
            reassign_to_lead=to_lead,
        )


class Migration(migrations.Migration):
    dependencies = [("escalations", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
