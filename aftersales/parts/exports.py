"""The parts lists as table downloads (`core.exports.table_response`): headers and rows."""

from django.utils.translation import gettext as _


def stock_headers() -> list[str]:
    return [
        _("Part number"),
        _("Part"),
        _("Consumable"),
        _("Location code"),
        _("Location"),
        _("Kind of location"),
        _("On hand"),
        _("Reserved"),
        _("Available"),
        _("Reorder point"),
        _("Refill up to"),
        _("Below reorder point"),
    ]


def stock_rows(levels):
    for level in levels.iterator(chunk_size=500):
        below = level.minimum is not None and level.available_now < level.minimum
        yield [
            level.part.part_number,
            level.part.name,
            _("yes") if level.part.is_consumable else "",
            level.location.code,
            level.location.name,
            level.location.get_kind_display(),
            level.on_hand,
            level.reserved,
            level.available_now,
            level.minimum,
            level.target,
            _("yes") if below else "",
        ]


def move_headers() -> list[str]:
    return [
        _("Time"),
        _("Kind of move"),
        _("Part number"),
        _("Part"),
        _("Quantity"),
        _("From"),
        _("To"),
        _("Request number"),
        _("Reference"),
        _("Note"),
        _("By"),
    ]


def move_rows(moves):
    for move in moves:
        yield [
            move.at,
            move.get_kind_display(),
            move.part.part_number,
            move.part.name,
            move.quantity,
            move.from_location.code if move.from_location else "",
            move.to_location.code if move.to_location else "",
            move.request.number if move.request else "",
            move.reference,
            move.note,
            str(move.actor) if move.actor else "",
        ]


def replenishment_headers() -> list[str]:
    return [
        _("Location code"),
        _("Location"),
        _("Part number"),
        _("Part"),
        _("Available"),
        _("Reorder point"),
        _("Refill up to"),
        _("Suggested quantity"),
        _("From"),
        _("Available there"),
    ]


def replenishment_rows(rules, source):
    for rule in rules:
        yield [
            rule.location.code,
            rule.location.name,
            rule.part.part_number,
            rule.part.name,
            rule.available_now,
            rule.minimum,
            rule.target,
            rule.suggested,
            source.code if source else "",
            rule.source_available,
        ]


def defective_headers() -> list[str]:
    return [
        _("Received"),
        _("Part number"),
        _("Part"),
        _("Serial number"),
        _("Request number"),
        _("Service center"),
        _("Status"),
        _("Recovery claim"),
        _("Closed"),
        _("Reference"),
    ]


def defective_rows(parts):
    for item in parts:
        claim = item.vendor_claim
        yield [
            item.received_at,
            item.part.part_number,
            item.part.name,
            item.serial_number,
            item.request.number,
            item.center.name,
            item.get_status_display(),
            f"#{claim.pk} {claim.supplier_warranty.supplier}" if claim else "",
            item.closed_at,
            item.reference,
        ]
