from django.urls import path

from aftersales.escalations import views

urlpatterns = [
    path("", views.rule_list, name="rule_list"),
    path("new/", views.rule_create, name="rule_create"),
    path("<int:pk>/", views.rule_edit, name="rule_edit"),
]
