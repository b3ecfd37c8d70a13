"""Proactive care campaigns (/care/, namespace `care`)."""

from django.urls import path

from aftersales.care import views

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("draw/", views.campaign_draw, name="draw"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/send/", views.campaign_send, name="send"),
    path("targets/<int:pk>/contact/", views.target_contact, name="contact"),
]
