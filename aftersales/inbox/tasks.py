"""Background jobs of the email channel (scheduled in aftersales/celery.py)."""

from celery import shared_task

from aftersales.inbox import imap


@shared_task(name="aftersales.inbox.tasks.poll_mailboxes")
def poll_mailboxes() -> dict[str, int]:
    """Fetch new mail from every mailbox read over IMAP; a server that is down is
    recorded on its mailbox and tried again next time."""
    return {address: polled.fetched for address, polled in imap.poll_all().items()}
