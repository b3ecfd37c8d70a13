"""Knowledge base (/kb/, namespace `kb`)."""

from django.urls import path

from aftersales.kb import views

urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_create, name="create"),
    path("suggest/", views.suggest, name="suggest"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/versions/", views.article_versions, name="versions"),
    path("<int:pk>/solved/", views.article_solved, name="solved"),
]
