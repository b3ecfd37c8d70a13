"""Idempotency keys: a retried create returns the object the first attempt made."""

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict
from aftersales.core.models import IdempotencyKey

T = TypeVar("T")


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()


def run_once(
    *, user, scope: str, key: str, payload: Any, create: Callable[[], T], load: Callable[[str], T]
) -> tuple[T, bool]:
    """Run `create` once per (user, scope, key); later calls `load` what it made.

    Returns (object, created). The key row is inserted first, inside the same transaction
    as the object: a concurrent retry blocks on the unique index until the first attempt
    commits (then sees its row) or rolls back (then runs itself).
    """
    digest = fingerprint(payload)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, scope=scope, key=key, request_hash=digest
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(user=user, scope=scope, key=key)
            if record.request_hash != digest:
                raise Conflict(
                    _("This Idempotency-Key was already used for a different request."),
                    code="idempotency_key_reused",
                ) from None
            return load(record.object_id), False
        obj = create()
        record.object_id = str(obj.pk)
        record.save(update_fields=["object_id"])
        return obj, True
