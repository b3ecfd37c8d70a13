"""The public help form: a request with its number at once and by mail or SMS, the unit
linked only when it is the sender's, photos kept, robots and floods refused, a form sent
twice making one request."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aftersales.customers.models import Customer
from aftersales.intake.models import Submission
from aftersales.intake.tests.conftest import aged_token
from aftersales.notifications.models import OutboundMessage
from aftersales.service.models import Attachment, ServiceRequest

pytestmark = pytest.mark.django_db
URL = "/help/"


def photo(name="fault.jpg", colour="red"):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def form(**fields):
    data = {
        "name": "张伟",
        "phone": "",
        "email": "zhang@example.com",
        "serial_number": "",
        "description": "The air conditioner does not cool any more.",
        "website": "",
        "token": aged_token(),
    }
    return data | fields


def sent_number(client) -> str:
    page = client.get("/help/sent/")
    assert page.status_code == 200
    return page.context["number"]


def test_the_form_shows_without_login_with_a_signed_token(anon):
    page = anon.get(URL)
    assert page.status_code == 200
    assert 'name="token"' in page.content.decode()
    assert 'name="website"' in page.content.decode()
    assert "js/intake.js" in page.content.decode()


def test_with_an_email_the_request_is_made_and_its_number_shown_and_mailed(anon):
    response = anon.post(URL, form())
    assert response.status_code == 302 and response.url == "/help/sent/"
    number = sent_number(anon)
    request = ServiceRequest.objects.get(number=number)
    assert request.channel == "web" and request.created_by is None
    assert request.customer.email == "zhang@example.com" and request.customer.needs_review
    assert request.customer.source == "web"
    message = OutboundMessage.objects.get(request=request, event="request_received")
    assert (message.channel, message.to_address) == ("email", "zhang@example.com")
    assert number in message.subject + message.body


def test_with_a_phone_only_the_number_goes_by_sms(anon):
    anon.post(URL, form(email="", phone="138 0013 8111"))
    request = ServiceRequest.objects.get(number=sent_number(anon))
    message = OutboundMessage.objects.get(request=request, event="request_received")
    assert message.channel == "sms"
    assert message.to_address.replace(" ", "").endswith("13800138111")
    assert request.number in message.body


def test_a_known_customer_is_found_not_made_again(anon, owner):
    anon.post(URL, form(email="LI@example.com"))
    request = ServiceRequest.objects.get(number=sent_number(anon))
    assert request.customer == owner
    assert Customer.objects.count() == 1


def test_the_senders_own_serial_links_the_unit(anon, unit):
    anon.post(URL, form(email="li@example.com", serial_number=" acx 0001 "))
    request = ServiceRequest.objects.get(number=sent_number(anon))
    assert request.unit == unit
    assert request.entitlement  # the warranty decision was made for the unit


def test_someone_elses_serial_is_kept_in_the_description_never_linked(anon, unit, owner):
    response = anon.post(URL, form(email="stranger@example.com", serial_number="ACX0001"))
    assert response.status_code == 302
    number = sent_number(anon)
    request = ServiceRequest.objects.get(number=number)
    assert request.unit is None and request.customer != owner
    assert "ACX0001" in request.description
    # and the page they see says nothing of the owner
    page = anon.get("/help/sent/").content.decode()
    assert owner.name not in page and owner.phone not in page


def test_photos_are_kept_on_the_request(anon):
    anon.post(URL, form(photos=[photo("a.jpg"), photo("b.jpg", "blue")]))
    request = ServiceRequest.objects.get(number=sent_number(anon))
    kept = Attachment.objects.filter(request=request)
    assert sorted(a.original_name for a in kept) == ["a.jpg", "b.jpg"]
    assert all(a.visibility == "public" for a in kept)


def test_too_many_photos_or_a_file_that_is_not_a_photo_is_refused(anon, settings):
    settings.INTAKE_MAX_PHOTOS = 2
    response = anon.post(URL, form(photos=[photo("1.jpg"), photo("2.jpg"), photo("3.jpg")]))
    assert response.status_code == 400 and "photos" in response.context["form"].errors
    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = anon.post(URL, form(photos=[fake]))
    assert response.status_code == 400 and "photos" in response.context["form"].errors
    assert ServiceRequest.objects.count() == 0


def test_a_phone_or_an_email_is_needed(anon):
    response = anon.post(URL, form(email="", phone=""))
    assert response.status_code == 400
    assert "phone" in response.context["form"].errors
    response = anon.post(URL, form(email="", phone="12"))
    assert response.status_code == 400 and "phone" in response.context["form"].errors
    assert ServiceRequest.objects.count() == 0


def test_the_same_form_sent_twice_makes_one_request(anon):
    data = form()
    anon.post(URL, data)
    first = sent_number(anon)
    anon.post(URL, data)
    assert sent_number(anon) == first
    assert ServiceRequest.objects.count() == 1 and Submission.objects.count() == 1
    assert OutboundMessage.objects.filter(event="request_received").count() == 1


def test_a_filled_honeypot_is_refused(anon):
    response = anon.post(URL, form(website="http://spam.example"))
    assert response.status_code == 400
    assert ServiceRequest.objects.count() == 0 and Customer.objects.count() == 0


def test_a_form_sent_faster_than_a_person_types_is_refused(anon):
    response = anon.post(URL, form(token=aged_token(0)))
    assert response.status_code == 400
    assert "very fast" in response.content.decode()
    assert ServiceRequest.objects.count() == 0


def test_a_stale_or_forged_form_is_refused_and_gets_a_fresh_token(anon, settings):
    stale = aged_token(settings.INTAKE_FORM_MAX_AGE_SECONDS + 60)
    response = anon.post(URL, form(token=stale))
    assert response.status_code == 400
    assert response.context["form"]["token"].value() != stale
    response = anon.post(URL, form(token="forged:token"))
    assert response.status_code == 400
    assert ServiceRequest.objects.count() == 0


def test_a_description_full_of_links_is_refused(anon):
    links = "buy http://a.example http://b.example http://c.example now"
    response = anon.post(URL, form(description=links))
    assert response.status_code == 400 and "description" in response.context["form"].errors
    assert ServiceRequest.objects.count() == 0


def test_too_many_forms_from_one_ip_get_a_429_page(anon, settings):
    settings.INTAKE_FORM_PER_IP_PER_HOUR = 2
    for n in range(2):
        assert anon.post(URL, form(email=f"p{n}@example.com")).status_code == 302
    response = anon.post(URL, form(email="p9@example.com"))
    assert response.status_code == 429
    assert "try again" in response.content.decode()
    assert ServiceRequest.objects.count() == 2


def test_too_many_forms_for_one_address_get_a_429_page_from_any_ip(settings):
    from django.test import Client

    settings.INTAKE_FORM_PER_CONTACT_PER_HOUR = 1
    assert Client(REMOTE_ADDR="198.51.100.1").post(URL, form()).status_code == 302
    response = Client(REMOTE_ADDR="198.51.100.2").post(URL, form(email="ZHANG@example.com"))
    assert response.status_code == 429
    assert ServiceRequest.objects.count() == 1


def test_the_429_page_speaks_the_visitors_language(settings):
    from django.test import Client

    settings.INTAKE_FORM_PER_IP_PER_HOUR = 0
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-CN").post(URL, form())
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_sent_page_without_a_request_goes_back_to_the_form(anon):
    response = anon.get("/help/sent/")
    assert response.status_code == 302 and response.url == "/help/"
