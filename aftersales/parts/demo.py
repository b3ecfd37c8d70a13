"""Demo stock: a central warehouse, each service center's stock and defective-parts
location, a van per technician, some of every spare part, and reorder points that leave a
few places below their minimum. Safe to run twice (the second run adds nothing).

Called by `manage.py load_parts_demo`; `core.demo.load_demo` may call `load(actor)` after
it has made centers, technicians and spare parts.
"""

import random

from django.db import transaction

from aftersales.catalog.models import SparePart
from aftersales.field.models import ServiceCenter, Technician
from aftersales.parts import services
from aftersales.parts.models import LocationKind, ReorderRule, StockLocation, StockMove

WAREHOUSE_CODE = "WH-CENTRAL"


@transaction.atomic
def load(actor, *, seed: int = 6) -> dict:
    """Make the demo stock (once). `actor`: a service manager, who records the receipts."""
    if StockLocation.objects.filter(code=WAREHOUSE_CODE).exists():
        return {"created": False}
    rng = random.Random(seed)
    warehouse = StockLocation.objects.create(
        kind=LocationKind.WAREHOUSE, code=WAREHOUSE_CODE, name="中央备件仓库"
    )
    centers = []
    for center in ServiceCenter.objects.filter(active=True).order_by("code"):
        centers.append(
            StockLocation.objects.create(
                kind=LocationKind.CENTER,
                code=f"ST-{center.code}"[:40],
                name=f"{center.name} · 备件库",
                center=center,
            )
        )
        services.defective_location(center)
    vans = [
        StockLocation.objects.create(
            kind=LocationKind.VAN,
            code=f"VAN-{tech.user.username}"[:40],
            name=f"{tech.user.get_full_name() or tech.user.username} · 车载库",
            technician=tech,
            center=tech.home_center,
        )
        for tech in Technician.objects.filter(active=True).select_related("user", "home_center")
    ]
    parts = list(SparePart.objects.order_by("part_number"))
    for part in parts:
        enough = 4 * len(centers) + 2 * len(vans) + rng.randint(5, 40)
        services.receive(part, warehouse, enough, actor=actor, reference="DEMO-GRN")
        for place in centers:
            services.transfer(part, warehouse, place, rng.randint(0, 4) or 1, actor=actor)
            if rng.random() < 0.5:
                ReorderRule.objects.create(
                    part=part, location=place, minimum=rng.randint(2, 4), target=8
                )
        for van in vans:
            if part.is_consumable or rng.random() < 0.3:
                services.transfer(part, warehouse, van, rng.randint(1, 2), actor=actor)
    return {
        "created": True,
        "locations": StockLocation.objects.count(),
        "moves": StockMove.objects.count(),
    }
