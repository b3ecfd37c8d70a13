"""The email channel's pages (/inbox/, namespace `inbox`)."""

from django.urls import path

from aftersales.inbox import views

urlpatterns = [
    path("", views.home, name="home"),
    path("mailboxes/new/", views.mailbox_edit, name="mailbox_create"),
    path("mailboxes/<int:pk>/", views.mailbox_edit, name="mailbox_edit"),
    path("mails/", views.mail_list, name="mail_list"),
    path("mails/<int:pk>/", views.mail_detail, name="mail_detail"),
    path("mails/<int:pk>/raw/", views.mail_raw, name="mail_raw"),
]
