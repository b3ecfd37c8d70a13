"""Asking for service in the portal: one request per form, photos kept, articles suggested."""

import pytest
from django.urls import reverse

from aftersales.core.errors import DomainError, NotAllowed
from aftersales.kb.models import Deflection
from aftersales.kb.services import create_article
from aftersales.portal import services
from aftersales.portal.tests.conftest import png
from aftersales.service.choices import Channel, EventKind, Visibility
from aftersales.service.models import ServiceRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(manager):
    return create_article(
        manager,
        title="空调不制冷怎么办",
        symptom="空调开机后不制冷，吹出的是热风",
        steps="1. 检查遥控器是否在制冷模式\n2. 清洗过滤网",
        audience="public",
        publish=True,
    )


def test_the_form_opens_a_portal_request_with_its_photos(customer_user, customer, unit):
    request, created = services.open_request(
        customer_user,
        token=services.form_token(customer_user),
        description="空调不制冷\n开机半小时还是热风",
        kind="repair",
        unit=unit,
        photos=[png("故障.png")],
    )
    assert created
    assert (request.customer, request.unit, request.kind) == (customer, unit, "repair")
    assert (request.channel, request.subject) == (Channel.PORTAL, "空调不制冷")
    attachment = request.attachments.get()
    assert (attachment.original_name, attachment.visibility) == ("故障.png", Visibility.PUBLIC)
    assert request.entitlement["warranty_status"] == "in_warranty"


def test_the_same_form_sent_twice_opens_one_request(customer_user):
    token = services.form_token(customer_user)
    first, created = services.open_request(customer_user, token=token, description="漏水")
    again, created_again = services.open_request(
        customer_user, token=token, description="漏水了（改了一下）"
    )
    assert (created, created_again) == (True, False)
    assert again == first and ServiceRequest.objects.count() == 1


def test_the_page_sent_twice_opens_one_request(portal, customer_user):
    token = services.form_token(customer_user)
    data = {"token": token, "kind": "repair", "description": "洗衣机不排水"}
    first = portal.post(reverse("portal:new"), data)
    second = portal.post(reverse("portal:new"), data)
    request = ServiceRequest.objects.get()
    assert first.url == second.url == reverse("portal:request", args=[request.number])


def test_a_made_up_or_someone_elses_form_token_is_refused(customer_user, other_user):
    for token in ("made-up", services.form_token(other_user)):
        with pytest.raises(DomainError) as refused:
            services.open_request(customer_user, token=token, description="漏水")
        assert refused.value.code == "stale_form"
    assert not ServiceRequest.objects.exists()


def test_another_customers_unit_is_refused(customer_user, other_unit):
    with pytest.raises(NotAllowed):
        services.open_request(
            customer_user,
            token=services.form_token(customer_user),
            description="漏水",
            unit=other_unit,
        )
    assert not ServiceRequest.objects.exists()


def test_the_page_lists_only_the_customers_units(portal, customer_user, unit, other_unit):
    page = portal.get(reverse("portal:new")).content.decode()
    assert unit.serial_number in page and other_unit.serial_number not in page
    response = portal.post(
        reverse("portal:new"),
        {
            "token": services.form_token(customer_user),
            "unit": other_unit.pk,
            "kind": "repair",
            "description": "x",
        },
    )
    assert response.status_code == 400 and not ServiceRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": "  "}, "description"),
        ({"kind": "complaint"}, "kind"),
    ],
)
def test_bad_input_is_refused(customer_user, fields, field):
    values = {"description": "漏水", "kind": "repair"} | fields
    with pytest.raises(DomainError) as refused:
        services.open_request(customer_user, token=services.form_token(customer_user), **values)
    assert refused.value.field == field


def test_a_refused_photo_opens_nothing(customer_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.core.tests import files

    with pytest.raises(DomainError) as refused:
        services.open_request(
            customer_user,
            token=services.form_token(customer_user),
            description="漏水",
            photos=[SimpleUploadedFile("x.png", files.exe())],
        )
    assert refused.value.field == "photos"
    assert not ServiceRequest.objects.exists()


def test_articles_are_suggested_as_the_customer_types(portal, article):
    response = portal.get(reverse("portal:suggestions"), {"description": "空调不制冷"})
    page = response.content.decode()
    assert article.title in page
    assert reverse("portal:solved", args=[article.pk]) in page


def test_internal_articles_are_not_suggested(portal, manager):
    internal = create_article(
        manager, title="空调不制冷 内部排查", steps="查压缩机", audience="internal", publish=True
    )
    page = portal.get(reverse("portal:suggestions"), {"description": "空调不制冷"}).content
    assert internal.title.encode() not in page


def test_this_solved_my_problem_counts_and_ends_the_flow(portal, article, customer):
    response = portal.post(reverse("portal:solved", args=[article.pk]))
    assert response.status_code == 200
    assert "Glad it is solved" in response.content.decode()
    deflection = Deflection.objects.get()
    assert (deflection.article, deflection.source, deflection.customer) == (
        article,
        "portal",
        customer,
    )
    assert not ServiceRequest.objects.exists()
    portal.post(reverse("portal:solved", args=[article.pk]))
    assert Deflection.objects.count() == 1


def test_the_request_page_shows_the_new_request(portal, customer_user):
    portal.post(
        reverse("portal:new"),
        {
            "token": services.form_token(customer_user),
            "kind": "installation",
            "description": "装空调",
        },
    )
    request = ServiceRequest.objects.get()
    page = portal.get(reverse("portal:request", args=[request.number])).content.decode()
    assert "装空调" in page and "We have received your request" in page
    assert request.events.filter(kind=EventKind.CREATED).exists()
