"""JSON API of service requests ("tickets"): intake, edits, workflow, timeline, files."""
