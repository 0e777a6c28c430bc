import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pdz.settings")

app = Celery("pdz")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _logging_del_portale(**kwargs):
    """The worker logs as the portal does (settings.LOGGING: JSON lines with the task id,
    failures to ADMINS): a receiver here tells Celery to leave the logging alone."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
