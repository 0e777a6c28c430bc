"""The plan's PDF made by a real Celery worker, on PostgreSQL and Redis as in production.

These tests start `celery worker` processes on the test database and the test Redis, and kill
them: a rendering interrupted by a dead worker is delivered again and completed (acks_late,
reject_on_worker_lost), and the file it leaves is a valid PDF.

They mean nothing on SQLite (the worker is another process, the test database lives in this
one) and fail there: `make test` deselects them on its SQLite run with `-m "not worker"`.
"""

import io
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote

import pypdf
import pytest
from django.conf import settings
from django.db import connection
from kombu import Connection

from ambiti.demo import carica_periodo
from ambiti.models import AreaPolicy
from pdz.celery import app as celery_app
from piani import services, tasks
from piani.models import RenderPDF
from piani.rendering import richiedi_pdf
from tests.factories import AzioneFactory, ObiettivoFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Stato = RenderPDF.Stato
CELERY = Path(sys.executable).with_name("celery")
ATTESA_MASSIMA = 120
TITOLI = (
    "Trasporto sociale per gli anziani soli",
    "Alloggi a canone concordato per le famiglie",
    "Tirocini di inclusione per giovani fragili",
    "Équipe integrate con l'ASST per la disabilità",
)


def _redis_url():
    return os.environ.get("REDIS_URL") or getattr(settings, "REDIS_URL", "")


@pytest.fixture(autouse=True)
def postgresql_e_redis():
    """Fail, never skip: a run that was meant to test the worker must not pass without it."""
    if connection.vendor != "postgresql":
        pytest.fail(
            "I test del worker richiedono PostgreSQL e Redis (DATABASE_URL=postgres://… "
            "REDIS_URL=redis://…): il database è "
            f"{connection.vendor}. Sulla SQLite si escludono con -m 'not worker'."
        )
    if not _redis_url():
        pytest.fail("I test del worker richiedono Redis: imposta REDIS_URL=redis://….")


@pytest.fixture
def broker(settings, postgresql_e_redis):
    """This process sends tasks to Redis instead of running them, on an empty queue."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    prima = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    _svuota_broker()
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = prima
        _svuota_broker()


def _svuota_broker():
    """No message of an earlier run, waiting or taken by a worker that died, is delivered."""
    celery_app.control.purge()
    with celery_app.connection_for_write() as conn:
        canale = conn.default_channel
        canale.client.delete(canale.unacked_key, canale.unacked_index_key)


def _non_confermati():
    with celery_app.connection_for_write() as conn:
        canale = conn.default_channel
        return canale.client.hlen(canale.unacked_key)


def _scadenza_visibilita():
    """What Redis does when a message's visibility timeout expires: give it back to the queue.

    A worker killed outright cannot reject its message; Redis holds it as delivered but not
    acknowledged (acks_late) and workers put it back in the queue once it has been out for
    longer than the transport's visibility_timeout (one hour unless configured). The test does
    not wait that long: it restores, with a timeout of zero, the messages nobody acknowledged.
    """
    with Connection(celery_app.conf.broker_url, transport_options={"visibility_timeout": 0}) as c:
        c.default_channel.qos.restore_visible(num=100, interval=1)


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    piano = services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )
    aree = list(AreaPolicy.objects.filter(periodo=piano.periodo).order_by("ordine"))
    for numero, titolo in enumerate(TITOLI, start=1):
        obiettivo = ObiettivoFactory(
            ambito=cremasco, codice=f"{numero}.1", titolo=titolo, aree=[aree[numero]]
        )
        AzioneFactory(obiettivo=obiettivo, descrizione=f"Azione dell'obiettivo {numero}")
    return piano


def _database_url():
    """The URL of the test database this process uses (test_…), for the worker."""
    dati = connection.settings_dict
    credenziali = quote(dati["USER"] or "", safe="")
    if dati.get("PASSWORD"):
        credenziali += ":" + quote(dati["PASSWORD"], safe="")
    host = dati.get("HOST") or "127.0.0.1"
    porta = f":{dati['PORT']}" if dati.get("PORT") else ""
    return f"postgres://{credenziali}@{host}{porta}/{quote(dati['NAME'], safe='')}"


class Worker:
    """A `celery worker` subprocess; its output goes to a file, shown when a test fails."""

    def __init__(self, cartella, *, pool="solo", ritardo=None, opzioni=()):
        self.log = Path(cartella) / f"worker-{uuid.uuid4().hex[:8]}.log"
        ambiente = dict(os.environ)
        ambiente.update(
            DJANGO_SETTINGS_MODULE="pdz.settings_test",
            # Read by pdz/settings_test.py: a worker runs what it receives, never in-process.
            PDZ_CELERY_EAGER="0",
            DATABASE_URL=_database_url(),
            REDIS_URL=_redis_url(),
            PYTHONUNBUFFERED="1",
        )
        ambiente.pop(tasks.RITARDO_ENV, None)
        if ritardo is not None:
            ambiente[tasks.RITARDO_ENV] = str(ritardo)
        comando = [
            str(CELERY),
            "-A",
            "pdz",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "-Q",
            "celery",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            f"--hostname=pdz-test-{uuid.uuid4().hex[:8]}@%h",
            *opzioni,
        ]
        with self.log.open("wb") as uscita:
            self.processo = subprocess.Popen(
                comando,
                cwd=settings.BASE_DIR,
                env=ambiente,
                stdout=uscita,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def vivo(self):
        return self.processo.poll() is None

    def figli(self):
        """The pool processes of a prefork worker (from /proc: no psutil here)."""
        figli = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                campi = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(campi[1]) == self.processo.pid:
                figli.append(int(stat.parent.name))
        return figli

    def uccidi(self):
        """SIGKILL, as the kernel's out-of-memory killer or a crashed node would."""
        os.kill(self.processo.pid, signal.SIGKILL)
        self.processo.wait(timeout=10)

    def ferma(self):
        if self.vivo:
            self.processo.terminate()
            with suppress(subprocess.TimeoutExpired):
                self.processo.wait(timeout=15)
        # The pool processes too, if any outlived the main one (same session, started here).
        with suppress(ProcessLookupError):
            os.killpg(self.processo.pid, signal.SIGKILL)
        if self.vivo:
            self.processo.wait(timeout=10)

    def uscita(self):
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""


