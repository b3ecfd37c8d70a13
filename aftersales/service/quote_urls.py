"""Quotes and charges of a request, and the customer's own quote page (signed link)."""

urlpatterns = []
