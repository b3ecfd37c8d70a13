from django.db import migrations, models
from django.utils import timezone


def date_earlier_cancellations(apps, schema_editor):
    """Contracts cancelled before the field existed: the day of their cancellation event."""
    Contract = apps.get_model("warranty", "ServiceContract")
    Event = apps.get_model("warranty", "ContractEvent")
    for contract in Contract.objects.filter(status="cancelled", cancelled_on=None):
        event = Event.objects.filter(contract=contract, kind="cancelled").order_by("-id").first()
        moment = event.created_at if event else contract.updated_at
        contract.cancelled_on = timezone.localdate(moment)
        contract.save(update_fields=["cancelled_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("warranty", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicecontract",
            name="cancelled_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="cancelled on"
            ),
        ),
        migrations.RunPython(date_earlier_cancellations, migrations.RunPython.noop),
    ]
