"""Apply a set of field changes to a model instance and describe what changed."""

from typing import Any

from django.db import models


def _display(instance: models.Model, field: models.Field, value: Any) -> Any:
    """A JSON-friendly rendering of `value` for history rows."""
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):
        related = getattr(instance, field.name)
        return str(related) if related is not None else None
    if field.choices:
        # The stored value, not its label: history is read later in other languages.
        return value
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def apply_changes(instance: models.Model, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Set `changes` on `instance`; return {field: [old, new]} for fields whose value changed.

    Related objects are kept by name (as people read them); choices by their value, shown
    with the reader's own label (the `field_value` template tag).
    The instance is not saved.
    """
    diff: dict[str, list[Any]] = {}
    for name, new in changes.items():
        field = instance._meta.get_field(name)
        attname = field.attname
        old_raw = getattr(instance, attname)
        new_raw = new.pk if isinstance(new, models.Model) else new
        if old_raw == new_raw:
            continue
        old_shown = _display(instance, field, old_raw)
        setattr(instance, name, new)
        diff[name] = [old_shown, _display(instance, field, getattr(instance, attname))]
    return diff


def loaded_relations(instance: models.Model) -> list[str]:
    """Foreign keys set to objects loaded from the database.

    Model validation would check each one's existence with a query of its own; for an
    object we were just given by the database that only repeats work on a hot path.
    """
    names = []
    for field in instance._meta.concrete_fields:
        if field.many_to_one and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None and not related._state.adding:
                names.append(field.name)
    return names
