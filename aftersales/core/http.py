"""Facts about the HTTP request that several apps need the same way."""

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request) -> str:
    """The address of the person's machine, for rate limits and logs.

    With `TRUSTED_PROXIES = n` reverse proxies in front of us, it is the n-th address from
    the right of X-Forwarded-For (the one our outermost proxy saw); addresses further left
    are whatever the client wrote and cannot be trusted. Without proxies, the connection's.
    """
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def next_url(request) -> str | None:
    """The page a form asks to go back to (POST `next`), if it is one of ours; None for
    another site, however it is spelled (`//evil`, `/\\evil`, `https://evil`)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
