"""Customer-facing account pages (public layout, phone first): sign up with a code,
reset a password with a code, set a password from an invitation; and the two staff
actions on the customer page (invite, deactivate). Thin: the rules are in
`accounts.signup`, `accounts.reset` and `accounts.invitations`.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.accounts import codes, invitations, reset, signup
from aftersales.accounts.forms import (
    CodeForm,
    ResetCodeForm,
    ResetForm,
    SetPasswordForm,
    SignupForm,
)
from aftersales.accounts.models import User
from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.core.http import client_ip
from aftersales.service import access

BACKEND = "aftersales.accounts.backends.AddressBackend"
SIGNUP_TICKET = "accounts.signup_ticket"
RESET_TICKET = "accounts.reset_ticket"
INVITE_TOKEN = "accounts.invite_token"
# The token-less address the invitation link redirects to, so the token does not leak
# through the Referer header of the page's assets or links (as Django's reset view does).
INVITE_SET = "set-password"


def landing_url() -> str:
    """The portal's home when it exists, else the site's home."""
    try:
        return reverse("portal:home")
    except NoReverseMatch:
        return reverse("home")


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or ""


def _page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _refused(form, error) -> int:
    show_error(form, error)
    return getattr(error, "status", 400)


# --- Sign-up ------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def signup_view(request):
    if request.user.is_authenticated:
        return redirect(landing_url())
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            sent = signup.start(
                **form.cleaned_data, ip=client_ip(request), language=_language(request)
            )
        except (DomainError, ValidationError) as error:
            status = _refused(form, error)
        else:
            request.session[SIGNUP_TICKET] = sent.ticket
            return redirect("signup_verify")
    elif request.method == "POST":
        status = 400
    return _page(request, "accounts/signup.html", {"form": form}, status)


def _ticket_address(request, key, purpose):
    ticket = request.session.get(key)
    try:
        return ticket, codes.read_ticket(ticket, purpose)
    except DomainError:
        return None, None


@never_cache
@require_http_methods(["GET", "POST"])
def signup_verify(request):
    ticket, address = _ticket_address(request, SIGNUP_TICKET, signup.PURPOSE)
    if address is None:
        messages.info(request, _("Please start again."))
        return redirect("signup")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = signup.verify(ticket, form.cleaned_data["code"])
        except DomainError as error:
            status = _refused(form, error)
        else:
            request.session.pop(SIGNUP_TICKET, None)
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(landing_url())
    elif request.method == "POST":
        status = 400
    context = {"form": form, "address": address, "resend_url": reverse("signup_resend"),
               "back_url": reverse("signup"), "purpose": "signup"}  # fmt: skip
    return _page(request, "accounts/code.html", context, status)


def _resend(request, key, purpose, module, verify_name, start_name):
    ticket, address = _ticket_address(request, key, purpose)
    if address is None:
        return redirect(start_name)
    try:
        module.resend(ticket, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, str(error.message))
        if error.code == "bad_ticket":
            return redirect(start_name)
    else:
        messages.success(request, _("We have sent a new code."))
    return redirect(verify_name)


@require_POST
def signup_resend(request):
    return _resend(request, SIGNUP_TICKET, signup.PURPOSE, signup, "signup_verify", "signup")


# --- Password reset -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def reset_view(request):
    form = ResetForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            sent = reset.start(form.cleaned_data["address"], ip=client_ip(request))
        except DomainError as error:
            status = _refused(form, error)
        else:
            request.session[RESET_TICKET] = sent.ticket
            return redirect("reset_verify")
    elif request.method == "POST":
        status = 400
    return _page(request, "accounts/reset.html", {"form": form}, status)


@never_cache
@require_http_methods(["GET", "POST"])
def reset_verify(request):
    ticket, address = _ticket_address(request, RESET_TICKET, reset.PURPOSE)
    if address is None:
        messages.info(request, _("Please start again."))
        return redirect("reset")
    form = ResetCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = reset.finish(ticket, form.cleaned_data["code"], form.cleaned_data["password"])
        except (DomainError, ValidationError) as error:
            status = _refused(form, error)
        else:
            request.session.pop(RESET_TICKET, None)
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your new password is set."))
            return redirect(landing_url())
    elif request.method == "POST":
        status = 400
    context = {"form": form, "address": address, "resend_url": reverse("reset_resend"),
               "back_url": reverse("reset"), "purpose": "reset"}  # fmt: skip
    return _page(request, "accounts/code.html", context, status)


@require_POST
def reset_resend(request):
    return _resend(request, RESET_TICKET, reset.PURPOSE, reset, "reset_verify", "reset")


# --- Invitation link ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request, uidb64, token):
    if token != INVITE_SET:
        if invitations.user_for_link(uidb64, token) is None:
            return _page(request, "accounts/invitation.html", {"bad_link": True}, 410)
        request.session[INVITE_TOKEN] = token
        return HttpResponseRedirect(reverse("invitation", args=[uidb64, INVITE_SET]))
    token = request.session.get(INVITE_TOKEN, "")
    invited = invitations.user_for_link(uidb64, token)
    if invited is None:
        return _page(request, "accounts/invitation.html", {"bad_link": True}, 410)
    form = SetPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(uidb64, token, form.cleaned_data["password"])
        except (DomainError, ValidationError) as error:
            status = _refused(form, error)
        else:
            request.session.pop(INVITE_TOKEN, None)
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your password is set. Welcome!"))
            return redirect(landing_url())
    elif request.method == "POST":
        status = 400
    return _page(request, "accounts/invitation.html", {"form": form, "invited": invited}, status)


# --- Staff: invite and deactivate (customer page) -----------------------------------------


@require_POST
@allowed_if(invitations.can_invite)
def portal_invite(request, pk):
    customer = get_object_or_404(access.visible_customers(request.user), pk=pk)
    try:
        login_, created = invitations.invite(request.user, customer, request.POST.get("target", ""))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        text = (_("Invitation sent to %(name)s.") if created
                else _("Invitation sent again to %(name)s."))  # fmt: skip
        messages.success(request, text % {"name": str(login_)})
    return redirect(reverse("customers:detail", args=[customer.pk]) + "#portal-logins")


@require_POST
@allowed_if(invitations.can_deactivate)
def portal_login_active(request, pk):
    login_ = get_object_or_404(User, pk=pk, role="customer", customer__isnull=False)
    active = request.POST.get("active") == "1"
    try:
        invitations.set_active(request.user, login_, active)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            (_("%(name)s can log in again.") if active
             else _("%(name)s can no longer log in.")) % {"name": str(login_)},
        )  # fmt: skip
    return redirect(reverse("customers:detail", args=[login_.customer_id]) + "#portal-logins")
