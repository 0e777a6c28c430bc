"""The portal's own processes started by a test: gunicorn and Celery workers on production settings.

A test that needs the portal as it runs in production (DEBUG off, the manifest's static files,
gunicorn, `celery worker`) starts its processes with these helpers, on the test database and
the test Redis: each in its own process group (stopping or killing it reaches its children),
its output in a file the test shows when it fails.

    ambiente = ambiente_produzione(database_url=..., redis_url=..., secret_key=..., cartella=...)
    statici = statici_raccolti(ambiente, cartella)  # collectstatic, once per content
    web = Processo.avvia("web-a", GUNICORN, ambiente | {"DJANGO_STATIC_ROOT": ...}, cartella)
    ...
    worker.uccidi()          # SIGKILL to the whole group: the machine died
    ferma_tutti([web, ...])  # SIGTERM to every group at once, then SIGKILL
"""

import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote

import pytest

RADICE = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent

# The commands of the Dockerfile and docker-compose.yml (tests_production checks they match).
GUNICORN = ["gunicorn", "-c", "gunicorn.conf.py", "pdz.wsgi:application"]
WORKER = ["celery", "-A", "pdz", "worker", "--loglevel=info"]
COLLECTSTATIC = ["python", "manage.py", "collectstatic", "--noinput", "-v", "0"]


def comando(argomenti: list[str]) -> list[str]:
    """The same command with this virtualenv's executables."""
    eseguibile = sys.executable if argomenti[0] == "python" else str(BIN / argomenti[0])
    return [eseguibile, *argomenti[1:]]


def porta_libera() -> int:
    with socket.socket() as presa:
        presa.bind(("127.0.0.1", 0))
        return presa.getsockname()[1]


def url_database(dati: dict) -> str:
    """The URL of a Django DATABASES entry (the test database, once created), for a process."""
    credenziali = quote(dati["USER"] or "", safe="")
    if dati.get("PASSWORD"):
        credenziali += ":" + quote(dati["PASSWORD"], safe="")
    host = dati.get("HOST") or "127.0.0.1"
    porta = f":{dati['PORT']}" if dati.get("PORT") else ""
    return f"postgres://{credenziali}@{host}{porta}/{quote(dati['NAME'], safe='')}"


def ambiente_produzione(
    *, database_url: str, redis_url: str, secret_key: str, cartella: Path, **altre: str
) -> dict[str, str]:
    """The environment of production (pdz.settings, DEBUG off), with nothing of the caller's
    Django, Celery, gunicorn or portal variables (the test settings set some of them)."""
    ereditato = {
        chiave: valore
        for chiave, valore in os.environ.items()
        if not chiave.startswith(("DJANGO_", "CELERY_", "GUNICORN_", "PDZ_", "PYTEST_"))
        and chiave not in ("DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY", "SENTRY_DSN")
    }
    return (
        ereditato
        | {
            "DJANGO_SETTINGS_MODULE": "pdz.settings",
            "DJANGO_READ_DOT_ENV": "0",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # The test's client stands where the TLS proxy stands (X-Forwarded-Proto: https).
            "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
            "DJANGO_MEDIA_ROOT": str(cartella / "media"),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SENTRY_DSN": "",
            "PYTHONUNBUFFERED": "1",
        }
        | altre
    )


