"""The rows data migrations seed (SLA calendars and policies, message templates,
escalation rules), put back for a test that needs them.

Transactional tests (`transaction=True`) empty every table when they end, seeded rows
included, so a test running after one of them finds none. Tests that rely on the
seeded configuration call `ensure_seeded()`.
"""

import importlib

from django.apps import apps

SEEDS = [
    ("sla", "SlaPolicy", "aftersales.sla.migrations.0002_seed"),
    ("notifications", "MessageTemplate", "aftersales.notifications.migrations.0002_seed_templates"),
    ("escalations", "EscalationRule", "aftersales.escalations.migrations.0002_default_rules"),
]


def ensure_seeded(*app_labels: str) -> None:
    """Seed again what is missing, of the apps named (all when none are)."""
    for app_label, model_name, module in SEEDS:
        if app_labels and app_label not in app_labels:
            continue
        if not apps.get_model(app_label, model_name).objects.exists():
            importlib.import_module(module).seed(apps, None)
