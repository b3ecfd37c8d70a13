"""The parts pages (/parts/, namespace `parts`)."""

urlpatterns = []
