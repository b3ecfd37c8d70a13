"""A complaint through the web pages, as the agent and the manager click it: "Complain
about this request" on the repair, the form during the call, the panel's steps, resolving
refused until the steps are done, closing refused, the manager's sign-off closes it."""

import re

import pytest
from django.urls import reverse

from aftersales.complaints.models import Complaint
from aftersales.service.choices import Status

pytestmark = pytest.mark.django_db


def _version(page: str) -> str:
    return re.search(r'id="complaint-panel" data-version="(\d+)"', page).group(1)


def test_a_complaint_about_a_visit_from_the_call_to_the_sign_off(
    client, agent, manager, repair, visit, partner_tech
):
    client.force_login(agent)
    page = client.get(reverse("service:detail", args=[repair.number])).content.decode()
    new_url = f"{reverse('complaints:new')}?request={repair.number}"
    assert new_url in page

    form = client.get(new_url).content.decode()
    assert f'value="{repair.number}"' in form and 'name="about_visit"' in form
    response = client.post(
        reverse("complaints:new"),
        {"about": repair.number, "about_visit": visit.pk, "severity": "critical",
         "subject": "师傅迟到两小时还态度差", "apologised": "on", "apology_note": "非常抱歉",
         "assign_to_me": "on"},
    )  # fmt: skip
    complaint = Complaint.objects.get()
    number = complaint.request.number
    detail = reverse("service:detail", args=[number])
    assert response.status_code == 302 and response.url == detail
    assert complaint.about_technician == partner_tech

    page = client.get(detail).content.decode()
    assert 'id="complaint-panel"' in page and "Critical" in page
    assert 'id="cause-form"' in page and 'id="sign-off-form"' not in page

    resolve = {"to": "resolved", "resolution_type": "advice", "resolution_summary": "已致歉"}
    response = client.post(reverse("service:transition", args=[number]), resolve)
    assert response.status_code == 400
    assert "root cause" in response.content.decode()

    response = client.post(
        reverse("complaints:cause", args=[number]),
        {"cause-root_cause": "late", "cause-detail": "派单时间窗过窄",
         "cause-corrective_action": "时间窗放宽到两小时，师傅培训",
         "cause-version": _version(page)},
        follow=True,
    )  # fmt: skip
    assert "Root cause and corrective action recorded." in response.content.decode()

    response = client.post(reverse("service:transition", args=[number]), resolve)
    assert response.status_code == 302
    response = client.post(reverse("service:transition", args=[number]), {"to": "closed"})
    assert response.status_code == 400 and "sign-off" in response.content.decode()

    # The agent has no sign-off form and is refused if they post it anyway.
    page = client.get(detail).content.decode()
    assert 'id="sign-off-form"' not in page and 'id="cause-form"' in page
    assert client.post(reverse("complaints:sign_off", args=[number])).status_code == 403

    client.force_login(manager)
    page = client.get(detail).content.decode()
    assert 'id="sign-off-form"' in page
    response = client.post(
        reverse("complaints:sign_off", args=[number]),
        {"signoff-note": "处理及时", "signoff-version": _version(page)},
        follow=True,
    )
    assert "Complaint signed off and closed." in response.content.decode()
    complaint.refresh_from_db()
    complaint.request.refresh_from_db()
    assert complaint.request.status == Status.CLOSED
    assert complaint.signed_off_by == manager
    page = client.get(detail).content.decode()
    assert 'id="cause-form"' not in page and 'id="apology-form"' not in page

    listing = client.get(reverse("complaints:list"), {"signed_off": "yes"}).content.decode()
    assert f'data-complaint="{number}"' in listing
