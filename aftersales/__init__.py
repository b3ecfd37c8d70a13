"""aftersales: after-sales service management.

The Celery app is loaded with Django so that `@shared_task` functions bind to it
(the standard Django and Celery layout).
"""

from aftersales.celery import app as celery_app

__all__ = ("celery_app",)
