"""Visits (work orders) and their day plans."""
