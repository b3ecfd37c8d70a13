"""`manage.py check_stock`: recompute every stock level from the ledger and list the ones
that disagree (exit status 1 if any). Safe to run at any time; it changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from aftersales.parts import services


class Command(BaseCommand):
    help = "Check that every cached stock level equals what the ledger of moves says."

    def handle(self, *args, **options):
        mismatches = services.check_levels()
        for m in mismatches:
            self.stdout.write(
                f"part {m.part_id} at location {m.location_id}: cached on hand "
                f"{m.cached_on_hand} reserved {m.cached_reserved}, ledger on hand "
                f"{m.ledger_on_hand} reserved {m.ledger_reserved}"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} stock level(s) disagree with the ledger.")
        self.stdout.write(self.style.SUCCESS("Every stock level agrees with the ledger."))
