"""The knowledge base pages per role: list and search, article, new/edit publishing a new
version, versions, "this solved it", and the suggestions on the agent's call form."""

import pytest
from django.urls import reverse

from aftersales.kb.models import Article, ArticleUse, ArticleVersion, Status
from aftersales.testing.factories import ServiceRequestFactory

READERS = ["admin_user", "manager", "agent", "dispatcher", "technician", "partner"]


@pytest.mark.parametrize("role", READERS)
def test_staff_search_the_list_and_find_the_right_article(request, articles, client, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("kb:list"), {"q": "洗衣机 漏水"})
    assert response.status_code == 200
    assert response.context["articles"][0] == articles["leak"]
    assert "E1 故障码" in client.get(reverse("kb:list")).content.decode()  # internal, for staff


def test_customers_are_refused_the_staff_pages(articles, client, customer_user):
    client.force_login(customer_user)
    assert client.get(reverse("kb:list")).status_code == 403
    assert client.get(reverse("kb:detail", args=[articles["leak"].pk])).status_code == 403


def test_the_list_is_bounded_in_queries(articles, client, agent, django_assert_max_num_queries):
    client.force_login(agent)
    with django_assert_max_num_queries(12):
        client.get(reverse("kb:list"))
    with django_assert_max_num_queries(12):
        client.get(
            reverse("kb:list"), {"q": "not cooling", "category": articles["en_cooling"].category_id}
        )


def test_the_article_shows_steps_and_how_many_requests_it_solved(articles, client, technician):
    article = articles["not_cooling"]
    ArticleUse.objects.create(article=article, request=ServiceRequestFactory())
    client.force_login(technician)
    page = client.get(reverse("kb:detail", args=[article.pk])).content.decode()
    assert "清洗滤网" in page and 'id="steps"' in page
    assert client.get(reverse("kb:detail", args=[article.pk])).context["solved_count"] == 1
    assert reverse("kb:edit", args=[article.pk]) not in page  # technicians read only


@pytest.mark.parametrize("role, status", [("manager", 302), ("agent", 302), ("dispatcher", 403),
                                          ("technician", 403), ("partner", 403)])  # fmt: skip
def test_managers_and_agents_write_articles(request, db, client, role, status):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("kb:create"), {"title": "遥控器失灵", "kind": "guide",
                           "audience": "public", "steps": "更换电池", "publish": "on"})  # fmt: skip
    assert response.status_code == status
    assert Article.objects.filter(status=Status.PUBLISHED).exists() is (status == 302)


def test_editing_publishes_a_new_version_and_keeps_the_old_one(articles, client, agent):
    article = articles["leak"]
    client.force_login(agent)
    form = client.get(reverse("kb:edit", args=[article.pk])).context["form"]
    data = {
        name: form.initial.get(name) or ""
        for name in ["title", "kind", "audience", "symptom", "cause"]
    }
    data |= {"category": article.category_id, "steps": "先关水龙头", "publish": "on",
             "revision": article.revision}  # fmt: skip
    assert client.post(reverse("kb:edit", args=[article.pk]), data).status_code == 302
    article.refresh_from_db()
    assert article.version == 2 and article.steps == "先关水龙头"
    assert list(
        ArticleVersion.objects.filter(article=article).values_list("number", flat=True)
    ) == [2, 1]
    page = client.get(reverse("kb:versions", args=[article.pk])).content.decode()
    assert "先关水龙头" in page and "更换排水管" in page
    stale = client.post(reverse("kb:edit", args=[article.pk]), data | {"steps": "旧"})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    article.refresh_from_db()
    assert article.steps == "先关水龙头"


def test_a_blank_title_is_refused_and_nothing_saved(db, client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("kb:create"), {"title": " ", "kind": "guide", "audience": "public", "steps": "x"}
    )
    assert response.status_code == 200 and not Article.objects.exists()


def test_this_solved_it_links_the_request(articles, client, agent):
    service_request = ServiceRequestFactory()
    client.force_login(agent)
    url = reverse("kb:solved", args=[articles["e1"].pk])
    assert client.post(url, {"request_number": service_request.number}).status_code == 302
    assert client.post(url, {"request_number": service_request.number}).status_code == 302
    assert ArticleUse.objects.filter(article=articles["e1"], request=service_request).count() == 1


def test_partner_staff_may_not_mark_solved(articles, client, partner):
    client.force_login(partner)
    url = reverse("kb:solved", args=[articles["e1"].pk])
    assert client.post(url, {"request_number": ServiceRequestFactory().number}).status_code == 403


def test_the_call_form_asks_for_suggestions_as_the_agent_types(articles, client, agent):
    client.force_login(agent)
    page = client.get(reverse("service:call")).content.decode()
    assert reverse("kb:suggest") in page and 'id="kb-suggestions"' in page
    fragment = client.get(reverse("kb:suggest"), {"description": "客户说空调不制冷，出风是热的"})
    rows = fragment.context["articles"]
    assert rows[0] == articles["not_cooling"] and len(rows) <= 5
    assert (
        articles["e1"]
        in client.get(reverse("kb:suggest"), {"description": "显示E1"}).context["articles"]
    )
    assert client.get(reverse("kb:suggest"), {"description": "a"}).context["articles"] == []
