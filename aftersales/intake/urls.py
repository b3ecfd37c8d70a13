"""The public help pages and this app's staff pages (/help/, namespace `intake`)."""

from django.urls import path

from aftersales.intake import pages, staff_views, views

urlpatterns = [
    path("", views.help_form, name="help"),
    path("sent/", views.sent, name="sent"),
    path("unit/", views.unit_lookup, name="unit"),
    path("suggest/", views.suggest, name="suggest"),
    path("articles/<int:pk>/", pages.article, name="article"),
    path("articles/<int:pk>/solved/", pages.solved, name="solved"),
    path("articles/<int:pk>/thanks/", pages.thanks, name="thanks"),
    path("guides/", pages.guides, name="guides"),
    path("messages/", staff_views.inbound_messages, name="messages"),
    path("deflections/", staff_views.deflections, name="deflections"),
]
