"""factory_boy factories for tests and benchmarks."""

import datetime

import factory
from django.utils import timezone

from aftersales.accounts.models import Team, User
from aftersales.accounts.roles import Role
from aftersales.assets.models import Unit
from aftersales.catalog.models import Category, FaultCode, FaultKind, Product, SparePart
from aftersales.customers.models import Contact, Customer, CustomerKind
from aftersales.field.models import ServiceCenter
from aftersales.service.choices import Channel
from aftersales.service.models import ServiceRequest

PASSWORD = "Demo-pass-2026"


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCenter

    code = factory.Sequence(lambda n: f"SC{n:03d}")
    name = factory.Sequence(lambda n: f"服务网点 {n}")
    kind = ServiceCenter.Kind.OWN
    city = "上海"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"User {n}")
    role = Role.AGENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    kind = CustomerKind.PERSON
    name = factory.Sequence(lambda n: f"客户{n}")
    # 166 and octal digits: never a number tests type in (13x…), never a "138" inside one.
    phone = factory.Sequence(lambda n: f"166{n:08o}")
    province = "广东省"
    city = "广州市"
    address = "天河路 1 号"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory, kind=CustomerKind.COMPANY)
    name = factory.Sequence(lambda n: f"联系人{n}")
    phone = factory.Sequence(lambda n: f"137{n:08d}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"CAT{n}")
    name = factory.Sequence(lambda n: f"品类{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"产品 {n}")
    category = factory.SubFactory(CategoryFactory)


class SparePartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SparePart

    part_number = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"配件 {n}")
    unit_price = "99.00"


class FaultCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaultCode

    category = factory.SubFactory(CategoryFactory)
    code = factory.Sequence(lambda n: f"E{n:02d}")
    kind = FaultKind.HARDWARE
    component = "主板"
    symptom = factory.Sequence(lambda n: f"故障现象 {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    product = factory.SubFactory(ProductFactory)
    customer = factory.SubFactory(CustomerFactory)
    purchased_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    """A request made directly in the database; use services.create_request to test rules."""

    class Meta:
        model = ServiceRequest

    number = factory.Sequence(lambda n: f"SR-2026-{n + 900000:06d}")
    customer = factory.SubFactory(CustomerFactory)
    channel = Channel.PHONE
    subject = factory.Sequence(lambda n: f"空调不制冷 {n}")
    received_at = factory.LazyFunction(timezone.now)


class MonitorRuleFactory(factory.django.DjangoModelFactory):
    """A remote-monitoring rule: over 80 (temperature) for 10 minutes opens a request."""

    class Meta:
        model = "iot.MonitorRule"

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"过热 {n}")
    kind = "over"
    metric = "temperature"
    threshold = 80.0
    minutes = 10


# --- training -------------------------------------------------------------------------


class TrainingCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Course"

    title = factory.Sequence(lambda n: f"空调操作培训 {n}")
    audience = "operators"
    delivery = "center"
    duration_hours = "4.0"
    price = "800.00"


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Session"

    course = factory.SubFactory(TrainingCourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=4))
    address = "上海市浦东新区张江路 100 号 培训教室"
    seats = 10
    status = "open"


class TrainingTechnicianFactory(factory.django.DjangoModelFactory):
    """A technician profile (field.Technician) with its user and home center."""

    class Meta:
        model = "field.Technician"

    home_center = factory.SubFactory(ServiceCenterFactory)
    user = factory.SubFactory(
        UserFactory,
        role=Role.TECHNICIAN,
        service_center=factory.SelfAttribute("..home_center"),
    )
