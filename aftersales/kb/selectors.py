"""Read-side queries of the knowledge base pages and API, with a bounded number of queries."""

from django.db.models import Count

from aftersales.kb import services
from aftersales.kb.search import search


def article_rows(user, *, q="", product=None, category=None, audience="", limit=200):
    """The articles `user` may read, best match first when `q` is given, else newest first."""
    rows = services.visible_articles(user).select_related("category", "product", "author")
    rows = services.for_product(rows, product=product, category=category)
    if audience:
        rows = rows.filter(audience=audience)
    rows = rows.annotate(solved_count=Count("uses", distinct=True)).order_by("-updated_at", "-pk")
    if (q or "").strip():
        return search(rows, q, limit=limit)
    return list(rows[:limit])


def suggestions(queryset, text: str, limit: int = 5) -> list:
    if len((text or "").strip()) < 2:
        return []
    return search(queryset.select_related("category", "product"), text, limit=limit)
