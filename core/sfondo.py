"""Work run after the response, in this process, when there is no worker (embedded mode).

`make run` has no Redis and no Celery worker: Celery runs tasks eagerly, inside the request that
queues them, so a long task (the plan's PDF) would hold the page for its whole length. Here such
a task goes to one background thread of the process instead: the request answers at once, and
the page polls the task's progress as it does with a real worker. Tasks run one at a time, in
the order they were queued; each closes its database connections when it ends.

SQLite lets one writer at a time: a task that meets the request's lock (in-memory shared-cache
databases refuse at once, "database table is locked", without waiting) runs again shortly after,
which the tasks allow since they are idempotent.

Production, with a broker, never comes here (settings.PDZ_TASK_IN_SFONDO is off).
"""

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from threading import Lock

from django.db import OperationalError, connections

logger = logging.getLogger(__name__)

_esecutore: ThreadPoolExecutor | None = None
_blocco = Lock()


def _esecutore_del_processo() -> ThreadPoolExecutor:
    global _esecutore
    with _blocco:
        if _esecutore is None:
            _esecutore = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdz-sfondo")
        return _esecutore


TENTATIVI_SE_BLOCCATO = 50
PAUSA_SE_BLOCCATO = 0.1


def _bloccato(errore: OperationalError) -> bool:
    return "locked" in str(errore)


def _esegui(funzione, args, kwargs):
    try:
        for tentativo in range(1, TENTATIVI_SE_BLOCCATO + 1):
            try:
                return funzione(*args, **kwargs)
            except OperationalError as errore:
                if not _bloccato(errore) or tentativo == TENTATIVI_SE_BLOCCATO:
                    raise
                logger.info("Attività in sfondo: database occupato, nuovo tentativo")
                time.sleep(PAUSA_SE_BLOCCATO)
    except Exception:
        logger.exception("Attività in sfondo non riuscita: %s", getattr(funzione, "__name__", ""))
        raise
    finally:
        # The thread's own connections: the request's are untouched.
        connections.close_all()


def in_sfondo(funzione, *args, **kwargs) -> Future:
    """Run `funzione(*args, **kwargs)` in the process's background thread; return its Future."""
    return _esecutore_del_processo().submit(_esegui, funzione, args, kwargs)
