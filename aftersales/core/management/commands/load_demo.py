"""manage.py load_demo: fill an empty database with demo data and print the demo logins."""

import time
import unicodedata

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core import demo
from aftersales.core.errors import DomainError


class Command(BaseCommand):
    help = _(
        "Load demo data (a maker of home appliances and phones, its customers, units and "
        "service requests) into an empty database, and print the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing if the database already has users (for `make run`)."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help=_("Random seed (default: %(default)s)."),
        )

    def handle(self, *args, if_empty, seed, **options):
        if if_empty and get_user_model().objects.exists():
            self.stdout.write(_("The database already has users: demo data not loaded."))
        else:
            started = time.monotonic()
            try:
                summary = demo.load_demo(seed=seed)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            counts = summary.counts
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo data loaded in %(seconds).1f s: %(customers)d customers, "
                        "%(units)d units, %(requests)d service requests, "
                        "%(products)d products, %(centers)d service centers."
                    )
                    % {
                        "seconds": time.monotonic() - started,
                        "customers": counts["customers"],
                        "units": counts["units"],
                        "requests": counts["requests"],
                        "products": counts["products"],
                        "centers": counts["service_centers"],
                    }
                )
            )
        self.print_logins()

    def print_logins(self):
        present = set(
            get_user_model()
            .objects.filter(username__in=demo.demo_usernames())
            .values_list("username", flat=True)
        )
        logins = demo.DEMO_LOGINS
        if present != {login.username for login in logins}:
            self.stdout.write(_("This database has no demo logins (load_demo did not fill it)."))
            return
        rows = [(_("username"), _("role"), _("password"), "")] + [
            (login.username, str(Role(login.role).label), demo.DEMO_PASSWORD, login.description)
            for login in logins
        ]
        widths = [max(_width(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("")
        self.stdout.write(_("Demo logins (http://127.0.0.1:8000/):"))
        for index, row in enumerate(rows):
            cells = [
                cell + " " * (width - _width(cell))
                for cell, width in zip(row, widths, strict=False)
            ]
            self.stdout.write("  " + "  ".join([*cells, row[3]]).rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))


def _width(text: str) -> int:
    """The columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
