"""`manage.py load_returns_demo`: demo accessory deductions and trade-in rates for the demo
catalogue (once; a second run adds nothing)."""

from django.core.management.base import BaseCommand, CommandError

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.returns import demo


class Command(BaseCommand):
    help = "Load demo accessory deductions and trade-in rates."

    def handle(self, *args, **options):
        actor = (
            User.objects.filter(role__in=[Role.MANAGER, Role.ADMIN], is_active=True)
            .order_by("role", "pk")
            .first()
        )
        if actor is None:
            raise CommandError("Load the demo (or create a service manager) first.")
        result = demo.load(actor)
        if not result["created"]:
            self.stdout.write("Returns tables are already there; nothing added.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Returns demo: {result['deductions']} deductions, {result['rates']} "
                "trade-in rates."
            )
        )
