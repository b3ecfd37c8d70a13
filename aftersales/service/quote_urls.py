"""Quotes and charges of a request, and the customer's own quote page (signed link)."""

from django.urls import path

from aftersales.service import quote_views as views

REQUEST = "requests/<str:number>/"
QUOTE = f"{REQUEST}quotes/<int:quote_id>/"
CHARGE = f"{REQUEST}charges/<int:charge_id>/"

urlpatterns = [
    path(f"{REQUEST}quotes/new/", views.quote_create, name="create"),
    path(f"{REQUEST}quotes/part/", views.part_defaults, name="part_defaults"),
    path(f"{QUOTE}edit/", views.quote_edit, name="edit"),
    path(f"{QUOTE}lines/", views.line_add, name="line_add"),
    path(f"{QUOTE}lines/<int:line_id>/remove/", views.line_remove, name="line_remove"),
    path(f"{QUOTE}send/", views.quote_send, name="send"),
    path(f"{QUOTE}answer/", views.quote_answer, name="answer"),
    path(f"{QUOTE}withdraw/", views.quote_withdraw, name="withdraw"),
    path(f"{REQUEST}charges/record/", views.charge_record, name="charge_record"),
    path(f"{CHARGE}pay/", views.charge_pay, name="charge_pay"),
    path(f"{CHARGE}waive/", views.charge_waive, name="charge_waive"),
    path(f"{REQUEST}service-form.pdf", views.service_form, name="service_form"),
    path("q/<str:token>/", views.customer_quote, name="customer"),
]
