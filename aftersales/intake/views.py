"""The public "get help" form at /help/ (no login): the form, its htmx helpers (the unit's
warranty as the serial number is typed, articles as the description is typed) and the
page with the request's number. Thin: the rules are in services and guards."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.core.http import client_ip
from aftersales.intake import guards, selectors, services
from aftersales.intake.forms import HelpForm
from aftersales.kb import selectors as kb_selectors
from aftersales.kb import services as kb

SENT_KEY = "intake_sent"


def limited(request, error):
    """The 429 page, in the visitor's language."""
    return render(request, "intake/limited.html", {"message": str(error.message)}, status=429)


@never_cache
def help_form(request):
    if request.method != "POST":
        form = HelpForm(initial={"token": guards.form_token()})
        return _page(request, form)
    form = HelpForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            guards.check_content(honeypot=data["website"], description=data["description"])
            nonce = guards.check_form_token(data["token"])
            help_request, _created = services.submit_help(
                services.HelpRequest(
                    description=data["description"], name=data["name"], phone=data["phone"],
                    email=data["email"], serial_number=data["serial_number"],
                    photos=data["photos"], language=translation.get_language() or "",
                ),
                key=guards.submission_key("form", nonce),
                ip=client_ip(request),
            )  # fmt: skip
        except guards.Throttled as error:
            return limited(request, error)
        except DomainError as error:
            show_error(form, error)
            if error.code in ("stale", "refused"):
                _renew_token(form)
        else:
            request.session[SENT_KEY] = help_request.number
            return redirect("intake:sent")
    return _page(request, form, status=400)


def _page(request, form, status=200):
    context = {"form": form, "max_photos": settings.INTAKE_MAX_PHOTOS}
    return render(request, "intake/help.html", context, status=status)


def _renew_token(form: HelpForm) -> None:
    """A form whose token was refused gets a fresh one; its errors and input are kept."""
    form.data = form.data.copy()
    form.data["token"] = guards.form_token()


@never_cache
@require_GET
def sent(request):
    """The request's number, right after sending; only the browser that sent it sees it."""
    number = request.session.get(SENT_KEY)
    if not number:
        return redirect("intake:help")
    return render(request, "intake/sent.html", {"number": number})


@require_GET
def unit_lookup(request):
    """htmx: the product and its warranty for the serial number being typed."""
    serial = request.GET.get("serial_number", "").strip()
    allowed = not serial or guards.allow_lookup(client_ip(request))
    found = selectors.unit_warranty(serial) if serial and allowed else None
    return render(
        request, "intake/_unit.html", {"serial": serial, "found": found, "limited": not allowed}
    )


@require_GET
def suggest(request):
    """htmx: public articles matching the description being typed, each openable here."""
    text = request.GET.get("description", "")
    articles = kb_selectors.suggestions(kb.public_articles(), text)
    return render(request, "intake/_suggestions.html", {"articles": articles})
