"""Public knowledge pages (no login): a public article with "this solved my problem", the
thanks page after it, and the "what to do when a problem arises" guides per category.

"This solved my problem" is a deflection: counted once per article and browser session,
from the web form, or from the portal when a customer's login opened the article there
(`?from=portal`)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.roles import Role, role_of
from aftersales.intake import selectors
from aftersales.kb import services as kb
from aftersales.kb.models import DeflectionSource

PORTAL = "portal"


def _article(pk):
    article = selectors.public_article(pk)
    if article is None:
        raise Http404
    return article


def _from_portal(request) -> bool:
    asked = request.POST.get("from") or request.GET.get("from")
    return asked == PORTAL and role_of(request.user) == Role.CUSTOMER


@require_GET
def article(request, pk):
    return render(
        request,
        "intake/article.html",
        {"article": _article(pk), "from_portal": _from_portal(request)},
    )


@require_POST
def solved(request, pk):
    article = _article(pk)
    if _from_portal(request):
        source, customer = DeflectionSource.PORTAL, request.user.customer
    else:
        source, customer = DeflectionSource.WEB_FORM, None
    if not request.session.session_key:
        request.session.save()  # a visitor's first deflection: counted once per session
    kb.deflect(article, source, request.session.session_key, customer=customer)
    return redirect("intake:thanks", article.pk)


@require_GET
def thanks(request, pk):
    return render(
        request,
        "intake/solved.html",
        {"article": _article(pk), "from_portal": role_of(request.user) == Role.CUSTOMER},
    )


@require_GET
def guides(request):
    return render(request, "intake/guides.html", {"groups": selectors.guides_by_category()})
