"""A small month of service whose every KPI is worked out by hand (November 2026).

Requests (Shanghai time; center = the own center unless told):
  A  received 2 Nov 09:00, answered +1 h, resolved 3 Nov 09:00 (24 h), closed 5 Nov;
     all clocks met; a repair of unit U1 for fault F1; a visit that fixed it; a part
     2 × 100.00; survey CSAT 5, NPS 10; city tier 1; assigned to the technician.
  B  at the partner center, by email; received 4 Nov 09:00, answered +4 h, resolved
     6 Nov 09:00 (48 h); response and resolution missed; reopened once; unit U3 without
     fault codes; two visits (not fixed, then fixed); charge 300.00 paid; survey CSAT 2,
     NPS 3.
  C  received 10 Nov 09:00, answered +2 h, in progress; response met.
  D  received 20 Oct 09:00, resolved 1 Nov 09:00 (288 h); resolution met; repair of U2
     for F2; partner fee 150.00; survey CSAT 4, NPS 8.
  E  received 20 Nov 09:00 on U1 for F1 (17 days after A was resolved); new.
  F  received 15 Dec on U2 for F2 (44 days after D was resolved); new.
  H  received 15 Oct 09:00, waiting on the customer.
  G  received 1 Oct, cancelled.  I  received 25 Nov on U1 for another fault, cancelled.
  J  a complaint about B, received 7 Nov 09:00, no center; new.
"""

import pytest

from aftersales.analytics.tests import builders as b
from aftersales.complaints.models import Complaint
from aftersales.field.models import Technician
from aftersales.followup.models import Survey
from aftersales.service.choices import Channel, Kind, Status
from aftersales.testing.factories import (
    CategoryFactory,
    FaultCodeFactory,
    ProductFactory,
    ServiceRequestFactory,
    UnitFactory,
)


@pytest.fixture
def month(center, partner_center, technician):
    aircon = CategoryFactory(code="AC", name="空调")
    wall = CategoryFactory(code="AC-WALL", name="挂机", parent=aircon)
    washer = CategoryFactory(code="WM", name="洗衣机")
    wall_model = ProductFactory(category=wall)
    u1, u2 = UnitFactory(product=wall_model), UnitFactory(product=ProductFactory(category=washer))
    u3 = UnitFactory(product=wall_model)
    f1, f2, f3 = (FaultCodeFactory(category=wall) for _ in range(3))
    tech = Technician.objects.create(user=technician, home_center=center)

    def req(name, **fields):
        fields.setdefault("service_center", center)
        fields.setdefault("status", Status.NEW)
        fields.setdefault("subject", f"request {name}")
        return ServiceRequestFactory(**fields)

    r = {}
    r["A"] = req(
        "A", received_at=b.at(2), first_response_at=b.at(2, 10), resolved_at=b.at(3),
        closed_at=b.at(5), status=Status.CLOSED, response_met=True, resolution_met=True,
        onsite_met=True, unit=u1, customer=u1.customer, sla={"tier": "tier1"},
        assignee=technician,
    )  # fmt: skip
    r["A"].fault_codes.add(f1)
    r["B"] = req(
        "B", service_center=partner_center, channel=Channel.EMAIL, received_at=b.at(4),
        first_response_at=b.at(4, 13), resolved_at=b.at(6), status=Status.RESOLVED,
        response_met=False, resolution_met=False, reopen_count=1, unit=u3,
        customer=u3.customer, sla={"tier": "tier2"},
    )  # fmt: skip
    r["C"] = req(
        "C", received_at=b.at(10), first_response_at=b.at(10, 11), response_met=True,
        status=Status.IN_PROGRESS,
    )  # fmt: skip
    r["D"] = req(
        "D", received_at=b.at(20, month=10), resolved_at=b.at(1), resolution_met=True,
        status=Status.RESOLVED, unit=u2, customer=u2.customer,
    )  # fmt: skip
    r["D"].fault_codes.add(f2)
    r["E"] = req("E", received_at=b.at(20), unit=u1, customer=u1.customer)
    r["E"].fault_codes.add(f1)
    r["F"] = req("F", received_at=b.at(15, month=12), unit=u2, customer=u2.customer)
    r["F"].fault_codes.add(f2)
    r["H"] = req("H", received_at=b.at(15, month=10), status=Status.WAITING_CUSTOMER)
    r["G"] = req("G", received_at=b.at(1, month=10), status=Status.CANCELLED)
    r["I"] = req("I", received_at=b.at(25), unit=u1, customer=u1.customer, status=Status.CANCELLED)
    r["I"].fault_codes.add(f3)
    r["J"] = req("J", received_at=b.at(7), kind=Kind.COMPLAINT, service_center=None)
    Complaint.objects.create(
        request=r["J"], customer=r["J"].customer, severity="major", about_request=r["B"],
        created_at=b.at(7),
    )  # fmt: skip

    b.visit(r["A"], center, tech, checked_out_at=b.at(2, 15), first_time_fix=True)
    b.visit(r["A"], center, tech, checked_out_at=b.at(2, 16))  # not said: not counted
    b.visit(r["B"], partner_center, checked_out_at=b.at(5, 15), first_time_fix=False)
    b.visit(r["B"], partner_center, checked_out_at=b.at(6, 8), first_time_fix=True)
    b.fee(b.visit(r["D"], partner_center, checked_out_at=b.at(31, 15, month=10)), "150.00")
    b.part_used(r["A"], 2, "100.00")
    b.charge(r["B"], "300.00", status="paid")

    for name, score, nps, day in (("A", 5, 10, 6), ("B", 2, 3, 8), ("D", 4, 8, 3)):
        Survey.objects.create(
            request=r[name], customer=r[name].customer, csat=score, nps=nps,
            expires_at=b.at(28), answered_at=b.at(day), center=r[name].service_center,
        )  # fmt: skip
    r["categories"] = {"aircon": aircon, "wall": wall, "washer": washer}
    r["model"] = wall_model
    r["tech"] = tech
    return r