class Processo:
    """A process of the portal, in its own process group, its output in `cartella/nome.log`."""

    def __init__(self, nome: str, processo: subprocess.Popen, registro: Path):
        self.nome = nome
        self.processo = processo
        self.registro = registro
        self.ucciso = False

    @classmethod
    def avvia(cls, nome, argomenti, ambiente, cartella) -> "Processo":
        registro = Path(cartella) / f"{nome}.log"
        with registro.open("wb") as uscita:
            processo = subprocess.Popen(
                comando(argomenti),
                cwd=RADICE,
                env=ambiente,
                stdout=uscita,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(nome, processo, registro)

    @property
    def pid(self) -> int:
        return self.processo.pid

    @property
    def vivo(self) -> bool:
        return self.processo.poll() is None

    def testo(self, da: int = 0) -> str:
        """What it wrote, from byte `da` on (the length of an earlier reading: `lunghezza`)."""
        with suppress(FileNotFoundError), self.registro.open("rb") as file:
            file.seek(da)
            return file.read().decode(errors="replace")
        return ""

    def lunghezza(self) -> int:
        with suppress(FileNotFoundError):
            return self.registro.stat().st_size
        return 0

    def coda(self, caratteri: int = 6000) -> str:
        return f"--- {self.nome} (pid {self.pid}) ---\n{self.testo()[-caratteri:]}"

    def uccidi(self) -> None:
        """SIGKILL to the whole group, main process and children at once: as when the machine
        dies, nothing of it can acknowledge, reject or clean up anything."""
        with suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.processo.wait(timeout=10)
        self.ucciso = True

    def ferma(self) -> None:
        ferma_tutti([self])


def ferma_tutti(processi) -> None:
    """SIGTERM to every group at once (a warm shutdown), then SIGKILL to what is left of them."""
    for segnale, attesa in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        for processo in processi:
            with suppress(ProcessLookupError):
                os.killpg(processo.pid, segnale)
        fine = time.monotonic() + attesa
        for processo in processi:
            with suppress(subprocess.TimeoutExpired):
                processo.processo.wait(timeout=max(0.1, fine - time.monotonic()))
        if all(not processo.vivo for processo in processi):
            break
    for processo in processi:
        # The group may outlive its leader for a moment (prefork children, gunicorn workers).
        with suppress(ProcessLookupError):
            os.killpg(processo.pid, signal.SIGKILL)


def esegui(nome, argomenti, ambiente, cartella, *, timeout=300) -> None:
    processo = Processo.avvia(nome, argomenti, ambiente, cartella)
    try:
        codice = processo.processo.wait(timeout=timeout)
    finally:
        processo.ferma()
    assert codice == 0, f"{' '.join(argomenti)} non è riuscito:\n{processo.coda()}"


def attendi(condizione, *, timeout, descrizione, processi=(), intervallo=0.2):
    """Call `condizione` until it returns something true, and return it; fail after `timeout`
    seconds, or as soon as one of `processi` stops without having been killed by the test."""
    fine = time.monotonic() + timeout
    while True:
        risultato = condizione()
        if risultato:
            return risultato
        for processo in processi:
            if not processo.vivo and not processo.ucciso:
                pytest.fail(f"{processo.nome} si è fermato da solo:\n{processo.coda()}")
        if time.monotonic() > fine:
            pytest.fail(
                f"Dopo {timeout} s: {descrizione}.\n" + "\n".join(p.coda() for p in processi)
            )
        time.sleep(intervallo)


# --- The static files, collected with the manifest --------------------------------------------

# Collected trees kept here, one per content (gitignored, removed by `make clean`).
CARTELLA_STATICI = RADICE / ".test-media" / "statici"


def _impronta_statici() -> str:
    """What collectstatic's output depends on: the name and content of every file the finders
    collect (the settings say where they look) and the versions of Django and WhiteNoise.
    Reading them costs a fraction of a second; collecting them with the manifest and the
    compression costs half a minute of CPU."""
    from importlib.metadata import version

    from django.contrib.staticfiles.finders import get_finders

    impronta = hashlib.sha256(f"{version('django')} {version('whitenoise')}".encode())
    righe = []
    for finder in get_finders():
        for percorso, storage in finder.list(["CVS", ".*", "*~"]):
            contenuto = Path(storage.path(percorso)).read_bytes()
            righe.append(f"{percorso} {hashlib.sha256(contenuto).hexdigest()}")
    impronta.update("\n".join(sorted(righe)).encode())
    return impronta.hexdigest()[:16]


def statici_raccolti(ambiente, cartella_log) -> Path:
    """A STATIC_ROOT collected by `collectstatic` with the production storage (manifest and
    compression), shared by every test run on the same sources: collected once, by whichever
    process comes first (the others wait on a lock), and collected again when a source changes.
    """
    CARTELLA_STATICI.mkdir(parents=True, exist_ok=True)
    chiave = _impronta_statici()
    destinazione = CARTELLA_STATICI / chiave
    with (CARTELLA_STATICI / ".lock").open("w") as blocco:
        fcntl.flock(blocco, fcntl.LOCK_EX)
        if not (destinazione / "staticfiles.json").is_file():
            provvisoria = CARTELLA_STATICI / f".{chiave}.{os.getpid()}"
            shutil.rmtree(provvisoria, ignore_errors=True)
            esegui(
                "collectstatic",
                COLLECTSTATIC,
                ambiente | {"DJANGO_STATIC_ROOT": str(provvisoria)},
                cartella_log,
            )
            # Complete or absent: a run killed half-way leaves only a hidden folder.
            shutil.rmtree(destinazione, ignore_errors=True)
            os.replace(provvisoria, destinazione)
            for vecchia in CARTELLA_STATICI.iterdir():
                if vecchia.name not in (chiave, ".lock"):
                    shutil.rmtree(vecchia, ignore_errors=True)
    return destinazione


class RegistriNeiFallimenti:
    """A pytest plugin: the report of a failed test that used the processes carries their logs,
    whatever failed (an assertion, a timeout, an exception in a fixture)."""

    def __init__(self, processi):
        self.processi = processi

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        rapporto = yield
        if rapporto.failed:
            for processo in self.processi:
                rapporto.sections.append((f"registro di {processo.nome}", processo.coda()))
        return rapporto
