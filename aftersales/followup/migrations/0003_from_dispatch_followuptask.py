"""The follow-up calls the dispatch app kept before this app existed become follow-ups."""

from django.db import migrations


def copy(apps, schema_editor):
    Old = apps.get_model("dispatch", "FollowUpTask")
    FollowUp = apps.get_model("followup", "FollowUp")
    open_requests = set(
        FollowUp.objects.filter(status="open").values_list("request_id", flat=True)
    )
    for task in Old.objects.order_by("id"):
        status = "done" if task.status == "done" else "open"
        if status == "open":
            if task.request_id in open_requests:
                continue  # one open follow-up per request
            open_requests.add(task.request_id)
        FollowUp.objects.create(
            request_id=task.request_id,
            visit_id=task.visit_id,
            due_at=task.due_at,
            status=status,
            assignee_id=task.assignee_id,
            created_at=task.created_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_surveys_and_recovery"),
        ("dispatch", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
