"""The parts pages (/parts/, namespace `parts`)."""

from django.urls import path

from aftersales.parts import views

urlpatterns = [
    path("", views.stock_list, name="home"),
    path("stock/", views.stock_list, name="stock_list"),
    path("stock/export/<str:fmt>/", views.stock_export, name="stock_export"),
    path("locations/", views.location_list, name="location_list"),
    path("locations/<int:pk>/", views.location_detail, name="location_detail"),
    path("locations/<int:pk>/reorder-point/", views.rule_save, name="rule_save"),
    path("part/<int:pk>/", views.part_detail, name="part_detail"),
    path("moves/", views.move_list, name="move_list"),
    path("moves/new/", views.move_create, name="move_create"),
    path("moves/export/<str:fmt>/", views.move_export, name="move_export"),
    path("replenishment/", views.replenishment, name="replenishment"),
    path(
        "replenishment/export/<str:fmt>/",
        views.replenishment_export,
        name="replenishment_export",
    ),
    path("defective/", views.defective_list, name="defective_list"),
    path("defective/export/<str:fmt>/", views.defective_export, name="defective_export"),
    path("defective/<int:pk>/close/", views.defective_close, name="defective_close"),
    path("defective/<int:pk>/claim/", views.defective_claim, name="defective_claim"),
    path("request/<str:number>/reserve/", views.request_reserve, name="request_reserve"),
    path("request/<str:number>/use/", views.request_use, name="request_use"),
    path("request/<str:number>/faulty/", views.request_faulty, name="request_faulty"),
    path(
        "reservations/<int:pk>/<str:action>/",
        views.reservation_action,
        name="reservation_action",
    ),
]
