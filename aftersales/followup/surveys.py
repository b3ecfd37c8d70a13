"""The satisfaction survey: its signed link, sending it, reading it, and the answer.

The link is `/s/<token>/`, the token a signature over the survey's id (no login; the
signature is the proof). A survey is answered once: a replayed or tampered link, or one
past its expiry, gets a page saying so. A low score (CSAT ≤ 2 or NPS ≤ 6) alerts the
team lead and opens a recovery follow-up for them.
"""

import contextlib
import datetime
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Conflict, DomainError
from aftersales.followup.models import FollowUp, Method, Purpose, Status, Survey
from aftersales.notifications.services import notify, site_link
from aftersales.service.choices import EventKind, Visibility
from aftersales.service.models import TimelineEvent

SALT = "aftersales.followup.survey"
LINK_DAYS = 14
LOW_CSAT = 2
LOW_NPS = 6
# Scores of 1–5 besides CSAT, in the order the page asks them.
ASPECTS = ("timeliness", "attitude", "skill")


def visible_surveys(user):
    """Surveys of the requests `user` may see, for staff who work follow-ups."""
    from aftersales.followup.services import can_work
    from aftersales.service.access import visible_requests

    if not can_work(user):
        return Survey.objects.none()
    return Survey.objects.filter(request__in=visible_requests(user))


def token_for(survey: Survey) -> str:
    return signing.Signer(salt=SALT).sign_object({"s": survey.pk})


def url_for(survey: Survey) -> str:
    return site_link("survey:answer", token_for(survey))


def _last_visit(request):
    from aftersales.dispatch.models import Visit, VisitStatus

    return (
        Visit.objects.filter(request=request, status=VisitStatus.COMPLETED)
        .select_related("technician", "center")
        .order_by("-checked_out_at", "-id")
        .first()
    )


