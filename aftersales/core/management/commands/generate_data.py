"""`manage.py generate_data --requests N`: a large, realistic data set for benchmarks."""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from aftersales.core.scale.generator import generate


class Command(BaseCommand):
    help = (
        "Write N service requests received over the last three years, with their "
        "customers, units, visits, surveys, fault codes and timeline events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--now",
            type=datetime.datetime.fromisoformat,
            help="End of the three years (ISO 8601 with time zone); default: now.",
        )

    def handle(self, *args, requests, seed, batch, no_progress, now, **options):
        if requests < 1:
            raise CommandError("--requests must be at least 1.")
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if no_progress:
                return
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(total=total, desc=stage, unit="rows", file=sys.stderr)
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        result = generate(requests, seed=seed, now=now, progress=progress, batch=batch)
        self.stdout.write(
            f"{result.requests} requests, {result.customers} customers, {result.units} units, "
            f"{result.visits} visits, {result.surveys} surveys, {result.events} events "
            f"in {result.seconds:.1f} s ({result.per_second:.0f} requests/s)"
        )
