"""manage.py receive_mail [--host H] [--port P]: the SMTP receiver for our mailboxes."""

import os
import signal
import threading

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from aftersales.inbox import smtpd
from aftersales.inbox.models import Mailbox


class Command(BaseCommand):
    help = _(
        "Receive mail over SMTP for the active mailboxes and turn it into requests and "
        "messages. Runs until stopped (Ctrl-C or SIGTERM)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default=os.environ.get("INBOX_SMTP_HOST", "127.0.0.1"),
            help=_("Address to listen on (default 127.0.0.1; 0.0.0.0 for all)."),
        )  # fmt: skip
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("INBOX_SMTP_PORT", "2525")),
            help=_("Port to listen on (default 2525; 25 needs root)."),
        )  # fmt: skip

    def handle(self, *args, host, port, **options):
        addresses = list(Mailbox.objects.filter(active=True).values_list("address", flat=True))
        server = smtpd.controller(host, port)
        server.start()
        self.stdout.write(
            _("Receiving mail on %(host)s:%(port)s for: %(addresses)s")
            % {"host": host, "port": port, "addresses": ", ".join(addresses) or _("(none yet)")}
        )
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_args: stop.set())
        try:
            stop.wait()
        finally:
            server.stop()
            self.stdout.write(_("Stopped."))
