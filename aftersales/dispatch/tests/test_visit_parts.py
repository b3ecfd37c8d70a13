"""Parts used on a visit come out of the technician's van at check-out; the old part goes
to the center's defective stock; not enough in the van refuses the whole check-out."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.core.errors import Conflict
from aftersales.dispatch import services
from aftersales.dispatch.models import VisitStatus
from aftersales.dispatch.tests.test_visit_support import *  # noqa: F403 (fixtures)
from aftersales.dispatch.tests.test_visit_support import check_out_fields, signature_png
from aftersales.parts import services as parts
from aftersales.parts.models import (
    DefectivePart,
    LocationKind,
    PartUsage,
    StockLevel,
    StockLocation,
)
from aftersales.testing.factories import SparePartFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def van(tech, manager):
    van = StockLocation.objects.create(
        kind=LocationKind.VAN, code="VAN-1", name="李师傅车载库", technician=tech,
        center=tech.home_center,
    )  # fmt: skip
    return van


@pytest.fixture
def capacitor(van, manager):
    part = SparePartFactory(name="启动电容")
    parts.receive(part, van, 2, actor=manager)
    return part


def on_hand(part, location):
    return StockLevel.objects.get(part=part, location=location).on_hand


def test_parts_used_leave_the_van_and_the_old_one_goes_to_defective_stock(
    on_site, technician, van, capacitor, sr
):
    services.check_out(on_site, technician, **check_out_fields(parts_used=[(capacitor, 1, True)]))
    assert on_hand(capacitor, van) == 1
    usage = PartUsage.objects.get(request=sr)
    assert (usage.part, usage.quantity, usage.visit_id, usage.location) == (
        capacitor, 1, on_site.pk, van,
    )  # fmt: skip
    old = DefectivePart.objects.get(request=sr)
    assert old.part == capacitor and old.center == on_site.center


def test_not_enough_in_the_van_refuses_the_check_out_and_changes_nothing(
    on_site, technician, van, capacitor, sr
):
    with pytest.raises(Conflict):
        services.check_out(
            on_site, technician, **check_out_fields(parts_used=[(capacitor, 3, False)])
        )
    on_site.refresh_from_db()
    assert on_site.status == VisitStatus.ON_SITE
    assert on_hand(capacitor, van) == 2 and not PartUsage.objects.exists()


def test_the_phone_form_offers_the_vans_parts(client, on_site, technician, van, capacitor):
    client.force_login(technician)
    url = reverse("dispatch:visit", args=[on_site.pk])
    page = client.get(url).content.decode()
    assert 'id="parts-used"' in page and "启动电容" in page
    form = {
        "version": on_site.version, "work_done": "更换启动电容", "fixed": "yes",
        "customer_rating": "5", "signed_by": "王小明",
        "signature": "data:image/png;base64," + base64.b64encode(
            signature_png()).decode(),
        "part_1": capacitor.pk, "quantity_1": "2",
    }  # fmt: skip
    response = client.post(reverse("dispatch:check_out", args=[on_site.pk]), form)
    assert response.status_code == 302
    assert on_hand(capacitor, van) == 0


# --- Photos -------------------------------------------------------------------------------


def test_the_technician_adds_a_photo_on_site_and_it_is_kept_with_the_request(
    client, on_site, technician, sr
):
    client.force_login(technician)
    photo = SimpleUploadedFile("fault.png", signature_png(), content_type="image/png")
    response = client.post(reverse("dispatch:photo", args=[on_site.pk]), {"photo": photo})
    assert response.status_code == 302
    attachment = sr.attachments.get()
    assert attachment.content_type == "image/png" and attachment.visibility == "internal"
    page = client.get(reverse("dispatch:visit", args=[on_site.pk])).content.decode()
    assert 'id="photos"' in page and attachment.token in page


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(client, on_site, technician, sr):
    client.force_login(technician)
    text = SimpleUploadedFile("notes.txt", b"just text", content_type="text/plain")
    client.post(reverse("dispatch:photo", args=[on_site.pk]), {"photo": text})
    assert not sr.attachments.exists()


def test_another_technician_may_not_add_photos(client, on_site, sr):
    client.force_login(UserFactory(role="technician"))
    photo = SimpleUploadedFile("fault.png", signature_png(), content_type="image/png")
    response = client.post(reverse("dispatch:photo", args=[on_site.pk]), {"photo": photo})
    assert response.status_code in (403, 404)
    assert not sr.attachments.exists()
