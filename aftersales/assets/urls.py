from django.urls import path

from aftersales.assets import views

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("new/", views.unit_create, name="create"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/entitlement/", views.unit_entitlement, name="entitlement"),
    path("<int:pk>/transfer/", views.unit_transfer, name="transfer"),
]