def _attendi(render_id, condizione, workers, *, descrizione, timeout=ATTESA_MASSIMA):
    """Poll the database until `condizione(render)`; fail early if a worker died or it failed."""
    fine = time.monotonic() + timeout
    visti = []
    while time.monotonic() < fine:
        render = RenderPDF.objects.get(pk=render_id)
        visti.append((render.stato, render.progresso))
        if condizione(render):
            return render, visti
        if render.stato == Stato.FALLITO:
            pytest.fail(f"Il rendering è fallito: {render.errore}\n{workers[-1].uscita()}")
        for worker in workers:
            if not worker.vivo and not getattr(worker, "ucciso", False):
                pytest.fail(f"Il worker è terminato da solo:\n{worker.uscita()}")
        time.sleep(0.2)
    pytest.fail(
        f"Dopo {timeout} s il rendering non è {descrizione}: ultimo stato {visti[-1:]}.\n"
        + "\n---\n".join(w.uscita() for w in workers)
    )


def _verifica_pdf(render):
    contenuto = Path(render.file.path).read_bytes()
    assert contenuto.startswith(b"%PDF-")
    lettore = pypdf.PdfReader(io.BytesIO(contenuto))
    assert len(lettore.pages) == render.pagine
    testo = " ".join(" ".join(p.extract_text() for p in lettore.pages).split())
    for titolo in TITOLI:
        assert titolo in testo, titolo
    return contenuto


def _percorso_finale(render):
    return Path(render.file.storage.path(tasks._nome_interno(render)))


def test_un_worker_vero_genera_il_pdf(broker, piano, ufficio_piano_crema, tmp_path):
    worker = Worker(tmp_path)
    try:
        render = richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
        assert render.stato == Stato.IN_CODA
        render, visti = _attendi(
            render.pk, lambda r: r.stato == Stato.COMPLETATO, [worker], descrizione="completato"
        )
    finally:
        worker.ferma()
    assert (render.progresso, render.tentativi, render.errore) == (100, 1, "")
    progressi = [progresso for _stato, progresso in visti]
    assert progressi == sorted(progressi)
    _verifica_pdf(render)
    # Asked again, the same content is not rendered again, worker or not.
    assert richiedi_pdf(piano=piano, utente=ufficio_piano_crema).pk == render.pk


def _in_stampa(render):
    # The task sleeps (PDZ_RENDER_RITARDO_S) with the PDF typeset, before writing it.
    return render.stato == Stato.IN_CORSO and render.progresso >= tasks.IMPAGINATO


