"""Work run after the response, in this process, when there is no worker (embedded mode).

`make run` has no Redis and no Celery worker: Celery runs tasks eagerly, inside the request that
queues them, so a long task (the plan's PDF) would hold the page for its whole length. Here such
a task goes to one background thread of the process instead: the request answers at once, and
the page polls the task's progress as it does with a real worker. Tasks run one at a time, in
the order they were queued; each closes its database connections when it ends.

Production, with a broker, never comes here (settings.PDZ_TASK_IN_SFONDO is off).
"""

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from threading import Lock

from django.db import connections

logger = logging.getLogger(__name__)

_esecutore: ThreadPoolExecutor | None = None
_blocco = Lock()


def _esecutore_del_processo() -> ThreadPoolExecutor:
    global _esecutore
    with _blocco:
        if _esecutore is None:
            _esecutore = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdz-sfondo")
        return _esecutore


def _esegui(funzione, args, kwargs):
    try:
        return funzione(*args, **kwargs)
    except Exception:
        logger.exception("Attività in sfondo non riuscita: %s", getattr(funzione, "__name__", ""))
        raise
    finally:
        # The thread's own connections: the request's are untouched.
        connections.close_all()


def in_sfondo(funzione, *args, **kwargs) -> Future:
    """Run `funzione(*args, **kwargs)` in the process's background thread; return its Future."""
    return _esecutore_del_processo().submit(_esegui, funzione, args, kwargs)
