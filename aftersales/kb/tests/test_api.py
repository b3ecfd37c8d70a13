"""The knowledge base API: search, read per role, write for managers and agents, versions,
"this solved it", and the public suggestion and deflection calls of the customer forms."""

import pytest
from rest_framework.test import APIClient

from aftersales.kb.models import Article, ArticleUse, Deflection, Status
from aftersales.testing.factories import ServiceRequestFactory

LIST = "/api/v1/kb/articles/"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_search_finds_the_article_by_chinese_and_english(
    articles, agent, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        body = client_for(agent).get(LIST, {"q": "空调不制冷"}).json()
    assert body["results"][0]["id"] == articles["not_cooling"].pk
    body = client_for(agent).get(LIST, {"q": "leaks water"}).json()
    assert body["results"][0]["id"] == articles["en_leak"].pk


def test_customers_read_only_public_articles(articles, customer_user):
    ids = {row["id"] for row in client_for(customer_user).get(LIST).json()["results"]}
    assert articles["not_cooling"].pk in ids and articles["e1"].pk not in ids
    assert client_for(customer_user).get(f"{LIST}{articles['e1'].pk}/").status_code == 404


def test_the_list_filters_by_product(articles, technician, aircon_model):
    ids = {
        r["id"]
        for r in client_for(technician).get(LIST, {"product": aircon_model.pk}).json()["results"]
    }
    assert articles["noise"].pk in ids and articles["not_cooling"].pk in ids
    assert articles["leak"].pk not in ids


@pytest.mark.parametrize(
    "role, allowed",
    [("manager", True), ("agent", True), ("dispatcher", False), ("technician", False),
     ("customer_user", False)],
)  # fmt: skip
def test_managers_and_agents_write_articles(request, db, role, allowed):
    user = request.getfixturevalue(role)
    response = client_for(user).post(
        LIST, {"title": "遥控器失灵", "steps": "更换电池", "publish": True}, format="json"
    )
    assert response.status_code == (201 if allowed else 403)
    assert Article.objects.exists() is allowed


def test_an_update_publishes_a_new_version_and_a_stale_one_is_refused(articles, agent):
    article = articles["leak"]
    url = f"{LIST}{article.pk}/"
    revision = client_for(agent).get(url).json()["revision"]
    response = client_for(agent).patch(
        url, {"steps": "先关水，再检查进水管", "publish": True, "revision": revision}, format="json"
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = client_for(agent).patch(url, {"steps": "旧内容", "revision": revision}, format="json")
    assert stale.status_code == 409
    versions = client_for(agent).get(f"{url}versions/").json()["results"]
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["steps"] == "先关水，再检查进水管"


def test_solved_links_a_request_once(articles, agent):
    service_request = ServiceRequestFactory()
    url = f"{LIST}{articles['leak'].pk}/solved/"
    assert (
        client_for(agent).post(url, {"request_number": service_request.number}).status_code == 201
    )
    assert (
        client_for(agent).post(url, {"request_number": service_request.number}).status_code == 409
    )
    assert client_for(agent).post(url, {"request_number": "SR-NOPE"}).status_code == 400
    assert ArticleUse.objects.get().request == service_request
    assert client_for(agent).get(f"{LIST}{articles['leak'].pk}/").json()["solved_count"] == 1


def test_the_public_form_gets_public_suggestions(articles):
    rows = client_for().get("/api/v1/kb/suggestions/", {"q": "洗衣机 漏水"}).json()
    assert rows[0]["id"] == articles["leak"].pk
    assert len(rows) <= 5
    assert articles["e1"].pk not in {
        r["id"] for r in client_for().get("/api/v1/kb/suggestions/", {"q": "E1"}).json()
    }


def test_a_deflection_is_counted_once_per_session(articles):
    body = {"article": articles["leak"].pk, "source": "web_form", "session_key": "abc"}
    assert client_for().post("/api/v1/kb/deflections/", body).status_code == 201
    assert client_for().post("/api/v1/kb/deflections/", body).status_code == 201
    assert Deflection.objects.count() == 1
    internal = {"article": articles["e1"].pk, "source": "portal"}
    assert client_for().post("/api/v1/kb/deflections/", internal).status_code == 404
    assert Deflection.objects.count() == 1


def test_a_logged_in_customer_is_remembered_on_the_deflection(articles, customer_user):
    body = {"article": articles["leak"].pk, "source": "portal"}
    assert client_for(customer_user).post("/api/v1/kb/deflections/", body).status_code == 201
    assert Deflection.objects.get().customer == customer_user.customer


def test_drafts_are_unseen_by_technicians(manager, technician):
    draft = client_for(manager).post(LIST, {"title": "草稿", "steps": "x"}, format="json").json()
    assert draft["status"] == Status.DRAFT
    assert client_for(technician).get(f"{LIST}{draft['id']}/").status_code == 404


def test_a_technician_may_not_link_a_request_they_cannot_see(articles, technician):
    # a request of another center: for the technician it does not exist
    hidden = ServiceRequestFactory()
    url = f"{LIST}{articles['leak'].pk}/solved/"
    response = client_for(technician).post(url, {"request_number": hidden.number})
    assert response.status_code == 400 and not ArticleUse.objects.exists()
