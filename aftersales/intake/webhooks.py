"""/api/v1/hooks/<provider>/: deliveries from the WeChat, SMS and chat providers.

No login and no CSRF token (the provider cannot have one): each delivery is trusted only
when its signature checks out with the provider's secret. A provider without its secret
is switched off (404), never open. A bad signature or stale timestamp is 403 and writes
nothing."""

import logging

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from aftersales.intake import adapters, inbound

log = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def hook(request, provider):
    adapter = adapters.configured(provider)
    if adapter is None:
        raise Http404
    try:
        adapter.verify(request)
    except adapters.Forbidden as error:
        log.warning(
            "Refused %s webhook from %s: %s", provider, request.META.get("REMOTE_ADDR"), error
        )
        return JsonResponse({"detail": "Signature not valid.", "code": "bad_signature"}, status=403)
    if request.method == "GET":
        return adapter.handshake(request) or HttpResponse(status=405)
    try:
        messages = adapter.parse(request)
    except adapters.Malformed as error:
        return JsonResponse(
            {"detail": f"Body not readable: {error}.", "code": "invalid"}, status=400
        )
    duplicates = 0
    for message in messages:
        _entry, duplicate = inbound.receive(message)
        duplicates += duplicate
    return adapter.acknowledge(len(messages) - duplicates, duplicates)
