"""The outbox list's filters, shared by the web page and any API list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.notifications.models import Channel, Event, OutboundMessage, Status


class OutboxFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    event = django_filters.ChoiceFilter(label=_("Event"), choices=Event.choices)
    q = django_filters.CharFilter(label=_("Recipient or request"), method="search")

    class Meta:
        model = OutboundMessage
        fields = ["status", "channel", "event"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(to_address__icontains=value)
            | Q(request__number__iexact=value)
            | Q(customer__name__icontains=value)
        )