@transaction.atomic
def send(request, *, followup: FollowUp | None = None, now=None) -> Survey:
    """Send the request's survey link to its customer (again, if not yet answered)."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().filter(request=request).first()
    if survey is not None and survey.answered:
        raise Conflict(_("The customer has already answered this request's survey."))
    if survey is None:
        visit = _last_visit(request)
        try:
            with transaction.atomic():
                survey = Survey.objects.create(
                    request=request,
                    followup=followup,
                    customer=request.customer,
                    technician=visit.technician if visit else None,
                    center=visit.center if visit else None,
                    sent_at=now,
                    expires_at=now + datetime.timedelta(days=LINK_DAYS),
                )
        except IntegrityError:  # sent at the same moment by another worker
            return Survey.objects.get(request=request)
    else:
        survey.sent_at, survey.expires_at = now, now + datetime.timedelta(days=LINK_DAYS)
        survey.save(update_fields=["sent_at", "expires_at"])
    notify(
        "follow_up",
        request=request,
        customer=request.customer,
        context={"survey_url": url_for(survey)},
        dedupe_key=f"survey:{survey.pk}:{survey.sent_at.isoformat()}",
    )
    return survey


@transaction.atomic
def send_instead_of_calling(followup: FollowUp, actor) -> Survey:
    """The agent sends the survey link rather than call (or after a call that did not
    reach the customer); the follow-up is done."""
    from aftersales.followup.services import check_work

    check_work(actor, followup)
    locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if locked.status != Status.OPEN:
        raise Conflict(_("This follow-up is already finished."))
    survey = send(locked.request, followup=locked)
    locked.status, locked.completed_at, locked.completed_by = Status.DONE, timezone.now(), actor
    locked.version += 1
    locked.save(update_fields=["status", "completed_at", "completed_by", "version"])
    return survey


def send_due(limit: int = 200) -> int:
    """The periodic job: follow-ups by message whose day has come send their survey link
    and are done. Returns how many were sent."""
    due = FollowUp.objects.filter(
        status=Status.OPEN, method=Method.MESSAGE, due_at__lte=timezone.now()
    ).select_related("request__customer")[:limit]
    sent = 0
    for followup in due:
        with transaction.atomic():
            locked = FollowUp.objects.select_for_update().filter(pk=followup.pk, status=Status.OPEN)
            if not locked.exists():
                continue
            # Answered already (a link an agent sent): nothing more to ask.
            with contextlib.suppress(Conflict):
                send(followup.request, followup=followup)
            locked.update(status=Status.DONE, completed_at=timezone.now())
            sent += 1
    return sent


# --- Reading and answering the link -------------------------------------------------------


class Problem(models.TextChoices):
    INVALID = "invalid", _("This link is not valid")
    EXPIRED = "expired", _("This survey link has expired")
    ANSWERED = "answered", _("You have already answered this survey")


@dataclass(frozen=True)
class Link:
    survey: Survey | None
    problem: str = ""

    @property
    def answerable(self) -> bool:
        return self.survey is not None and not self.problem


def read(token: str) -> Link:
    try:
        pk = int(signing.Signer(salt=SALT).unsign_object(token)["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Link(None, Problem.INVALID)
    survey = (
        Survey.objects.select_related("request", "customer", "technician__user")
        .filter(pk=pk)
        .first()
    )
    if survey is None:
        return Link(None, Problem.INVALID)
    if survey.answered:
        return Link(survey, Problem.ANSWERED)
    if survey.expires_at <= timezone.now():
        return Link(survey, Problem.EXPIRED)
    return Link(survey)


def _score(value, low: int, high: int, field: str, label):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise DomainError(
            _("%(label)s is a number from %(low)s to %(high)s.")
            % {"label": label, "low": low, "high": high},
            field=field,
        )
    return number


def is_low(csat: int | None, nps: int | None) -> bool:
    return (csat is not None and csat <= LOW_CSAT) or (nps is not None and nps <= LOW_NPS)


def answer(token: str, *, csat, nps=None, text: str = "", **aspects) -> Survey:
    """The customer's answer through their link. CSAT is required, the rest optional; a
    second answer (a replayed link, two tabs) is refused."""
    link = read(token)
    if not link.answerable:
        problem = link.problem or Problem.INVALID
        raise Conflict(Problem(problem).label, code=f"survey_{problem}")
    if csat in (None, ""):
        raise DomainError(_("Please choose how satisfied you are, from 1 to 5."), field="csat")
    scores = {
        "csat": _score(csat, 1, 5, "csat", _("Satisfaction")),
        "nps": _score(nps, 0, 10, "nps", _("Would recommend")),
    }
    labels = {"timeliness": _("Timeliness"), "attitude": _("Attitude"), "skill": _("Skill")}
    for name in ASPECTS:
        scores[name] = _score(aspects.get(name), 1, 5, name, labels[name])
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=link.survey.pk)
        if survey.answered:  # the other tab won
            raise Conflict(Problem.ANSWERED.label, code="survey_answered")
        for name, value in scores.items():
            setattr(survey, name, value)
        survey.text = (text or "").strip()[:4000]
        survey.answered_at = timezone.now()
        survey.low_score = is_low(survey.csat, survey.nps)
        survey.save()
        _on_answer(survey)
    return survey


def _on_answer(survey: Survey) -> None:
    request = survey.request
    summary = gettext("Survey answered: satisfaction %(csat)s/5") % {"csat": survey.csat}
    if survey.nps is not None:
        summary += gettext(", would recommend %(nps)s/10") % {"nps": survey.nps}
    if survey.text:
        summary += f". {survey.text}"
    TimelineEvent.objects.create(
        request=request,
        kind=EventKind.SURVEY,
        actor=None,
        body=summary,
        visibility=Visibility.INTERNAL,
        data={"csat": survey.csat, "nps": survey.nps, "low": survey.low_score,
              **{name: getattr(survey, name) for name in ASPECTS}},
        created_at=survey.answered_at,
    )  # fmt: skip
    if survey.low_score:
        open_recovery(survey)


def open_recovery(survey: Survey) -> FollowUp:
    """A low score: a recovery follow-up for the team lead (else the assignee), due the
    next morning, and an alert to them."""
    request = survey.request
    lead = request.team.lead if request.team_id and request.team.lead_id else None
    owner = lead or request.assignee
    due = timezone.now() + datetime.timedelta(hours=18)
    existing = FollowUp.objects.filter(request=request, status=Status.OPEN).first()
    if existing is not None:
        existing.purpose, existing.assignee = Purpose.RECOVERY, owner or existing.assignee
        existing.due_at = min(existing.due_at, due)
        existing.version += 1
        existing.save(update_fields=["purpose", "assignee", "due_at", "version"])
        recovery = existing
    else:
        recovery = FollowUp.objects.create(
            request=request, purpose=Purpose.RECOVERY, method=Method.CALL,
            due_at=due, assignee=owner,
        )  # fmt: skip
    if owner is not None:
        notify(
            "low_score",
            request=request,
            user=owner,
            context={
                "csat": survey.csat,
                "nps": "" if survey.nps is None else survey.nps,
                "comments": survey.text,
                "technician_name": str(survey.technician.user) if survey.technician else "",
                "recovery_url": site_link("followup:detail", recovery.pk),
            },
            dedupe_key=f"low-score:{survey.pk}",
        )
    return recovery
