"""The staff web UI. Each app contributes its pages in `<app>/urls.py`."""

from django.urls import include, path

urlpatterns = [
    path("", include("aftersales.core.urls")),
    path("accounts/", include("aftersales.accounts.urls")),
    path("requests/", include(("aftersales.service.urls", "service"))),
    path("customers/", include(("aftersales.customers.urls", "customers"))),
    path("units/", include(("aftersales.assets.urls", "assets"))),
    path("warranty/", include(("aftersales.warranty.urls", "warranty"))),
    path("sla/", include(("aftersales.sla.urls", "sla"))),
    path("notifications/", include(("aftersales.notifications.urls", "notifications"))),
    path("escalations/", include(("aftersales.escalations.urls", "escalations"))),
    path("network/", include(("aftersales.field.urls", "field"))),
    path("visits/", include(("aftersales.dispatch.urls", "dispatch"))),
    path("dispatch/", include(("aftersales.dispatch.board_urls", "board"))),
    path("settlement/", include(("aftersales.settlement.urls", "settlement"))),
    path("parts/", include(("aftersales.parts.urls", "parts"))),
    path("returns/", include(("aftersales.returns.urls", "returns"))),
    path("follow-ups/", include(("aftersales.followup.urls", "followup"))),
    path("complaints/", include(("aftersales.complaints.urls", "complaints"))),
    path("care/", include(("aftersales.care.urls", "care"))),
    path("kb/", include(("aftersales.kb.urls", "kb"))),
    path("inbox/", include(("aftersales.inbox.urls", "inbox"))),
    path("help/", include(("aftersales.intake.urls", "intake"))),
    path("my/", include(("aftersales.portal.urls", "portal"))),
    path("quality/", include(("aftersales.analytics.urls", "analytics"))),
    path("faults/", include(("aftersales.faults.urls", "faults"))),
    path("", include(("aftersales.followup.survey_urls", "survey"))),
    path("", include(("aftersales.service.quote_urls", "quotes"))),
]
