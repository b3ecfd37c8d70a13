"""manage.py load_demo: a realistic world that obeys the same rules as real data."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.assets.models import Unit
from aftersales.catalog.models import Category, FaultCode, FaultKind, Product, SparePart
from aftersales.core.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo
from aftersales.customers.models import BuyingRole, Contact, Customer, CustomerKind
from aftersales.field.models import ServiceCenter
from aftersales.service import access
from aftersales.service.choices import OPEN_STATUSES, EventKind, Status
from aftersales.service.models import ServiceRequest, TimelineEvent
from aftersales.warranty.models import (
    Charge,
    ChargeStatus,
    ClaimStatus,
    ContractStatus,
    ExtendedWarranty,
    FaultCause,
    Quote,
    QuoteStatus,
    ServiceContract,
    ServicePlan,
    VendorClaim,
    WarrantyPolicy,
)
from aftersales.warranty.services import renewal_reminders

pytestmark = pytest.mark.django_db
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> list:
    return [
        list(
            ServiceRequest.objects.order_by("number").values_list(
                "number", "subject", "status", "customer__name", "unit__serial_number"
            )
        ),
        list(Unit.objects.order_by("serial_number").values_list("serial_number", "customer__name")),
        TimelineEvent.objects.count(),
    ]


@pytest.fixture(scope="class")
def demo_output(django_db_setup, django_db_blocker, tmp_path_factory):
    """Demo data loaded once for a class of read-only tests (loading takes seconds); the
    signatures and service forms it files go to a temporary folder."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")
        ),
        transaction.atomic(),
    ):
        yield run("--if-empty")  # on an empty database, --if-empty loads
        transaction.set_rollback(True)


