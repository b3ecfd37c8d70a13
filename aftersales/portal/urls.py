"""The customer portal, mounted at /my/ (namespace `portal`)."""

from django.urls import path

from aftersales.portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<str:number>/", views.request_detail, name="request"),
    path("requests/<str:number>/reply/", views.reply, name="reply"),
    path("requests/<str:number>/cancel/", views.cancel, name="cancel"),
    path(
        "requests/<str:number>/quotes/<int:quote_id>/answer/",
        views.quote_answer,
        name="quote_answer",
    ),
    path("units/", views.unit_list, name="units"),
    path("units/register/", views.register_unit, name="register"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("invoices/<int:pk>/", views.invoice, name="invoice"),
    path("new/", views.new_request, name="new"),
    path("new/suggestions/", views.suggestions, name="suggestions"),
    path("new/solved/<int:pk>/", views.solved, name="solved"),
    path("help/", views.help_page, name="help"),
]
