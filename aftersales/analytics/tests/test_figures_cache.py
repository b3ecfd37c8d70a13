"""The quality pages keep their figures for a few minutes, say so, and compute them again
on request; the warming job computes the dashboard's first view ahead."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.analytics.tasks import warm_figures
from aftersales.service.models import ServiceRequest

URL = "/quality/?start=2026-11-01&end=2026-11-30"


@pytest.fixture
def keep_figures(settings):
    settings.ANALYTICS_FIGURES_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _opened(response) -> int:
    return next(t for t in response.context["tiles"] if t["name"] == "opened")["kpi"].value


def _queries(client, url) -> tuple:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


def test_figures_are_kept_and_computed_again_on_request(client, manager, month, keep_figures):
    client.force_login(manager)
    first, computed = _queries(client, URL)
    assert _opened(first) == 6
    assert "Figures as of" in first.content.decode()
    # a request opened since: the kept figures do not show it yet
    ServiceRequest.objects.filter(pk=month["F"].pk).update(received_at=month["A"].received_at)
    again, kept = _queries(client, URL)
    assert _opened(again) == 6 and kept < computed - 10
    assert again.context["computed_at"] == first.context["computed_at"]
    fresh = client.get(again.context["refresh_url"])
    assert _opened(fresh) == 7
    assert "refresh" in again.context["refresh_url"]


def test_another_filter_or_reader_is_computed_for_itself(
    client, manager, agent, month, keep_figures, center
):
    client.force_login(manager)
    everything = client.get(URL)
    one_center = client.get(f"{URL}&center={center.pk}")
    assert _opened(one_center) == 4 and _opened(everything) == 6
    client.force_login(agent)  # no money figures: kept apart from the manager's
    names = {t["name"] for t in client.get(URL).context["tiles"]}
    assert "revenue" not in names and "opened" in names


def test_live_when_kept_for_no_time(client, manager, month, settings):
    settings.ANALYTICS_FIGURES_SECONDS = 0
    client.force_login(manager)
    assert _opened(client.get(URL)) == 6
    ServiceRequest.objects.filter(pk=month["F"].pk).update(received_at=month["A"].received_at)
    assert _opened(client.get(URL)) == 7


def test_the_warming_job_computes_the_first_view(client, manager, agent, keep_figures):
    assert warm_figures() == 2
    for user in (manager, agent):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("analytics:dashboard"))
        assert response.status_code == 200
        # the session, the user, the filter's choices: no figure is computed
        assert not [q for q in captured if "service_servicerequest" in q["sql"]]
