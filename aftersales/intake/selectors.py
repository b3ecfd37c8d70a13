"""Read-side queries of this app's pages and API, each a fixed number of SQL queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from aftersales.assets.models import Unit, normalize_serial
from aftersales.kb import services as kb
from aftersales.kb.models import Deflection, DeflectionSource, Kind
from aftersales.service.entitlement import evaluate_unit

REPORT_ROWS = 1000
DEFAULT_PERIOD_DAYS = 30


def unit_warranty(serial: str):
    """(product, decision) of the unit with this serial number, or None: what the public
    form may show about a unit. Never the owner or anything else of theirs."""
    serial = normalize_serial(serial)
    if len(serial) < 4:
        return None
    unit = Unit.objects.select_related("product__category").filter(serial_number=serial).first()
    if unit is None:
        return None
    return unit.product, evaluate_unit(unit)


def public_article(pk: int):
    return kb.public_articles().select_related("category", "product").filter(pk=pk).first()


def guides_by_category(limit: int = 500) -> list[tuple[str, list]]:
    """Public "what to do when a problem arises" guides, grouped by product category."""
    rows = (
        kb.public_articles()
        .filter(kind=Kind.GUIDE)
        .select_related("category", "product__category")
        .order_by("category__name", "product__category__name", "title", "pk")[:limit]
    )
    groups: dict[str, list] = {}
    for article in rows:
        category = article.category or (article.product.category if article.product else None)
        groups.setdefault(category.name if category else "", []).append(article)
    return sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))


@dataclass
class DeflectionReport:
    date_from: datetime.date
    date_to: datetime.date
    rows: list  # dicts: article (id), title, source, source_label, count
    totals: dict  # source → count, and "all"


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


def deflection_report(date_from: datetime.date, date_to: datetime.date) -> DeflectionReport:
    """Deflections per article and source from `date_from` to `date_to` (local days,
    both included), most first, with totals per source. Two queries."""
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min)
    )
    period = Deflection.objects.filter(at__gte=start, at__lt=end)
    grouped = (
        period.values("article_id", "article__title", "source")
        .annotate(count=Count("id"))
        .order_by("-count", "article__title", "source")[:REPORT_ROWS]
    )
    labels = dict(DeflectionSource.choices)
    rows = [
        {
            "article": row["article_id"],
            "title": row["article__title"],
            "source": row["source"],
            "source_label": labels.get(row["source"], row["source"]),
            "count": row["count"],
        }
        for row in grouped
    ]
    totals = dict.fromkeys(DeflectionSource.values, 0)
    for row in period.values("source").annotate(count=Count("id")).order_by():
        totals[row["source"]] = row["count"]
    totals["all"] = sum(totals.values())
    return DeflectionReport(date_from=date_from, date_to=date_to, rows=rows, totals=totals)
