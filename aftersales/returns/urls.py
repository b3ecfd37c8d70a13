"""The returns pages (/returns/, namespace `returns`)."""

from django.urls import path

from aftersales.returns import views

urlpatterns = [
    path("", views.return_list, name="list"),
    path("export/<str:fmt>/", views.return_export, name="export"),
    path("start/<str:request_number>/", views.return_start, name="start"),
    path("rma/<str:number>/", views.return_detail, name="detail"),
    path("rma/<str:number>/<str:step>/", views.return_step, name="step"),
    path("deductions/", views.deduction_list, name="deductions"),
    path("deductions/new/", views.deduction_create, name="deduction_create"),
    path("deductions/<int:pk>/edit/", views.deduction_edit, name="deduction_edit"),
    path("trade-in/", views.trade_in, name="trade_in"),
    path("trade-in/credits/<str:number>/use/", views.credit_use, name="credit_use"),
    path("trade-in/rates/", views.rate_list, name="rates"),
    path("trade-in/rates/new/", views.rate_create, name="rate_create"),
    path("trade-in/rates/<int:pk>/edit/", views.rate_edit, name="rate_edit"),
]
