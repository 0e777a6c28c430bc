"""What the health endpoints check: the database, Redis and the Celery worker.

Each check answers "ok" or "errore" (or, for the worker, "in-process" when there is no broker and
tasks run in the calling process), and never raises: a broken part is reported, not a 500.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

from .celery import app as celery_app

logger = logging.getLogger(__name__)

OK = "ok"
ERRORE = "errore"
IN_PROCESS = "in-process"

# A worker that answered is taken as alive for this long: an orchestrator polling every few
# seconds costs one broadcast per half minute, shared by every web process through the cache.
WORKER_CACHE_KEY = "salute:worker"
WORKER_OK_SECONDS = 30
# A silent worker is asked again sooner, so that readiness turns green soon after it starts.
WORKER_SILENT_SECONDS = 5
# A live worker answers a ping within milliseconds; a busy prefork pool still answers (the
# control channel is served by the main process), so one second means "none is listening".
PING_TIMEOUT_SECONDS = 1.0


def database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as errore:
        logger.warning("Controllo di salute: il database non risponde: %s", errore)
        return ERRORE
    return OK


def redis() -> str:
    import redis as redis_client

    try:
        redis_client.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        ).ping()
    except redis_client.RedisError as errore:
        logger.warning("Controllo di salute: Redis non risponde: %s", errore)
        return ERRORE
    return OK


def worker() -> str:
    """Whether a Celery worker answered a ping within the last WORKER_OK_SECONDS."""
    if celery_app.conf.task_always_eager:
        return IN_PROCESS
    stato = _cache_get(WORKER_CACHE_KEY)
    if stato is not None:
        return stato
    try:
        risposte = celery_app.control.ping(timeout=PING_TIMEOUT_SECONDS, limit=1)
    except Exception as errore:
        # Whatever the broker library raises when it cannot deliver the broadcast.
        logger.warning("Controllo di salute: il ping ai worker Celery non è partito: %s", errore)
        risposte = []
    stato = OK if risposte else ERRORE
    _cache_set(WORKER_CACHE_KEY, stato, WORKER_OK_SECONDS if risposte else WORKER_SILENT_SECONDS)
    return stato


def _cache_get(key):
    # The cache is Redis too: a cache that fails must not turn a check into an exception.
    try:
        return cache.get(key)
    except Exception:
        return None


def _cache_set(key, value, timeout):
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("Controllo di salute: la cache non accetta lo stato del worker")


def liveness() -> dict[str, str]:
    stato = {"database": database()}
    if settings.REDIS_URL:
        stato["redis"] = redis()
    return stato


def readiness() -> dict[str, str]:
    stato = liveness()
    # Without Redis no task reaches a worker: there is nothing to ask it.
    stato["worker"] = worker() if stato.get("redis", OK) == OK else ERRORE
    return stato


def all_ok(stato: dict[str, str]) -> bool:
    return all(valore in (OK, IN_PROCESS) for valore in stato.values())
