"""Remote monitoring (/monitoring/, namespace `iot`)."""

urlpatterns: list = []
