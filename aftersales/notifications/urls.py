"""Notification pages: message templates, the outbox, and retry / cancel of a message."""

from django.urls import path

from aftersales.notifications import views

urlpatterns = [
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/preview/", views.template_preview, name="template_preview"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("outbox/", views.outbox, name="outbox"),
    path("messages/<int:pk>/retry/", views.message_retry, name="message_retry"),
    path("messages/<int:pk>/cancel/", views.message_cancel, name="message_cancel"),
]
