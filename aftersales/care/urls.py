"""Proactive care campaigns (/care/, namespace `care`)."""

from django.urls import path

from aftersales.care import key_account_views, views

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("draw/", views.campaign_draw, name="draw"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/send/", views.campaign_send, name="send"),
    path("targets/<int:pk>/contact/", views.target_contact, name="contact"),
    path("key-accounts/", key_account_views.key_account_list, name="key_accounts"),
    path(
        "key-accounts/export/<str:fmt>/",
        key_account_views.key_account_export,
        name="key_account_export",
    ),
    path("key-accounts/<int:pk>/", key_account_views.key_account_detail, name="key_account"),
]
