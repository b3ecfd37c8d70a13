"""Preventive maintenance (/maintenance/, namespace `maintenance`)."""

urlpatterns: list = []
