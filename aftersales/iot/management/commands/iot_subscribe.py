"""manage.py iot_subscribe: store what units publish over MQTT (run beside the workers)."""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from aftersales.iot.subscriber import Subscriber


class Command(BaseCommand):
    help = _(
        "Subscribe to the units' MQTT topics (MQTT_URL, IOT_TOPIC_PREFIX/<serial>) and store "
        "their readings. Runs until stopped (Ctrl-C or SIGTERM); one per broker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--client-id",
            default=settings.IOT_CLIENT_ID,
            help=_("MQTT client id; keep it fixed so that the broker keeps the session."),
        )
        parser.add_argument("--url", default=settings.MQTT_URL, help=_("Broker URL."))
        parser.add_argument(
            "--batch-size", type=int, default=200, help=_("Messages stored per transaction.")
        )

    def handle(self, *args, client_id, url, batch_size, **options):
        subscriber = Subscriber(url=url, client_id=client_id, batch_size=batch_size)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_args: subscriber.stopping.set())
        self.stdout.write(
            _("Subscribing to %(topic)s on %(host)s:%(port)s as %(client)s")
            % {
                "topic": subscriber.topic,
                "host": subscriber.broker.host,
                "port": subscriber.broker.port,
                "client": client_id,
            }
        )
        subscriber.run()
        self.stdout.write(_("Stopped."))
