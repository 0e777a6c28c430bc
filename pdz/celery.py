import gc
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


@signals.worker_before_create_process.connect
def _congela_prima_del_fork(**kwargs):
    """Before each pool process is forked (the first ones, and each one that replaces a process
    past CELERY_WORKER_MAX_MEMORY_PER_CHILD), what the main process holds moves to the garbage
    collector's permanent generation. A rendering allocates millions of objects, and each full
    collection in the child would otherwise walk Django's, Celery's and WeasyPrint's modules as
    well, writing to their pages, which the child then copies instead of sharing them."""
    gc.freeze()
