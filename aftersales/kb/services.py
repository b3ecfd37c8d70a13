"""Knowledge base rules: who may read and write articles, saving and publishing a version,
"this solved it" on a request, and customers deflected by an article.

Readers: the back office and the field (technicians, partner staff) read every published
article, internal or public; customers and anonymous visitors only public published ones.
Writers: managers (and administrators) and agents create and edit articles, see drafts, and
publish; each publication is an append-only `ArticleVersion`.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import BACK_OFFICE, FIELD, MANAGERS, Role, role_of
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.kb.models import (
    Article,
    ArticleUse,
    ArticleVersion,
    Audience,
    Deflection,
    DeflectionSource,
    Status,
)
from aftersales.kb.search import index_text

WRITERS = MANAGERS | {Role.AGENT}
CONTENT_FIELDS = ("title", "category", "product", "symptom", "cause", "steps", "audience", "kind")

# --- Who may do what ----------------------------------------------------------------------


def can_view(user) -> bool:
    """The staff pages: back office and field."""
    return role_of(user) in BACK_OFFICE | FIELD


def can_write(user) -> bool:
    return role_of(user) in WRITERS


def can_mark_solved(user) -> bool:
    """Who links an article to a request it solved: the back office and technicians."""
    return role_of(user) in BACK_OFFICE | {Role.TECHNICIAN}


def visible_articles(user, queryset=None):
    queryset = Article.objects.all() if queryset is None else queryset
    role = role_of(user)
    if role in WRITERS:
        return queryset
    if role in BACK_OFFICE | FIELD:
        return queryset.filter(status=Status.PUBLISHED)
    return public_articles(queryset)


def public_articles(queryset=None):
    queryset = Article.objects.all() if queryset is None else queryset
    return queryset.filter(status=Status.PUBLISHED, audience=Audience.PUBLIC)


def for_product(queryset, product=None, category=None):
    """Articles about `product` (its own, its category's and the parent categories'), or
    about `category` (its own, its parents', and its products')."""
    if product is not None:
        return queryset.filter(
            Q(product=product) | Q(product__isnull=True, category_id__in=_lineage(product.category))
        )
    if category is not None:
        return queryset.filter(
            Q(category_id__in=_lineage(category)) | Q(product__category=category)
        )
    return queryset


def _lineage(category) -> list[int]:
    ids, seen = [], set()
    while category is not None and category.pk not in seen:
        seen.add(category.pk)
        ids.append(category.pk)
        category = category.parent
    return ids


# --- Writing --------------------------------------------------------------------------------


def check_write(user) -> None:
    if not can_write(user):
        raise NotAllowed(_("Only managers and agents may write knowledge base articles."))


def _validate(fields) -> None:
    if not (fields.get("title") or "").strip():
        raise DomainError(_("Give the article a title."))
    if not (fields.get("steps") or "").strip():
        raise DomainError(_("Write the steps that solve the problem."))
    product, category = fields.get("product"), fields.get("category")
    if product is not None and category is not None and product.category_id != category.pk:
        raise DomainError(_("The product belongs to another category; pick its own category."))


def _index(article: Article) -> None:
    codes = (
        " ".join(f"{c.code} {c.symptom}" for c in article.fault_codes.all()) if article.pk else ""
    )
    article.search_title = index_text(article.title)
    article.search_text = index_text(
        article.title, article.symptom, article.cause, article.steps, codes
    )


def _publish(article: Article, actor) -> None:
    article.version += 1
    article.status = Status.PUBLISHED
    ArticleVersion.objects.create(
        article=article, number=article.version, title=article.title, symptom=article.symptom,
        cause=article.cause, steps=article.steps, audience=article.audience, published_by=actor,
    )  # fmt: skip


@transaction.atomic
def create_article(actor, *, fault_codes=(), publish=False, **fields) -> Article:
    check_write(actor)
    _validate(fields)
    article = Article(author=actor, **{k: v for k, v in fields.items() if k in CONTENT_FIELDS})
    article.save()
    article.fault_codes.set(fault_codes)
    _index(article)
    if publish:
        _publish(article, actor)
    article.save()
    return article


@transaction.atomic
def update_article(article, actor, *, revision=None, fault_codes=None, publish=False, **fields):
    """Save changes; with `publish` they become the next published version. `revision` is
    the revision the editor started from: a change saved meanwhile refuses this one."""
    check_write(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if revision is not None and int(revision) != article.revision:
        raise Conflict(_("Someone else changed this article meanwhile; reload it and edit again."))
    merged = {name: getattr(article, name) for name in CONTENT_FIELDS} | fields
    _validate(merged)
    for name in CONTENT_FIELDS:
        setattr(article, name, merged[name])
    if fault_codes is not None:
        article.fault_codes.set(fault_codes)
    _index(article)
    if publish:
        _publish(article, actor)
    article.revision += 1
    article.save()
    return article


# --- Solved requests and deflections ------------------------------------------------------


def mark_solved(article: Article, request_number: str, actor) -> ArticleUse:
    from aftersales.service.access import visible_requests

    if not can_mark_solved(actor) or not visible_articles(actor).filter(pk=article.pk).exists():
        raise NotAllowed(_("You may not link articles to requests."))
    if article.status != Status.PUBLISHED:
        raise DomainError(_("Only a published article can solve a request."))
    # Only a request the user may see: another's number reads as unknown, telling nothing.
    service_request = visible_requests(actor).filter(number=(request_number or "").strip()).first()
    if service_request is None:
        raise DomainError(_("There is no request with this number."))
    try:
        with transaction.atomic():
            return ArticleUse.objects.create(article=article, request=service_request, actor=actor)
    except IntegrityError:
        raise Conflict(_("This article is already recorded as solving this request.")) from None


def deflect(article: Article, source: str, session_key: str = "", customer=None) -> Deflection:
    """A customer says the article solved the problem instead of sending the form. Counted
    once per article and session; saying it again returns the first record."""
    if source not in DeflectionSource.values:
        raise DomainError(_("Unknown source of the deflection."))
    if not public_articles().filter(pk=article.pk).exists():
        raise DomainError(_("This article is not public."))
    session_key = (session_key or "")[:64]
    if session_key:
        existing = Deflection.objects.filter(article=article, session_key=session_key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            return Deflection.objects.create(
                article=article, source=source, session_key=session_key, customer=customer
            )
    except IntegrityError:
        return Deflection.objects.get(article=article, session_key=session_key)
