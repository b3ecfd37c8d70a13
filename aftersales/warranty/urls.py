"""Warranty administration pages (policies, plans, contracts, supplier cover, claims)."""

urlpatterns = []
