"""The customer's satisfaction survey behind its signed link: no login, phone-first.

Tampered, expired and already answered links get a page that says so (never a second
answer, never an error page). Thin: the rules are in `followup.surveys`.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from aftersales.core.errors import DomainError
from aftersales.followup import surveys

PROBLEM_STATUS = {
    surveys.Problem.INVALID: 400,
    surveys.Problem.EXPIRED: 410,
    surveys.Problem.ANSWERED: 410,
}
FIELDS = ("csat", "nps", *surveys.ASPECTS, "text")


def _language(request, link) -> str:
    """The customer's own language, unless they switched language in this browser."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or link.survey is None:
        return request.LANGUAGE_CODE
    return link.survey.customer.language or settings.LANGUAGE_CODE


@require_http_methods(["GET", "POST"])
def answer(request, token):
    link = surveys.read(token)
    language = _language(request, link)
    with translation.override(language):
        context = {"link": link, "values": {}, "nps_range": range(11), "five": range(1, 6)}
        status = PROBLEM_STATUS.get(link.problem, 200)
        if request.method == "POST" and link.answerable:
            values = {name: request.POST.get(name, "") for name in FIELDS}
            try:
                survey = surveys.answer(token, **values)
            except DomainError as error:
                context |= {"error": str(error.message), "field": error.field, "values": values}
                link = surveys.read(token)
                context["link"] = link
                status = PROBLEM_STATUS.get(link.problem, 400)
            else:
                context |= {"done": True, "link": surveys.Link(survey)}
                status = 200
        context["aspects"] = [
            ("timeliness", translation.gettext("Did we come and fix it quickly?")),
            ("attitude", translation.gettext("Was the technician friendly and polite?")),
            ("skill", translation.gettext("Did the technician know the job?")),
        ]
        response = render(request, "followup/survey.html", context, status=status)
    response["Content-Language"] = language
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
