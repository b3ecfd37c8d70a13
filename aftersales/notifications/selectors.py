"""Read-side queries of the notification pages and API, each a bounded number of queries."""

from django.db.models import QuerySet

from aftersales.notifications.models import (
    Channel,
    Event,
    Language,
    MessageTemplate,
    OutboundMessage,
)


def messages_for_request(request) -> list[OutboundMessage]:
    """The messages sent (or to be sent) about service request `request`, newest first,
    with their recipients: one query."""
    return list(
        OutboundMessage.objects.filter(request_id=request.pk)
        .select_related("user", "customer")
        .order_by("-created_at", "-id")
    )


def outbox() -> QuerySet[OutboundMessage]:
    """Every message with what a list row shows, newest first."""
    return OutboundMessage.objects.select_related("request", "user", "customer").order_by(
        "-created_at", "-id"
    )


def template_grid() -> list[dict]:
    """One row per event with a cell per channel × language: the template or None. One query."""
    found = {(t.event, t.channel, t.language): t for t in MessageTemplate.objects.all()}
    return [
        {
            "event": event,
            "label": label,
            "cells": [
                {
                    "channel": channel,
                    "language": language,
                    "template": found.get((event, channel, language)),
                }
                for channel in Channel.values
                for language in Language.values
            ],
        }
        for event, label in Event.choices
    ]
