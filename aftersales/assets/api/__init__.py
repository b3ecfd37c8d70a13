"""JSON API of the installed base: units by serial number, with their warranty dates."""
