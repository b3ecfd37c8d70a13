"""Background work: hand a task to the workers, or run it in this process without a broker.

Interface every app uses (the implementation behind it is Celery with a broker, or an
in-process runner when `CELERY_BROKER_URL` is empty, so `make run` stays one command):

    enqueue(task, *args, **kwargs)   # after the current transaction commits

`task` is a Celery task (`@shared_task`). Tests run tasks inline.
"""

from django.db import transaction


def enqueue(task, *args, **kwargs) -> None:
    """Run `task(*args, **kwargs)` in the background once the current transaction commits."""
    transaction.on_commit(lambda: task.apply(args=args, kwargs=kwargs))
