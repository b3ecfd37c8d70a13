"""`manage.py load_parts_demo`: demo stock for the demo centers, technicians and parts
(once; a second run adds nothing)."""

from django.core.management.base import BaseCommand, CommandError

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.parts import demo


class Command(BaseCommand):
    help = "Load demo spare-part stock (warehouse, center stock, vans, reorder points)."

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
            self.stdout.write("Demo stock is already there; nothing added.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo stock: {result['locations']} locations, {result['moves']} moves."
            )
        )
