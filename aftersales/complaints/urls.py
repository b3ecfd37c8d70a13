"""The complaints pages (/complaints/, namespace `complaints`)."""

urlpatterns = []
