"""View decorators shared by the apps' web pages."""

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def allowed_if(check: Callable) -> Callable:
    """A view decorator: the user must be logged in (else the login page) and pass
    `check(user)` (else 403). Each app names its own, e.g.
    `manager_required = allowed_if(services.can_manage)`, so the rule stays in services."""

    def decorator(view):
        @login_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
