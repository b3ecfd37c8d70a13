"""Spare-part stock (备件库存): where parts are kept, the append-only ledger of every move,
the levels derived from it, reservations for requests and visits, parts used on a request,
reorder points, and faulty parts sent back (旧件返还).

The ledger (`StockMove`) is the truth; `StockLevel` is a cache of it per part and location,
changed in the same transaction as each move while its row is locked, so two people
reserving the last unit queue on the row and the second is refused.
`services.check_levels()` recomputes every level from the ledger and reports mismatches.

How a move changes a level (quantities are always positive):

| kind | from location | to location |
| --- | --- | --- |
| receipt, return_faulty | — | on hand + q |
| transfer | on hand − q | on hand + q |
| consume, return_to_supplier, scrap, adjust (out) | on hand − q | — |
| adjust (in) | — | on hand + q |
| reserve | reserved + q | — |
| release | reserved − q | — |
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel


class LocationKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Central warehouse")
    CENTER = "center", _("Service center stock")
    VAN = "van", _("Technician's van")
    DEFECTIVE = "defective", _("Defective parts")


class StockLocation(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=LocationKind.choices)
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    center = models.ForeignKey(
        "field.ServiceCenter", verbose_name=_("service center"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="stock_locations",
        help_text=_("The center that keeps this stock (service center and defective stock)."),
    )  # fmt: skip
    technician = models.ForeignKey(
        "field.Technician", verbose_name=_("technician"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="vans",
        help_text=_("Whose van this is."),
    )  # fmt: skip
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["center", "defective"]) | Q(center__isnull=False),
                name="parts_location_center_needs_center",
            ),
            models.CheckConstraint(
                condition=~Q(kind="van") | Q(technician__isnull=False),
                name="parts_location_van_needs_technician",
            ),
            models.UniqueConstraint(
                fields=["center"],
                condition=Q(kind="defective"),
                name="parts_one_defective_location_per_center",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    TRANSFER = "transfer", _("Transfer")
    RESERVE = "reserve", _("Reservation")
    RELEASE = "release", _("Reservation released")
    CONSUME = "consume", _("Used on a request")
    RETURN_FAULTY = "return_faulty", _("Faulty part returned")
    RETURN_TO_SUPPLIER = "return_to_supplier", _("Returned to supplier")
    SCRAP = "scrap", _("Scrapped")
    ADJUST = "adjust", _("Stocktake adjustment")


# Moves that change what is on hand; reserve and release change only what is reserved.
STOCK_KINDS = frozenset(MoveKind.values) - {MoveKind.RESERVE, MoveKind.RELEASE}


class StockMove(AppendOnlyModel):
    """One line of the ledger. Written once, never changed."""

    part = models.ForeignKey(
        "catalog.SparePart", verbose_name=_("part"), on_delete=models.PROTECT,
        related_name="stock_moves",
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    from_location = models.ForeignKey(
        StockLocation, verbose_name=_("from"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="moves_out",
    )  # fmt: skip
    to_location = models.ForeignKey(
        StockLocation, verbose_name=_("to"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="moves_in",
    )  # fmt: skip
    request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("service request"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="stock_moves",
    )  # fmt: skip
    visit = models.ForeignKey(
        "dispatch.Visit", verbose_name=_("visit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="stock_moves",
    )  # fmt: skip
    reservation = models.ForeignKey(
        "Reservation", verbose_name=_("reservation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="moves",
    )  # fmt: skip
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    reference = models.CharField(
        _("reference"), max_length=64, blank=True, help_text=_("Delivery note, order number…")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        indexes = [models.Index(fields=["part", "at"], name="parts_move_part_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="parts_move_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(from_location__isnull=False) | Q(to_location__isnull=False),
                name="parts_move_has_a_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.part_id} ×{self.quantity}"


class StockLevel(models.Model):
    """What is on hand and reserved of a part at a location: a cache of the ledger."""

    part = models.ForeignKey(
        "catalog.SparePart", verbose_name=_("part"), on_delete=models.PROTECT,
        related_name="stock_levels",
    )  # fmt: skip
    location = models.ForeignKey(
        StockLocation, verbose_name=_("location"), on_delete=models.PROTECT,
        related_name="levels",
    )  # fmt: skip
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["location__code", "part__part_number"]
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["part", "location"], name="parts_one_level_per_place"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="parts_level_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")),
                name="parts_level_reserved_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.location_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class ReservationStatus(models.TextChoices):
    AWAITING = "awaiting", _("Coming from another location")
    RESERVED = "reserved", _("Reserved")
    CONSUMED = "consumed", _("Used")
    RELEASED = "released", _("Released")


OPEN_RESERVATIONS = (ReservationStatus.AWAITING, ReservationStatus.RESERVED)


class Reservation(models.Model):
    """Parts held for a request (or one of its visits) at `location`.

    Awaiting: not there yet; the units are held at `source` and move to `location` when
    someone there receives them, which makes the reservation `reserved`.
    """

    part = models.ForeignKey(
        "catalog.SparePart", verbose_name=_("part"), on_delete=models.PROTECT,
        related_name="reservations",
    )  # fmt: skip
    location = models.ForeignKey(
        StockLocation, verbose_name=_("location"), on_delete=models.PROTECT,
        related_name="reservations",
    )  # fmt: skip
    source = models.ForeignKey(
        StockLocation, verbose_name=_("coming from"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="outgoing_reservations",
    )  # fmt: skip
    quantity = models.PositiveIntegerField(_("quantity"))
    request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("service request"), on_delete=models.PROTECT,
        related_name="part_reservations",
    )  # fmt: skip
    visit = models.ForeignKey(
        "dispatch.Visit", verbose_name=_("visit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="part_reservations",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=ReservationStatus.choices,
        default=ReservationStatus.RESERVED,
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reserved by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("reserved at"), default=timezone.now, editable=False)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("used or released at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="parts_reservation_quantity_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="awaiting") | Q(source__isnull=False),
                name="parts_awaiting_reservation_has_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part} ×{self.quantity} @ {self.location}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RESERVATIONS


class PartUsage(AppendOnlyModel):
    """A part used on a request (or visit): what it cost and whether the customer pays.

    Consumables (filters, belts…) are charged even under warranty; other parts are charged
    when the request's warranty decision says the repair is chargeable.
    """

    request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("service request"), on_delete=models.PROTECT,
        related_name="part_usages",
    )  # fmt: skip
    visit = models.ForeignKey(
        "dispatch.Visit", verbose_name=_("visit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="part_usages",
    )  # fmt: skip
    part = models.ForeignKey(
        "catalog.SparePart", verbose_name=_("part"), on_delete=models.PROTECT,
        related_name="usages",
    )  # fmt: skip
    location = models.ForeignKey(
        StockLocation, verbose_name=_("taken from"), on_delete=models.PROTECT,
        related_name="usages",
    )  # fmt: skip
    quantity = models.PositiveIntegerField(_("quantity"))
    move = models.OneToOneField(
        StockMove, verbose_name=_("stock move"), on_delete=models.PROTECT, related_name="usage"
    )
    is_consumable = models.BooleanField(_("consumable"))
    chargeable = models.BooleanField(_("charged to the customer"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")

    def __str__(self) -> str:
        return f"{self.part} ×{self.quantity}"


class ReorderRule(models.Model):
    """Keep at least `minimum` available of a part at a location; refill up to `target`."""

    part = models.ForeignKey(
        "catalog.SparePart", verbose_name=_("part"), on_delete=models.PROTECT,
        related_name="reorder_rules",
    )  # fmt: skip
    location = models.ForeignKey(
        StockLocation, verbose_name=_("location"), on_delete=models.PROTECT,
        related_name="reorder_rules",
    )  # fmt: skip
    minimum = models.PositiveIntegerField(_("reorder point"))
    target = models.PositiveIntegerField(_("refill up to"))

    class Meta:
        ordering = ["location__code", "part__part_number"]
        verbose_name = _("reorder point")
        verbose_name_plural = _("reorder points")
        constraints = [
            models.UniqueConstraint(fields=["part", "location"], name="parts_one_rule_per_place"),
            models.CheckConstraint(
                condition=Q(target__gte=F("minimum")), name="parts_rule_target_at_least_minimum"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part} @ {self.location}: {self.minimum}→{self.target}"


class DefectiveStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting return to supplier")
    RETURNED = "returned", _("Returned to supplier")
    SCRAPPED = "scrapped", _("Scrapped")


class DefectivePart(models.Model):
    """A faulty part taken out of a customer's unit (旧件), kept at the center's defective
    stock until it goes back to the supplier or is scrapped."""

    part = models.ForeignKey(
        "catalog.SparePart", verbose_name=_("part"), on_delete=models.PROTECT,
        related_name="defective_returns",
    )  # fmt: skip
    serial_number = models.CharField(_("serial number"), max_length=64, blank=True)
    request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("service request"), on_delete=models.PROTECT,
        related_name="defective_parts",
    )  # fmt: skip
    visit = models.ForeignKey(
        "dispatch.Visit", verbose_name=_("visit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="defective_parts",
    )  # fmt: skip
    center = models.ForeignKey(
        "field.ServiceCenter", verbose_name=_("service center"), on_delete=models.PROTECT,
        related_name="defective_parts",
    )  # fmt: skip
    location = models.ForeignKey(
        StockLocation, verbose_name=_("kept at"), on_delete=models.PROTECT,
        related_name="defective_parts",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=DefectiveStatus.choices,
        default=DefectiveStatus.AWAITING,
    )  # fmt: skip
    vendor_claim = models.ForeignKey(
        "warranty.VendorClaim", verbose_name=_("vendor recovery claim"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="defective_parts",
    )  # fmt: skip
    fault = models.CharField(_("fault found"), max_length=500, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reference = models.CharField(_("shipment or scrap reference"), max_length=64, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("defective part")
        verbose_name_plural = _("defective parts")

    def __str__(self) -> str:
        serial = f" {self.serial_number}" if self.serial_number else ""
        return f"{self.part}{serial}"
