"""The returns pages (/returns/, namespace `returns`)."""

urlpatterns = []
