from django.urls import path

from aftersales.service import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("save-default/", views.save_queue_default, name="save_default"),
    path("call/", views.call, name="call"),
    path("call/lookup/", views.call_lookup, name="call_lookup"),
    path("call/pick/", views.call_pick, name="call_pick"),
    path("mine/", views.customer_home, name="customer_home"),
    path("files/<str:token>/", views.attachment, name="attachment"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/edit/", views.edit, name="edit"),
    path("<str:number>/transition/", views.transition, name="transition"),
    path("<str:number>/comment/", views.comment, name="comment"),
    path("<str:number>/fault-cause/", views.set_fault_cause, name="fault_cause"),
    path("<str:number>/call/", views.log_call, name="log_call"),
    path("<str:number>/attach/", views.upload, name="upload"),
]
