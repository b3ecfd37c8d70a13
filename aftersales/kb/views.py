"""Knowledge base pages: list with search and filters, article, new/edit (publishing a new
version), version history, "this solved it", and the suggestions shown on the agent's call
form. Back office and field staff read; managers and agents write. Thin: the rules are in
services."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.kb import selectors, services
from aftersales.kb.forms import ArticleForm, SearchForm, SolvedForm

NAV = "kb"

view_required = allowed_if(services.can_view)
write_required = allowed_if(services.can_write)


def _context(request, **extra) -> dict:
    return {"nav": NAV, "can_write": services.can_write(request.user), **extra}


@view_required
@require_GET
def article_list(request):
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.article_rows(
        request.user,
        q=filters.get("q", ""),
        product=filters.get("product"),
        category=filters.get("category"),
        audience=filters.get("audience", ""),
    )
    return render(request, "kb/article_list.html", _context(request, form=form, articles=rows))


def _article(request, pk):
    return get_object_or_404(
        services.visible_articles(request.user).select_related("category", "product", "author"),
        pk=pk,
    )


@view_required
@require_GET
def article_detail(request, pk):
    article = _article(request, pk)
    return render(
        request,
        "kb/article_detail.html",
        _context(
            request,
            article=article,
            fault_codes=list(article.fault_codes.all()),
            solved_count=article.uses.count(),
            solved_form=SolvedForm() if services.can_mark_solved(request.user) else None,
        ),
    )


def _article_form(request, article=None):
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.CONTENT_FIELDS}
        codes = list(form.cleaned_data["fault_codes"])
        publish = form.cleaned_data["publish"]
        try:
            if article is None:
                article = services.create_article(
                    request.user, fault_codes=codes, publish=publish, **fields
                )
            else:
                article = services.update_article(
                    article, request.user, revision=form.cleaned_data["revision"],
                    fault_codes=codes, publish=publish, **fields,
                )  # fmt: skip
        except DomainError as error:
            show_error(form, error)
        else:
            if publish:
                messages.success(request, _("Version %(n)s published.") % {"n": article.version})
            else:
                messages.success(request, _("Draft saved."))
            return redirect("kb:detail", article.pk)
    return render(request, "kb/article_form.html", _context(request, form=form, article=article))


@write_required
def article_create(request):
    return _article_form(request)


@write_required
def article_edit(request, pk):
    return _article_form(request, _article(request, pk))


@view_required
@require_GET
def article_versions(request, pk):
    article = _article(request, pk)
    versions = article.versions.select_related("published_by")
    return render(
        request, "kb/article_versions.html", _context(request, article=article, versions=versions)
    )


@allowed_if(services.can_mark_solved)
@require_POST
def article_solved(request, pk):
    article = _article(request, pk)
    form = SolvedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the request number."))
        return redirect("kb:detail", article.pk)
    try:
        use = services.mark_solved(article, form.cleaned_data["request_number"], request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Recorded: this article solved %(number)s.") % {"number": use.request.number}
        )
    return redirect("kb:detail", article.pk)


@view_required
@require_GET
def suggest(request):
    """Up to 5 articles matching the description being typed (htmx fragment)."""
    text = request.GET.get("q") or request.GET.get("description", "")
    rows = selectors.suggestions(services.visible_articles(request.user), text)
    return render(request, "kb/_suggestions.html", {"articles": rows, "text": text})
