"""Reads for the mailbox pages and the API, each in a fixed number of queries."""

from django.db.models import Count, Q

from aftersales.inbox.models import InboundMail, Mailbox, Outcome


def mailboxes():
    """Every mailbox with its team and how much mail it received (and flagged)."""
    return Mailbox.objects.select_related("team").annotate(
        mail_count=Count("mails"), flagged_count=Count("mails", filter=Q(mails__flagged=True))
    )


def mails(params=None):
    """Received mail, newest first, filtered by `mailbox`, `outcome`, `flagged`, `request`
    (a number) and `q` (sender or subject)."""
    rows = InboundMail.objects.select_related("mailbox", "request", "outbound")
    params = params or {}
    if mailbox := str(params.get("mailbox") or ""):
        rows = rows.filter(mailbox_id=int(mailbox)) if mailbox.isdigit() else rows.none()
    if (outcome := params.get("outcome")) in Outcome.values:
        rows = rows.filter(outcome=outcome)
    if params.get("flagged") in ("1", "on", "true"):
        rows = rows.filter(flagged=True)
    if number := (params.get("request") or "").strip():
        rows = rows.filter(request__number__iexact=number)
    if q := (params.get("q") or "").strip():
        rows = rows.filter(Q(from_address__icontains=q) | Q(subject__icontains=q))
    return rows.order_by("-received_at", "-id")


def origin_of(request):
    """The mail a request was opened from (None when it came another way)."""
    return (
        InboundMail.objects.filter(request=request, outcome__in=(Outcome.CREATED, Outcome.REOPENED))
        .select_related("mailbox")
        .order_by("received_at", "id")
        .first()
    )
