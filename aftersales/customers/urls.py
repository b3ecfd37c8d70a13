from django.urls import path

from aftersales.customers import views

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/reviewed/", views.reviewed, name="reviewed"),
]
