"""manage.py run_periodic: run the periodic jobs that are due, once or in a loop.

Without a broker the web process runs them by itself; this command is for running them
from cron or a separate process, or for running one job now (`--force`).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aftersales.core import background


class Command(BaseCommand):
    help = _(
        "Run the periodic jobs that are due (all, or the ones named), once or with --loop "
        "until stopped. A job runs once per interval across all processes."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help=_("Only these jobs (e.g. heartbeat)."))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Run the named jobs even if they are not due (never two runs at once)."),
        )
        parser.add_argument(
            "--loop",
            action="store_true",
            help=_("Keep running, waking when the next job is due, until interrupted."),
        )

    def handle(self, *args, names, force, loop, verbosity=1, **options):
        if force and not names:
            raise CommandError(_("--force needs the names of the jobs to run."))
        failed = False
        try:
            while True:
                try:
                    result = background.periodic_pass(names or None, force=force)
                except LookupError as error:
                    raise CommandError(str(error)) from error
                for run in result.runs:
                    failed = failed or not run.ok
                    if verbosity:
                        self._report(run)
                if not loop:
                    break
                force = False  # a forced job runs once, then keeps its interval
                time.sleep(result.next_in)
        except KeyboardInterrupt:
            pass
        if failed and not loop:
            raise CommandError(_("A periodic job failed; its error is logged above."))

    def _report(self, run):
        if run.ok:
            self.stdout.write(_("%(name)s: done.") % {"name": run.name})
        else:
            last_line = run.error.strip().splitlines()[-1] if run.error.strip() else ""
            self.stderr.write(
                _("%(name)s: failed: %(error)s") % {"name": run.name, "error": last_line}
            )
