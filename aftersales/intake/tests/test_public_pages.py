"""Public knowledge pages and the form's htmx helpers: the unit's warranty (never its
owner), suggested public articles (never internal ones), "this solved my problem" counted
once per visit, from the web form or the portal, and the guides per category."""

import pytest

from aftersales.kb.models import Deflection

pytestmark = pytest.mark.django_db


def test_a_serial_shows_the_product_and_its_warranty_not_the_owner(anon, unit, owner):
    page = anon.get("/help/unit/", {"serial_number": "acx0001"})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-unit="found"' in html
    assert unit.product.name in html
    assert 'data-status="in_warranty"' in html
    for secret in (owner.name, owner.phone, owner.email, "李"):
        assert secret not in html


def test_an_unknown_serial_says_so(anon, unit):
    html = anon.get("/help/unit/", {"serial_number": "NOPE9999"}).content.decode()
    assert 'data-unit="unknown"' in html


def test_serial_lookups_are_limited_per_ip(anon, unit, monkeypatch):
    from aftersales.intake import guards

    monkeypatch.setattr(guards, "LOOKUPS_PER_IP_PER_HOUR", 2)
    for _ in range(2):
        assert (
            'data-unit="found"'
            in anon.get("/help/unit/", {"serial_number": "ACX0001"}).content.decode()
        )
    html = anon.get("/help/unit/", {"serial_number": "ACX0001"}).content.decode()
    assert 'data-unit="limited"' in html and unit.product.name not in html


def test_suggestions_are_public_articles_with_their_steps(anon, articles):
    html = anon.get(
        "/help/suggest/", {"description": "air conditioner not cooling"}
    ).content.decode()
    assert f'data-article="{articles["cooling"].pk}"' in html
    assert "Clean the filter." in html
    assert f'data-article="{articles["internal"].pk}"' not in html
    assert "refrigerant check" not in html


def test_no_suggestions_for_a_word_or_two(anon, articles):
    assert anon.get("/help/suggest/", {"description": "a"}).content.decode().strip() == ""


def test_a_public_article_reads_without_login(anon, articles):
    article = articles["cooling"]
    page = anon.get(f"/help/articles/{article.pk}/")
    assert page.status_code == 200
    assert "Clean the filter." in page.content.decode()
    assert 'name="from"' not in page.content.decode()


def test_an_internal_article_is_not_found(anon, articles):
    assert anon.get(f"/help/articles/{articles['internal'].pk}/").status_code == 404
    assert anon.post(f"/help/articles/{articles['internal'].pk}/solved/").status_code == 404
    assert Deflection.objects.count() == 0


def test_solved_counts_a_web_form_deflection_once_per_visit(anon, articles):
    article = articles["cooling"]
    response = anon.post(f"/help/articles/{article.pk}/solved/")
    assert response.status_code == 302 and response.url == f"/help/articles/{article.pk}/thanks/"
    anon.post(f"/help/articles/{article.pk}/solved/")
    deflection = Deflection.objects.get()
    assert deflection.source == "web_form" and deflection.customer is None
    assert deflection.session_key
    thanks = anon.get(response.url)
    assert 'data-outcome="deflected"' in thanks.content.decode()


def test_another_visitor_counts_again(articles):
    from django.test import Client

    for _ in range(2):
        Client().post(f"/help/articles/{articles['cooling'].pk}/solved/")
    assert Deflection.objects.count() == 2


def test_from_the_portal_a_customer_login_counts_as_portal(client, customer_user, articles):
    client.force_login(customer_user)
    article = articles["cooling"]
    page = client.get(f"/help/articles/{article.pk}/?from=portal")
    assert 'name="from" value="portal"' in page.content.decode()
    client.post(f"/help/articles/{article.pk}/solved/", {"from": "portal"})
    deflection = Deflection.objects.get()
    assert deflection.source == "portal" and deflection.customer == customer_user.customer


def test_staff_asking_for_portal_count_as_the_web_form(client, agent, articles):
    client.force_login(agent)
    client.post(f"/help/articles/{articles['cooling'].pk}/solved/", {"from": "portal"})
    deflection = Deflection.objects.get()
    assert deflection.source == "web_form" and deflection.customer is None


def test_solved_needs_a_post(anon, articles):
    assert anon.get(f"/help/articles/{articles['cooling'].pk}/solved/").status_code == 405


def test_guides_are_listed_per_category(anon, articles, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        page = anon.get("/help/guides/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-category="空调"' in html
    assert articles["guide"].title in html
    assert articles["cooling"].title not in html  # troubleshooting, not a guide
    assert articles["internal"].title not in html


def test_after_solving_a_customer_login_is_offered_the_way_back_to_the_portal(
    client, customer_user, articles
):
    client.force_login(customer_user)
    response = client.post(f"/help/articles/{articles['cooling'].pk}/solved/", {"from": "portal"})
    assert 'href="/my/"' in client.get(response.url).content.decode()
