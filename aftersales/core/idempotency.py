"""Idempotency keys: a retried create returns the object the first attempt made."""

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection, transaction
from django.utils import timezone
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
        record_id = _claim_key(user, scope, key, digest)
        if record_id is None:
            record = IdempotencyKey.objects.get(user=user, scope=scope, key=key)
            if record.request_hash != digest:
                raise Conflict(
                    _("This Idempotency-Key was already used for a different request."),
                    code="idempotency_key_reused",
                ) from None
            return load(record.object_id), False
        obj = create()
        IdempotencyKey.objects.filter(pk=record_id).update(object_id=str(obj.pk))
        return obj, True


def _claim_key(user, scope: str, key: str, digest: str) -> int | None:
    """Insert the key's row; its id, or None when the key is taken (by a committed attempt,
    or by one still running, whose end the INSERT waits for).

    `ON CONFLICT DO NOTHING` (PostgreSQL, SQLite) tells a taken key without an error, so
    no savepoint is needed around the INSERT to keep the transaction usable: two round
    trips fewer than catching the IntegrityError of a plain INSERT.
    """
    quote = connection.ops.quote_name
    meta = IdempotencyKey._meta
    columns = ", ".join(
        quote(meta.get_field(name).column)
        for name in ("user", "scope", "key", "request_hash", "object_id", "created_at")
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, '', %s) "
            f"ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}",
            [user.pk, scope, key, digest, now],
        )
        row = cursor.fetchone()
    return row[0] if row else None
