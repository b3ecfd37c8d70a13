"""Partner settlement (网点结算): fee rates, accruals per completed visit, statements."""

from django.urls import path

from aftersales.settlement import views

urlpatterns = [
    path("", views.statement_list, name="home"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/build/", views.statement_build, name="statement_build"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/rebuild/", views.statement_rebuild, name="statement_rebuild"),
    path("statements/<int:pk>/approve/", views.statement_approve, name="statement_approve"),
    path(
        "statements/<int:pk>/export/<str:fmt>/",
        views.statement_export,
        name="statement_export",
    ),
    path("piece-work/", views.piece_work, name="piece_work"),
    path("piece-work/export/<str:fmt>/", views.piece_work_export, name="piece_work_export"),
    path("rates/", views.rate_list, name="rate_list"),
    path("rates/new/", views.rate_create, name="rate_create"),
    path("rates/<int:pk>/edit/", views.rate_edit, name="rate_edit"),
]
