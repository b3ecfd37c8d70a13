"""manage.py import_units FILE: register sold units from a CSV or XLSX file (all or nothing)."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aftersales.assets.importing import COLUMN_NAMES, ImportFailed, import_units
from aftersales.core.errors import DomainError


class Command(BaseCommand):
    help = _(
        "Import sold units from a CSV or XLSX file with a header row. Columns: %(columns)s. "
        "Every row is checked first; if any row is bad, nothing is imported."
    ) % {"columns": ", ".join(COLUMN_NAMES.values())}

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The .csv or .xlsx file to import."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and report what would be imported, without writing anything."),
        )
        parser.add_argument(
            "--user",
            help=_("Username recorded as the one who registered the units (default: none)."),
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("Do not show a progress bar.")
        )

    def handle(self, *args, file, dry_run, user, no_progress, verbosity, **options):
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(_("No user named %(user)s.") % {"user": user}) from exc
        started = time.monotonic()
        try:
            result = import_units(
                file, actor=actor, dry_run=dry_run, progress=verbosity > 0 and not no_progress
            )
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{file}: {exc}") from exc
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        numbers = {
            "units": result.units,
            "created": result.customers_created,
            "found": result.customers_found,
            "file": file,
            "seconds": seconds,
        }
        if dry_run:
            message = _(
                "%(file)s is good: %(units)d units would be imported, %(created)d new customers "
                "created and %(found)d existing customers found (dry run: nothing was written; "
                "%(seconds).1f s)."
            )
        else:
            message = _(
                "Imported %(units)d units from %(file)s: %(created)d new customers, "
                "%(found)d existing customers (%(seconds).1f s)."
            )
        self.stdout.write(self.style.SUCCESS(message % numbers))