def test_un_worker_ucciso_durante_il_rendering_non_perde_il_lavoro(
    broker, piano, ufficio_piano_crema, tmp_path
):
    primo = Worker(tmp_path, ritardo=60)
    secondo = None
    try:
        render = richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
        finale = _percorso_finale(render)
        finale.unlink(missing_ok=True)  # a file of an earlier run's test database
        _attendi(render.pk, _in_stampa, [primo], descrizione="in stampa")
        primo.uccidi()
        primo.ucciso = True

        render.refresh_from_db()
        assert (render.stato, render.tentativi) == (Stato.IN_CORSO, 1)
        assert not finale.exists()
        # Taken, never acknowledged (acks_late): the broker still holds the message.
        assert _non_confermati() == 1

        secondo = Worker(tmp_path)
        _scadenza_visibilita()
        render, _visti = _attendi(
            render.pk,
            lambda r: r.stato == Stato.COMPLETATO,
            [primo, secondo],
            descrizione="completato dal secondo worker",
        )
    finally:
        primo.ferma()
        if secondo is not None:
            secondo.ferma()
    assert render.tentativi == 2
    assert render.file.name == str(finale.relative_to(settings.MEDIA_ROOT))
    _verifica_pdf(render)
    assert _non_confermati() == 0
    assert sorted(p.name for p in finale.parent.glob(f".{finale.name}.*")) == []


def test_un_processo_del_pool_ucciso_rimette_il_rendering_in_coda(
    broker, piano, ufficio_piano_crema, tmp_path
):
    """Prefork, as `make worker` runs: the main process sees its child die and gives the
    message back to the queue at once (reject_on_worker_lost); the new child renders it."""
    worker = Worker(tmp_path, pool="prefork", ritardo=5)
    try:
        render = richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
        _attendi(render.pk, _in_stampa, [worker], descrizione="in stampa")
        figli = worker.figli()
        assert len(figli) == 1, figli
        os.kill(figli[0], signal.SIGKILL)
        render, _visti = _attendi(
            render.pk,
            lambda r: r.stato == Stato.COMPLETATO,
            [worker],
            descrizione="completato dopo la perdita del processo",
        )
    finally:
        worker.ferma()
    assert render.tentativi == 2
    assert "WorkerLostError" in worker.log.read_text(errors="replace")
    _verifica_pdf(render)


def _figli_stabili(worker):
    """The pool processes once the worker has them all (it forks them after starting)."""
    fine = time.monotonic() + ATTESA_MASSIMA
    while not worker.figli():
        assert time.monotonic() < fine and worker.vivo, worker.uscita()
        time.sleep(0.2)
    return set(worker.figli())


def _sostituiti(worker, prima):
    """Wait until none of the processes `prima` is in the pool any more; return the new ones."""
    fine = time.monotonic() + 30
    while set(worker.figli()) & prima or not worker.figli():
        assert time.monotonic() < fine and worker.vivo, worker.uscita()
        time.sleep(0.2)
    return set(worker.figli())


def test_un_processo_del_pool_sostituito_per_la_memoria_non_perde_nulla(
    broker, piano, ufficio_piano_crema, tmp_path
):
    """settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD: a pool process past the limit is replaced
    once its rendering is done; the rendering stays done (acknowledged, never run again) and the
    next one is done by the replacement. The limit here is 1 KiB, so that every task passes it."""
    from piani.models import Sezione

    worker = Worker(tmp_path, pool="prefork", opzioni=["--max-memory-per-child=1"])
    try:
        processi = _figli_stabili(worker)
        primo = richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
        _attendi(primo.pk, lambda r: r.stato == Stato.COMPLETATO, [worker], descrizione="fatto")
        dopo_il_primo = _sostituiti(worker, processi)
        # Another content of the same plan, so a second rendering.
        Sezione.objects.filter(piano=piano).update(testo="<p>Testo cambiato.</p>")
        secondo = richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
        assert secondo.pk != primo.pk
        _attendi(secondo.pk, lambda r: r.stato == Stato.COMPLETATO, [worker], descrizione="fatto")
        _sostituiti(worker, dopo_il_primo)
        # Nothing comes back to be run again.
        time.sleep(2)
    finally:
        worker.ferma()
    for render in (primo, secondo):
        render.refresh_from_db()
        assert (render.stato, render.tentativi, render.errore) == (Stato.COMPLETATO, 1, "")
        _verifica_pdf(render)
    assert _non_confermati() == 0
    assert worker.log.read_text(errors="replace").count("succeeded") == 2
