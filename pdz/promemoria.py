"""The periodic jobs without celery beat: the embedded default (`make run`: no Redis, no beat).

`esegui_tutti()` runs once every job of settings.CELERY_BEAT_SCHEDULE, in this process: each is
idempotent (a reminder goes once per person and key, the digest takes only what waits for it),
so running them all often is safe, and what is not due yet does nothing. `manage.py promemoria`
calls it (for cron), and so does a thread of `manage.py runserver` in embedded mode, every
PDZ_PROMEMORIA_INTERVALLO_S seconds, through the process's background thread (core/sfondo.py).

Here, in the project, because it calls every app's tasks by their names.
"""

import logging
import os
import sys
import threading

from django.conf import settings
from django.utils.module_loading import import_string

from core.sfondo import in_sfondo

logger = logging.getLogger(__name__)

_avviato = threading.Event()


def esegui_tutti() -> dict[str, object]:
    """Run each periodic job once; one that fails is logged and the others still run."""
    esiti = {}
    for nome, voce in settings.CELERY_BEAT_SCHEDULE.items():
        try:
            esiti[nome] = import_string(voce["task"])()
        except Exception:
            logger.exception("Lavoro periodico non riuscito: %s", nome)
            esiti[nome] = None
    return esiti


def _ciclo(intervallo: float, fermo: threading.Event) -> None:
    while not fermo.wait(intervallo):
        in_sfondo(esegui_tutti)


def avvia_in_processo(intervallo: float | None = None) -> threading.Event | None:
    """Start, once per process, the thread that runs the periodic jobs; returns the event that
    stops it."""
    if _avviato.is_set():
        return None
    _avviato.set()
    fermo = threading.Event()
    intervallo = intervallo or settings.PDZ_PROMEMORIA_INTERVALLO_S
    threading.Thread(
        target=_ciclo, args=(intervallo, fermo), name="pdz-promemoria", daemon=True
    ).start()
    logger.info("Promemoria nel processo: ogni %s secondi (nessun celery beat)", intervallo)
    return fermo


def avvia_se_runserver(argv=None) -> bool:
    """From PdzConfig.ready(): only `manage.py runserver`, only in embedded mode (no broker,
    tasks in the process), and only in the process that serves (the autoreloader's child)."""
    argv = sys.argv if argv is None else argv
    if argv[1:2] != ["runserver"]:
        return False
    if not (settings.PDZ_PROMEMORIA_IN_PROCESSO and settings.CELERY_TASK_ALWAYS_EAGER):
        return False
    if os.environ.get("RUN_MAIN") != "true" and "--noreload" not in argv:
        return False
    return avvia_in_processo() is not None