class TestDemoWorld:
    def test_builds_a_service_world(self, demo_output):
        assert "Demo data loaded" in demo_output
        # Catalog: appliances and phones, models to install, consumables, a fault taxonomy.
        names = set(Category.objects.values_list("name", flat=True))
        assert {"空调", "冰箱", "洗衣机", "热水器", "手机"} <= names
        assert Product.objects.filter(requires_installation=True).exists()
        assert Product.objects.filter(requires_installation=False).exists()
        assert SparePart.objects.filter(is_consumable=True, name__contains="滤").exists()
        for category in Category.objects.filter(products__isnull=False).distinct():
            kinds = set(FaultCode.objects.filter(category=category).values_list("kind", flat=True))
            assert kinds == set(FaultKind.values), category
        # The service network and customers from tier-1 cities to county towns.
        assert set(ServiceCenter.objects.values_list("kind", flat=True)) == {"own", "partner"}
        cities = set(Customer.objects.values_list("city", flat=True))
        assert {"北京市", "上海市", "广州市", "深圳市"} <= cities
        assert Customer.objects.filter(district__endswith="县").exists()
        assert Customer.objects.filter(kind=CustomerKind.COMPANY).count() >= 10
        assert set(Contact.objects.values_list("role", flat=True)) == set(BuyingRole.values)
        # Customers the staff entered all have a phone; those who first wrote by email or
        # WeChat may not, and wait to be checked.
        entered = Customer.objects.filter(needs_review=False)
        assert not entered.filter(phone_normalized="").exists()
        assert entered.exclude(phone_normalized__startswith="+86").count() == 0
        assert set(Customer.objects.filter(needs_review=True).values_list("source", flat=True)) == {
            "email",
            "web",
            "wechat",
            "sms",
        }
        assert Unit.objects.count() >= 200

        # At least a hundred requests, in every status.
        requests = ServiceRequest.objects.all()
        assert requests.count() >= 100
        for status in Status.values:
            assert requests.filter(status=status).exists(), status

    def test_requests_have_timelines_that_follow_the_workflow(self, demo_output):
        now = timezone.now()

        for request in ServiceRequest.objects.prefetch_related("events"):
            events = list(request.events.all())
            assert events[0].kind == EventKind.CREATED, request.number
            assert request.received_at <= request.created_at <= events[0].created_at
            assert all(event.created_at <= now for event in events)
            status_events = [event for event in events if event.kind == EventKind.STATUS]
            path = [Status.NEW] + [event.data["to"] for event in status_events]
            if events[0].data["status"] == Status.ASSIGNED:
                path[0] = Status.ASSIGNED
            assert path[-1] == request.status, request.number
            for event, previous in zip(status_events, path, strict=False):
                assert event.data["from"] == previous, request.number
            if request.status in (Status.RESOLVED, Status.CLOSED):
                assert (
                    request.resolved_at and request.resolution_type and request.resolution_summary
                )
            if request.status == Status.CLOSED:
                assert request.closed_at >= request.resolved_at
            if request.status == Status.CANCELLED:
                assert request.cancel_reason
            if request.status in (Status.ASSIGNED, Status.IN_PROGRESS):
                assert request.assignee_id
            if request.unit_id:
                assert request.unit.customer_id == request.customer_id
                bought = request.unit.purchased_on
                assert bought is None or bought <= timezone.localtime(request.received_at).date()
        # Timelines hold comments (internal and to the customer), calls and field changes.
        kinds = set(TimelineEvent.objects.values_list("kind", flat=True))
        assert {EventKind.COMMENT, EventKind.CALL, EventKind.FIELDS} <= kinds
        assert set(TimelineEvent.objects.values_list("visibility", flat=True)) == {
            "internal",
            "public",
        }
        # Some requests came in well before they were logged, or long ago.
        assert ServiceRequest.objects.filter(received_at__lt=now - timezone.timedelta(days=60))
        assert ServiceRequest.objects.filter(reopen_count__gt=0).exists()

    def test_monitoring_maintenance_and_training(self, demo_output):
        from aftersales.field.models import TechnicianSkill
        from aftersales.iot.models import Alarm, Telemetry
        from aftersales.maintenance.models import JobSource, MaintenanceJob
        from aftersales.training.models import Certificate, Session, SessionStatus

        # An overheating central air conditioner opened its own request, once.
        (alarm,) = Alarm.objects.select_related("request")
        assert alarm.request.channel == "iot" and alarm.request.is_open
        assert Telemetry.objects.filter(unit=alarm.unit).count() > 100
        # Contract and model plans made the coming weeks' visits, one by hours of use.
        jobs = MaintenanceJob.objects.all()
        assert jobs.filter(contract__isnull=False, chargeable=False).exists()
        # By hours of use: one unit is past 2,000 h (due now), the others running round the
        # clock get there within the month (forecast from their rate of use).
        by_hours = jobs.filter(source=JobSource.HOURS, due_hours=2000)
        today = timezone.localdate()
        assert by_hours.filter(due_on=today).count() == 1
        assert by_hours.filter(due_on__gt=today).exists()
        assert not jobs.filter(request__isnull=True, status="open").exists()
        # Certified technicians gained the course's skill; a user course is filling up.
        certificates = Certificate.objects.select_related("enrolment__technician")
        assert certificates.count() == 3
        for certificate in certificates:
            skill = TechnicianSkill.objects.get(
                technician=certificate.enrolment.technician, category__code="AC"
            )
            assert skill.level >= 3
        assert Session.objects.filter(status=SessionStatus.OPEN, enrolments__isnull=False).exists()

    def test_units_in_every_warranty_situation(self, demo_output):
        requests = list(
            ServiceRequest.objects.exclude(unit=None).prefetch_related("quotes", "charges__quote")
        )
        # Every request about a unit carries the decision the rules made when it came in.
        assert all(request.entitlement for request in requests)
        decisions = [request.entitlement for request in requests]
        assert {d["warranty_status"] for d in decisions} == {
            "in_warranty",
            "extended",
            "contract",
            "expired",
            "unknown",
        }
        assert {d["repair_charge"] for d in decisions} == {"free", "chargeable"}
        remedies = {tuple(d["eligible_remedies"]) for d in decisions}
        assert {("refund", "exchange", "repair"), ("exchange", "repair"), ("repair",)} <= remedies
        reasons = {reason["code"] for d in decisions for reason in d["reasons"]}
        assert {
            "within_return",
            "within_exchange",
            "within_repair",
            "warranty_expired",
            "repair_at_a_charge",
            "component_term",
            "repair_days_added",
            "repeated_failures",
            "extended_covers",
            "extended_accidental",
            "contract_covers",
            "contract_covers_wear",
            "contract_sla",
            "lifetime_repair",
            "purchase_date_unknown",
            "excluded_customer_damage",
            "excluded_wear",
            "excluded_consumable",
            "supplier_cover",
        } <= reasons
        # After two failed repairs of the same fault, the third request offers more.
        repeated = [
            d for d in decisions if "repeated_failures" in {r["code"] for r in d["reasons"]}
        ]
        assert repeated
        assert all({"refund", "exchange"} & set(d["eligible_remedies"]) for d in repeated)
        assert {FaultCause.QUALITY, FaultCause.CUSTOMER_DAMAGE, FaultCause.WEAR} <= {
            request.fault_cause for request in requests
        }
        assert FaultCause.CONSUMABLE in {request.fault_cause for request in requests}
        assert ServiceRequest.objects.filter(unit__purchased_on=None).exists()
        # Refunds and exchanges were given only where the decision allowed them.
        for request in requests:
            remedy = {"refund": "refund", "exchange": "exchange"}.get(request.resolution_type)
            if remedy:
                assert remedy in request.entitlement["eligible_remedies"], request.number

        # Money follows the decision: quotes only for chargeable work, in every status;
        # a charge for each accepted quote of resolved work, some paid.
        for request in requests:
            if request.quotes.all():
                assert request.entitlement["repair_charge"] == "chargeable", request.number
            for charge in request.charges.all():
                assert charge.quote.status == QuoteStatus.ACCEPTED
                assert request.status in (Status.RESOLVED, Status.CLOSED)
        assert set(Quote.objects.values_list("status", flat=True)) == set(QuoteStatus.values)
        charges = set(Charge.objects.values_list("status", flat=True))
        assert {ChargeStatus.PAID, ChargeStatus.DUE} <= charges
        # Free repairs under supplier cover are claimed back from the supplier.
        claims = set(VendorClaim.objects.values_list("status", flat=True))
        assert {ClaimStatus.OPEN, ClaimStatus.SUBMITTED, ClaimStatus.PAID} <= claims
        for request in requests:
            decision = request.entitlement
            if (
                request.status in (Status.RESOLVED, Status.CLOSED)
                and decision["repair_charge"] == "free"
                and decision["supplier_cover"]
            ):
                assert request.vendor_claims.exists(), request.number

    def test_warranty_terms_and_contracts(self, demo_output):
        policies = WarrantyPolicy.objects.all()
        assert policies.filter(category=None, product=None).count() == 1
        assert policies.filter(category__name="空调", component_terms__component="压缩机").exists()
        assert policies.filter(category__name="冰箱", component_terms__component="压缩机").exists()
        assert policies.filter(product__isnull=False).exists()
        assert set(ServicePlan.objects.values_list("code", flat=True)) == {
            "gold",
            "silver",
            "bronze",
        }
        assert ExtendedWarranty.objects.filter(covers_accidental_damage=True).exists()
        assert ExtendedWarranty.objects.filter(covers_accidental_damage=False).exists()

        contracts = ServiceContract.objects.all()
        assert set(contracts.values_list("status", flat=True)) == set(ContractStatus.values)
        assert contracts.filter(status=ContractStatus.ACTIVE, all_units=True).exists()
        assert contracts.filter(status=ContractStatus.ACTIVE, all_units=False).exists()
        renewed = contracts.get(status=ContractStatus.RENEWED)
        assert renewed.renewal.status == ContractStatus.ACTIVE
        assert renewal_reminders().exists()
        # Each contract's history tells how it got where it is.
        for contract in contracts:
            kinds = list(contract.events.values_list("kind", flat=True))
            assert kinds[0] == "quoted", contract.number
            if contract.status != ContractStatus.QUOTE:
                assert len(kinds) > 1, contract.number

    def test_the_dispatcher_can_plan_tomorrow_for_a_center(self, demo_output):
        from aftersales.accounts.models import User
        from aftersales.dispatch import planning
        from aftersales.dispatch.models import Visit
        from aftersales.field.models import ServiceCenter

        # given tomorrow's visits of the Shanghai center
        center = ServiceCenter.objects.get(code="SC-SH01")
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        waiting = set(
            Visit.objects.filter(center=center, day=tomorrow).values_list("pk", flat=True)
        )
        assert len(waiting) >= 5

        # when the dispatcher plans the day
        result = planning.plan_center_day(
            center, tomorrow, actor=User.objects.get(username="dispatcher"), time_limit_s=2
        )

        # then every visit is placed or explained: most are placed, and the customer who
        # is home only in the evening and the all-day job far out are explained
        placed = {p.visit.pk for p in result.placed}
        explained = {u.visit.pk: u.message for u in result.unplanned}
        assert placed | set(explained) == waiting
        assert all(explained.values())
        assert len(placed) > len(explained)
        assert {u.reason for u in result.unplanned} == {
            "window_outside_shifts",
            "does_not_fit_in_shift",
        }

    def test_the_technician_has_visits_today_in_route_order(self, demo_output, client):
        from aftersales.dispatch.models import Visit, VisitStatus

        tech = User.objects.get(username="tech")
        today = list(
            Visit.objects.filter(technician__user=tech, day=timezone.localdate()).order_by(
                "sequence"
            )
        )
        assert len(today) >= 2
        assert [v.sequence for v in today] == list(range(1, len(today) + 1))
        assert all(v.status == VisitStatus.SCHEDULED for v in today)
        assert all(v.latitude is not None and v.request.assignee_id == tech.pk for v in today)
        starts = [v.planned_start for v in today]
        assert starts == sorted(starts)
        # and his phone's "My visits" lists them
        client.force_login(tech)
        page = client.get("/visits/")
        assert page.status_code == 200
        for visit in today:
            assert f'id="visit-{visit.pk}"' in page.content.decode()

    def test_partner_visits_were_completed_and_earned_their_fees(self, demo_output):
        from aftersales.dispatch.models import Visit, VisitStatus
        from aftersales.followup.models import FollowUp
        from aftersales.service.models import Attachment
        from aftersales.settlement.models import FeeAccrual, FeeRate

        # the fee schedule: a default for every partner per job kind, and a center's own
        rates = FeeRate.objects.all()
        assert {"repair", "installation", "maintenance"} <= set(
            rates.filter(center=None, category=None).values_list("kind", flat=True)
        )
        own = rates.exclude(center=None)
        assert own.exists()
        assert all(rate.center.kind == ServiceCenter.Kind.PARTNER for rate in own)
        # a few partner visits were done on the phone: signed, the form filed, a follow-up
        done = Visit.objects.filter(
            status=VisitStatus.COMPLETED, center__kind=ServiceCenter.Kind.PARTNER
        )
        assert done.count() >= 3
        for visit in done:
            assert visit.signature and visit.signed_by and visit.first_time_fix
            assert visit.checked_in_at < visit.checked_out_at <= timezone.now()
            assert Attachment.objects.filter(
                request=visit.request, content_type="application/pdf"
            ).exists()
            assert FollowUp.objects.filter(visit=visit).exists()
        # and each earned its partner's fee from the schedule, for the statement to build
        accruals = FeeAccrual.objects.filter(visit__in=done)
        assert accruals.count() == done.count()
        assert not accruals.filter(no_rate=True).exists()
        assert all(accrual.amount > 0 for accrual in accruals)
        # own centers earn no fee
        assert not FeeAccrual.objects.exclude(center__kind=ServiceCenter.Kind.PARTNER).exists()
        # and the manager builds a partner's monthly statement from them
        from aftersales.settlement import services as settlement

        accrual = accruals.order_by("-month").first()
        statement = settlement.build_statement(
            accrual.center, accrual.month, User.objects.get(username="manager")
        )
        assert statement.line_count >= 1 and statement.total > 0

    def test_every_role_has_a_demo_login(self, demo_output, client):

        assert {login.role for login in DEMO_LOGINS} == set(Role.values)
        for login in DEMO_LOGINS:
            user = User.objects.get(username=login.username)
            assert user.role == login.role
            assert client.login(username=login.username, password=DEMO_PASSWORD), login.username
            client.logout()
            line = next(
                line for line in demo_output.splitlines() if line.split()[:1] == [login.username]
            )
            assert DEMO_PASSWORD in line
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff
        # The field logins see their own center's open work; the customer sees their own.
        tech = User.objects.get(username="tech")
        assert tech.service_center.kind == ServiceCenter.Kind.OWN
        assert (
            access.visible_requests(tech).filter(status__in=OPEN_STATUSES, assignee=tech).exists()
        )
        partner = User.objects.get(username="partner")
        assert partner.service_center.kind == ServiceCenter.Kind.PARTNER
        assert access.visible_requests(partner).filter(status__in=OPEN_STATUSES).exists()
        customer = User.objects.get(username="customer")
        assert customer.customer.units.count() >= 2
        mine = access.visible_requests(customer)
        assert mine.count() >= 2
        assert mine.count() < ServiceRequest.objects.count()
        # Colleagues without a demo login cannot log in.
        others = User.objects.exclude(username__in=[login.username for login in DEMO_LOGINS])
        assert others.exists()
        assert not any(user.has_usable_password() for user in others)


def test_deterministic_and_a_second_run_adds_nothing():
    now = timezone.now()
    with transaction.atomic():
        load_demo(seed=7, now=now)
        first = fingerprint()
        transaction.set_rollback(True)
    assert not ServiceRequest.objects.exists()

    load_demo(seed=7, now=now)
    assert fingerprint() == first

    counts = (User.objects.count(), Customer.objects.count(), ServiceRequest.objects.count())
    events = TimelineEvent.objects.count()
    second = run("--if-empty")

    assert "not loaded" in second
    assert "Demo data loaded" not in second
    assert "tech" in second and DEMO_PASSWORD in second  # the logins are shown again
    assert (User.objects.count(), Customer.objects.count(), ServiceRequest.objects.count()) == (
        counts
    )
    assert TimelineEvent.objects.count() == events
    # Without --if-empty, loading again is refused with a clear message.
    with pytest.raises(CommandError, match="already has demo users"):
        run()
    assert ServiceRequest.objects.count() == counts[2]


def test_if_empty_skips_a_database_with_other_users(admin_user):
    output = run("--if-empty")

    assert "not loaded" in output
    assert "no demo logins" in output
    assert not ServiceRequest.objects.exists()
