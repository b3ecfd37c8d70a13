"""Knowledge search returns the right article first for Chinese and English queries, on
SQLite (the fallback) and on PostgreSQL (full-text search); filters by audience and product."""

import pytest

from aftersales.kb import services
from aftersales.kb.models import Article
from aftersales.kb.search import query_terms, search


def _first(articles, query, user_queryset=None):
    found = search(Article.objects.all() if user_queryset is None else user_queryset, query)
    assert found, f"nothing found for {query!r}"
    return found[0]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("空调不制冷", "not_cooling"),
        ("洗衣机 漏水", "leak"),
        ("E1 故障码", "e1"),
        ("显示E1", "e1"),
        ("空调噪音", "noise"),
        ("not cooling", "en_cooling"),
        ("leaks water", "en_leak"),
        ("Washing machine LEAKS", "en_leak"),
        ("drum won't spin", "en_drum"),
    ],
)
def test_the_right_article_comes_first(articles, query, expected):
    assert _first(articles, query) == articles[expected]


def test_a_query_of_unknown_words_finds_nothing(articles):
    assert search(Article.objects.all(), "冰箱结霜 fridge") == []
    assert search(Article.objects.all(), "  ，。 ") == []


def test_queries_are_segmented_like_articles():
    assert query_terms("洗衣机 漏水") == ["洗衣", "洗衣机", "漏水"]
    assert query_terms("Not Cooling!") == ["not", "cooling"]


def test_a_customer_finds_only_public_published_articles(articles, customer_user, manager):
    draft = services.create_article(manager, title="空调不制冷（草稿）", steps="草稿")
    found = search(services.visible_articles(customer_user), "空调 E1 不制冷")
    assert articles["not_cooling"] in found
    assert articles["e1"] not in found  # internal
    assert draft not in found


def test_staff_read_internal_articles_but_not_drafts(articles, technician, manager):
    draft = services.create_article(manager, title="E1 草稿", steps="草稿")
    found = search(services.visible_articles(technician), "E1")
    assert found[0] == articles["e1"]
    assert draft not in found
    assert draft in search(services.visible_articles(manager), "E1")


def test_a_product_sees_its_own_its_categorys_and_parents_articles(
    articles, aircon_model, aircon, appliances, manager
):
    general = services.create_article(
        manager, title="家电通用：不制冷也可能是电压低", category=appliances, steps="检查电压",
        publish=True,
    )  # fmt: skip
    found = search(services.for_product(Article.objects.all(), product=aircon_model), "不制冷 噪音")
    assert set(found) >= {articles["not_cooling"], articles["noise"], general}
    assert articles["leak"] not in found
    in_category = services.for_product(Article.objects.all(), category=aircon)
    assert articles["noise"] in in_category and articles["leak"] not in in_category


def test_postgresql_can_use_the_search_index(articles):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    from django.contrib.postgres.search import SearchQuery, SearchVector

    vector = SearchVector("search_title", weight="A", config="simple") + SearchVector(
        "search_text", weight="B", config="simple"
    )
    rows = Article.objects.annotate(vector=vector).filter(
        vector=SearchQuery("漏水", config="simple")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = rows.explain()
        cursor.execute("SET enable_seqscan = on")
    assert "kb_article_search_gin" in plan
