"""`manage.py load_complaints_demo`: complaint rows for the demo's complaint requests
(once; a second run adds nothing)."""

from django.core.management.base import BaseCommand, CommandError

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.complaints import demo


class Command(BaseCommand):
    help = "Give the demo's requests of kind complaint their complaints (severity, steps)."

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
            self.stdout.write("Every complaint request has its complaint; nothing added.")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo complaints: {result['created']}."))
