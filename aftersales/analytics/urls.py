from django.urls import path

from aftersales.analytics import report_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("me/", views.scorecard, name="me"),
    path("partners/", views.partners, name="partners"),
    path("requests/", views.requests_behind, name="requests"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/<int:pk>/pdf/", report_views.report_pdf, name="report_pdf"),
]
