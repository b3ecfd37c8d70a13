"""A user's own account page: name, language, time zone, password and API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts import services
from aftersales.accounts.forms import ProfileForm, TokenForm


def _render(request, form=None, token_form=None, new_token=None, status=200):
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form or ProfileForm(instance=request.user),
            "token_form": token_form or TokenForm(),
            "tokens": request.user.api_tokens.all(),
            "new_token": new_token,
        },
        status=status,
    )


@login_required
def profile(request):
    if request.method != "POST":
        return _render(request)
    form = ProfileForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _render(request, form=form, status=400)
    services.update_profile(
        request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
    )
    messages.success(request, _("Your settings are saved."))
    response = redirect("profile")
    if "language" in form.changed_data and request.user.language:
        # The new choice wins over any earlier choice made in this browser.
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render(request, token_form=form, status=400)
    token = services.create_token(request.user, name=form.cleaned_data["name"])
    # Shown in this response only: never in a redirect, a message or a log.
    response = _render(request, new_token=token)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    if services.revoke_token(request.user, pk):
        messages.success(
            request, _("The token is revoked; programs using it can no longer sign in.")
        )
    return redirect("profile")
