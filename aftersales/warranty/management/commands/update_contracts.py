"""manage.py update_contracts: the daily run of the contract lifecycle (safe to repeat)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aftersales.warranty.services import update_contracts


class Command(BaseCommand):
    help = _(
        "Activate accepted contracts whose start has come, and expire the ones that ended "
        "(or mark them renewed when their renewal is in force). Safe to run more than once "
        "a day, and on several machines at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help=_("Act as of this day (YYYY-MM-DD) instead of today, e.g. to catch up."),
        )

    def handle(self, *args, date=None, verbosity=1, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(
                    _("%(date)s is not a date; write it as YYYY-MM-DD.") % {"date": date}
                ) from exc
        result = update_contracts(today)
        if verbosity:
            self.stdout.write(
                _("%(activated)s activated, %(expired)s expired, %(renewed)s renewed.")
                % {
                    "activated": len(result.activated),
                    "expired": len(result.expired),
                    "renewed": len(result.renewed),
                }
            )
        if verbosity > 1:
            for label, numbers in (
                (_("Activated"), result.activated),
                (_("Expired"), result.expired),
                (_("Renewed"), result.renewed),
            ):
                for number in numbers:
                    self.stdout.write(f"{label}: {number}")
