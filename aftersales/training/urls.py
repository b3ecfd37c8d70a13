"""Training (/training/, namespace `training`)."""

urlpatterns: list = []
