"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.inbox.api.views import MailboxViewSet, MailViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("inbox/mailboxes", MailboxViewSet, "inbox-mailbox"),
    ("inbox/mails", MailViewSet, "inbox-mail"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS: list = []
