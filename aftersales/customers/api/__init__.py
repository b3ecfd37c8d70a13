"""JSON API of customers: list, search, read, create and edit customers and their contacts."""
