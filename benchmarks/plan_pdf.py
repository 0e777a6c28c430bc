"""The plan's PDF as the user waits for it, from a real Celery worker, against WeasyPrint alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pdz REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/plan_pdf.py [--ripetizioni N] [--dimensioni 40,80,160]
        [--concorrenza 2] [--profilo] [--conserva]

It needs PostgreSQL and Redis, as production does. From DATABASE_URL it takes the server and a
name, and creates (and drops at the end) the database `<name>_plan_pdf`; the Redis database of
REDIS_URL is the broker, and its queue is emptied at the start: give it one nobody else uses.

It builds realistic Piani di Zona of the Cremasco on the whole territory (123 comuni, the demo
enti and thematic tables, 20 sections of text of about a page and a half each, the previous
plan's evaluation) with 40, 80 and 160 objectives (15 actions every 4 objectives, resources for
3 years x 3 funds, one or two indicators each with yearly targets), with the production settings
(pdz.settings, DEBUG off). Then it starts `celery -A pdz worker` as a separate process, with the
production command line (prefork pool, `--concurrency` as in docker-compose.yml, the CELERY_*
settings of pdz/settings.py), and measures for each size, alternating the two so that neither
benefits from a warmer cache:

- end to end, the time the user waits: from rendering.richiedi_pdf (what the view calls: the
  HTML assembled for its hash, the rendering recorded, the task queued on commit) until the
  RenderPDF is COMPLETATO with its file stored, the worker having taken the message from Redis,
  assembled the HTML, typeset it, written the file and recorded the outcome;
- WeasyPrint alone, in a process of its own (set up as a pool process: Django, gc.freeze), on
  the same HTML with the same options (core.pdf's base URL and strict URL fetcher, PDF/UA-1):
  the work no path to a PDF can avoid. It is also timed in this process, for comparison: this
  process holds the whole data set it built, and WeasyPrint is slower here than in a pool
  process, which would flatter the ratio;

and prints the medians in ms and their ratio (target: at most 1.10). The worker's memory is the
peak of its process tree (the main process and its pool children, RSS summed, sampled from
/proc every 20 ms while the worker renders, never during WeasyPrint's run here; each process's VmHWM is reset through /proc/<pid>/clear_refs before each
size, and the largest child's is printed too). Last, two plans of the largest size are requested
at once on the same worker (its two pool processes render them side by side): it prints the
time until both are stored, the peak of the tree and whether it stayed within the bound
settings.PDZ_WORKER_MEMORIA_MASSIMA_MB states for a worker of that concurrency.

`--profilo` first runs the task once in this process under cProfile, on the largest plan, and
prints where the time goes outside WeasyPrint.
"""

import argparse
import cProfile
import gc
import io
import os
import pstats
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import suppress
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")
DIMENSIONI = (40, 80, 160)
OBIETTIVI_PRECEDENTI = 10
SEZIONI_DI_TESTO = 20
SIGLE_FONDI = ("FNPS", "FSR", "COM")
# The plan of the sizes measured one after the other, and the second one rendered beside it.
AMBITO = "cremasco"
AMBITO_CONCORRENTE = "cremonese"
ATTESA_MASSIMA_S = 600

PARAGRAFI = (
    "L'ambito territoriale ha condotto nel corso dell'ultimo anno un percorso di analisi "
    "condivisa dei bisogni con i comuni, l'ASST, il terzo settore e le organizzazioni sindacali. "
    "I tavoli tematici hanno restituito un quadro articolato delle fragilità del territorio, con "
    "particolare attenzione alla solitudine degli anziani, alla povertà educativa e alle "
    "difficoltà abitative delle famiglie monoreddito.",
    "Le risorse disponibili, pur in crescita rispetto al triennio precedente, non consentono di "
    "rispondere a tutti i bisogni emersi: il piano sceglie quindi alcune priorità, misurabili e "
    "verificabili, sulle quali concentrare la programmazione, rinviando ad aggiornamenti annuali "
    "la revisione degli obiettivi alla luce dei dati raccolti dagli indicatori.",
    "La governance del piano si fonda sull'Assemblea dei Sindaci, sull'Ufficio di Piano e sulle "
    "équipe di sub-ambito, che assicurano il raccordo operativo tra i servizi comunali e quelli "
    "sociosanitari. Il monitoraggio è semestrale e i suoi esiti sono pubblicati sul portale.",
)
# Paragraphs per text section: about a page and a half each, as in the plans of seed 003.
PARAGRAFI_PER_SEZIONE = 12


# --- The environment: a database of its own, the production settings ----------------------------


def _url_database() -> tuple[str, str, str]:
    """(URL of the benchmark's database, its name, URL of the server's maintenance database)."""
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/pdz"
    parti = urlsplit(base)
    if not parti.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL deve indicare un server PostgreSQL (postgres://…).")
    nome = f"{parti.path.strip('/') or 'pdz'}_plan_pdf"
    return (
        urlunsplit(parti._replace(path=f"/{nome}")),
        nome,
        urlunsplit(parti._replace(path="/postgres")),
    )


def _crea_database(manutenzione: str, nome: str) -> None:
    import psycopg

    with psycopg.connect(manutenzione, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{nome}"')


def _elimina_database(manutenzione: str, nome: str) -> None:
    import psycopg

    with psycopg.connect(manutenzione, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')


def _ambiente(cartella: Path, database_url: str, redis_url: str) -> dict:
    """The variables of this process and of the worker: production's settings, DEBUG off."""
    ambiente = {
        "DJANGO_SETTINGS_MODULE": "pdz.settings",
        "DJANGO_READ_DOT_ENV": "0",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "benchmark-soltanto-locale-0123456789abcdefghij"
        ),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_MEDIA_ROOT": str(cartella / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "SENTRY_DSN": "",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(ambiente)
    os.environ.pop("PDZ_RENDER_RITARDO_S", None)
    return ambiente


def _prepara_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- The data --------------------------------------------------------------------------------------


def _testo(numero: int) -> str:
    return "".join(
        f"<p>{PARAGRAFI[(numero + i) % len(PARAGRAFI)]}</p>" for i in range(PARAGRAFI_PER_SEZIONE)
    )


def _territorio():
    """The territory, periods, funds, enti and tables every plan refers to."""
    from django.db import transaction

    from ambiti.demo import carica_aree_policy, carica_enti_demo, carica_periodo
    from ambiti.territorio import carica_territorio
    from obiettivi.demo import carica_fondi
    from tavoli.demo import carica_tavoli_demo

    with transaction.atomic():
        carica_territorio()
        attuale, precedente = carica_periodo("2025-2027"), carica_periodo("2021-2023")
        carica_aree_policy(attuale)
        carica_aree_policy(precedente)
        carica_fondi()
        carica_enti_demo()
        carica_tavoli_demo()


def _crea_piano(slug: str):
    """The plan of ambito `slug` with its text sections and the previous plan's evaluation,
    without objectives yet (_porta_a adds them); returns (piano, utente)."""
    from django.db import transaction

    from accounts.models import Ruolo, User
    from ambiti.models import Ambito, AreaPolicy, Periodo
    from obiettivi.models import Obiettivo, Valutazione
    from piani import services
    from piani.models import Sezione

    with transaction.atomic():
        ambito = Ambito.objects.get(slug=slug)
        attuale, precedente = (
            Periodo.objects.get(nome="2025-2027"),
            Periodo.objects.get(nome="2021-2023"),
        )
        aree_precedenti = list(AreaPolicy.objects.filter(periodo=precedente).order_by("ordine"))
        utente = User.objects.create_user(f"up.benchmark.{slug}", password="non-usata-0123")
        Ruolo.objects.create(user=utente, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=ambito)
        for n in range(OBIETTIVI_PRECEDENTI):
            vecchio = Obiettivo.objects.create(
                ambito=ambito,
                periodo=precedente,
                codice=str(n + 1),
                titolo=f"Obiettivo del piano 2021-2023 numero {n + 1}",
                stato=Obiettivo.Stato.CONCLUSO,
            )
            vecchio.aree_policy.set([aree_precedenti[n % len(aree_precedenti)]])
            Valutazione.objects.create(
                obiettivo=vecchio,
                grado=("raggiunto", "parziale", "non_raggiunto")[n % 3],
                criticita="Personale insufficiente nei comuni più piccoli." if n % 2 else "",
                prosegue=n % 3 != 2,
            )
        piano = services.crea_piano(ambito=ambito, periodo=attuale, utente=utente)
        ultimo = piano.sezioni.order_by("-ordine").values_list("ordine", flat=True).first()
        Sezione.objects.bulk_create(
            Sezione(
                piano=piano,
                ordine=ultimo + n,
                titolo=f"Approfondimento {n}: analisi e indirizzi",
                testo=_testo(n),
                modificata_da=utente,
            )
            for n in range(1, SEZIONI_DI_TESTO + 1)
        )
    return piano, utente


def _porta_a(piano, obiettivi_voluti: int) -> dict:
    """Add objectives (with actions, resources, indicators) until the plan has
    `obiettivi_voluti` of them; returns what the plan holds."""
    import datetime

    from django.db import transaction

    from ambiti.models import AreaPolicy, Comune, Ente
    from obiettivi.models import (
        Azione,
        Fondo,
        Indicatore,
        Obiettivo,
        Risorsa,
        ValoreIndicatore,
        Valutazione,
    )

    ambito, periodo = piano.ambito, piano.periodo
    esistenti = Obiettivo.objects.filter(ambito=ambito, periodo=periodo).count()
    with transaction.atomic():
        aree = list(AreaPolicy.objects.filter(periodo=periodo).order_by("ordine"))
        fondi = {f.sigla: f for f in Fondo.objects.filter(sigla__in=SIGLE_FONDI)}
        enti = list(Ente.objects.filter(iscrizioni__ambito=ambito).order_by("pk"))
        nuovi = []
        for n in range(esistenti + 1, obiettivi_voluti + 1):
            area = aree[(n - 1) % len(aree)]
            obiettivo = Obiettivo.objects.create(
                ambito=ambito,
                periodo=periodo,
                codice=f"{(n - 1) % len(aree) + 1}.{(n - 1) // len(aree) + 1}",
                titolo=f"Obiettivo {n}: rafforzare i servizi per {area.nome.lower()}",
                descrizione=PARAGRAFI[n % len(PARAGRAFI)],
                destinatari="famiglie, anziani e persone fragili dell'ambito",
                integrazione_sociosanitaria=area.integrazione_sociosanitaria,
                trasversale=area.trasversale,
                stato=Obiettivo.Stato.IN_CORSO,
            )
            obiettivo.aree_policy.set([area])
            nuovi.append((n, obiettivo))
        azioni = []
        for n, obiettivo in nuovi:
            # 15 actions every 4 objectives, as the 40 objectives and 150 actions of seed 003.
            for k in range(n * 15 // 4 - (n - 1) * 15 // 4):
                i = (n - 1) * 15 // 4 + k
                azioni.append(
                    Azione(
                        obiettivo=obiettivo,
                        descrizione=f"Azione {i + 1}: attivazione e consolidamento del servizio "
                        f"nei comuni del sub-ambito, con il coinvolgimento degli enti del registro",
                        responsabile=enti[i % len(enti)] if enti else None,
                        responsabile_altro="" if enti else "Ufficio di Piano",
                        data_inizio=datetime.date(2025, 1 + i % 12, 1),
                        data_fine=datetime.date(2027, 12, 31),
                        avanzamento=(i * 7) % 101,
                        ordine=k,
                    )
                )
        Azione.objects.bulk_create(azioni)
        Risorsa.objects.bulk_create(
            Risorsa(
                obiettivo=obiettivo,
                anno=anno,
                fondo=fondi[sigla],
                importo=Decimal(10000 + 1250 * n + 500 * k),
            )
            for n, obiettivo in nuovi
            for anno in periodo.anni
            for k, sigla in enumerate(SIGLE_FONDI)
        )
        for n, obiettivo in nuovi:
            for k in range(1 + n % 2):
                indicatore = Indicatore.objects.create(
                    obiettivo=obiettivo,
                    nome=f"Persone raggiunte dall'intervento {k + 1}",
                    unita="persone",
                    fonte="Cartella sociale informatizzata",
                    valore_base=Decimal(100 + n),
                    anno_base=2024,
                )
                ValoreIndicatore.objects.bulk_create(
                    ValoreIndicatore(
                        indicatore=indicatore,
                        tipo=ValoreIndicatore.Tipo.TARGET,
                        anno=anno,
                        valore=Decimal(110 + n + 10 * j),
                    )
                    for j, anno in enumerate(periodo.anni)
                )
        # The previous plan's objectives that go on point to the first objectives of this one.
        primi = list(
            Obiettivo.objects.filter(ambito=ambito, periodo=periodo).order_by("pk")[
                :OBIETTIVI_PRECEDENTI
            ]
        )
        for n, valutazione in enumerate(
            Valutazione.objects.filter(
                obiettivo__ambito=ambito, prosegue=True, obiettivo_successivo=None
            ).order_by("obiettivo__codice")
        ):
            if n < len(primi):
                valutazione.obiettivo_successivo = primi[n]
                valutazione.save(update_fields=["obiettivo_successivo"])
    attuali = Obiettivo.objects.filter(ambito=ambito, periodo=periodo)
    return {
        "comuni dell'ambito": Comune.objects.filter(ambito=ambito).count(),
        "obiettivi": attuali.count(),
        "azioni": Azione.objects.filter(obiettivo__in=attuali).count(),
        "risorse": Risorsa.objects.filter(obiettivo__in=attuali).count(),
        "indicatori": Indicatore.objects.filter(obiettivo__in=attuali).count(),
        "sezioni": piano.sezioni.count(),
    }


# --- The worker and its memory ------------------------------------------------------------------------


def _figli(pid: int) -> list[int]:
    """The children of `pid`, from /proc (no psutil here)."""
    figli = []
    with suppress(OSError):
        for thread in os.listdir(f"/proc/{pid}/task"):
            with suppress(OSError):
                figli += [
                    int(p) for p in Path(f"/proc/{pid}/task/{thread}/children").read_text().split()
                ]
    return figli


def _albero(pid: int) -> list[int]:
    albero, da_vedere = [], [pid]
    while da_vedere:
        corrente = da_vedere.pop()
        albero.append(corrente)
        da_vedere += _figli(corrente)
    return albero


def _stato_kib(pid: int, campo: str) -> int:
    """A field of /proc/<pid>/status in KiB (0 for a process gone meanwhile)."""
    with suppress(OSError):
        for riga in Path(f"/proc/{pid}/status").read_text().splitlines():
            if riga.startswith(campo + ":"):
                return int(riga.split()[1])
    return 0


def _azzera_picchi(pid: int) -> None:
    """Reset VmHWM of every process of the tree (5 > clear_refs: Linux 4.0 and later)."""
    for processo in _albero(pid):
        with suppress(OSError):
            Path(f"/proc/{processo}/clear_refs").write_text("5")


class Campionatore:
    """The peak of the RSS summed over the worker's process tree, sampled in a thread.

    Summed RSS counts twice the pages a pool child still shares with the main process (copy on
    write): a bound that holds for it holds for the memory actually used."""

    def __init__(self, pid: int, intervallo: float = 0.02):
        self.pid, self.intervallo = pid, intervallo
        self.picco_kib = 0
        self.picchi_kib: dict[int, int] = {}
        self.figli_visti: set[int] = set()
        self._ferma = threading.Event()
        self._thread = threading.Thread(target=self._campiona, daemon=True)

    def _campiona(self):
        while not self._ferma.is_set():
            albero = _albero(self.pid)
            self.figli_visti.update(albero[1:])
            rss = {p: _stato_kib(p, "VmRSS") for p in albero}
            self.picco_kib = max(self.picco_kib, sum(rss.values()))
            for p in albero[1:]:
                # VmHWM: the peak between two samples too (reset by _azzera_picchi).
                picco = max(rss[p], _stato_kib(p, "VmHWM"))
                self.picchi_kib[p] = max(self.picchi_kib.get(p, 0), picco)
            self._ferma.wait(self.intervallo)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_errore):
        self._ferma.set()
        self._thread.join()


class Worker:
    """`celery -A pdz worker` with production's command line, as a separate process."""

    def __init__(self, cartella: Path, ambiente: dict, concorrenza: int):
        self.log = cartella / "worker.log"
        self.nome = f"pdz-benchmark-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        self.comando = [
            str(CELERY),
            "-A",
            "pdz",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={concorrenza}",
            f"--hostname={self.nome}",
        ]
        with self.log.open("wb") as uscita:
            self.processo = subprocess.Popen(
                self.comando,
                cwd=BASE_DIR,
                env={**os.environ, **ambiente},
                stdout=uscita,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.concorrenza = concorrenza

    @property
    def pid(self) -> int:
        return self.processo.pid

    def attendi_pronto(self, timeout: float = 120) -> None:
        from pdz.celery import app

        fine = time.monotonic() + timeout
        while time.monotonic() < fine:
            if self.processo.poll() is not None:
                raise SystemExit(f"Il worker è terminato:\n{self.uscita()}")
            if app.control.ping(destination=[self.nome], timeout=1):
                return
        raise SystemExit(f"Il worker non è pronto dopo {timeout} s:\n{self.uscita()}")

    def ferma(self) -> None:
        if self.processo.poll() is None:
            self.processo.send_signal(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.processo.wait(timeout=30)
        with suppress(ProcessLookupError):
            os.killpg(self.processo.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.processo.wait(timeout=10)

    def uscita(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""


def _svuota_broker() -> None:
    """No message of an earlier run, waiting or taken by a worker that died, is delivered."""
    from pdz.celery import app

    app.control.purge()
    with app.connection_for_write() as conn:
        canale = conn.default_channel
        canale.client.delete(canale.unacked_key, canale.unacked_index_key)


# --- The measures -------------------------------------------------------------------------------------


def _nuovo_rendering_possibile(piano) -> None:
    """Forget the plan's renderings: the same content would otherwise be handed back at once."""
    from piani.models import RenderPDF

    for vecchio in RenderPDF.objects.filter(piano=piano):
        vecchio.file.delete(save=False)
        vecchio.delete()


def _richiedi(piano, utente):
    from piani import rendering

    _nuovo_rendering_possibile(piano)
    return rendering.richiedi_pdf(piano=piano, utente=utente)


def _attendi_completati(renders, worker: Worker) -> dict[int, float]:
    """Poll until every rendering is COMPLETATO with its file; {pk: perf_counter at the end}."""
    from piani.models import RenderPDF

    fine = time.monotonic() + ATTESA_MASSIMA_S
    finiti = {}
    while len(finiti) < len(renders):
        for render in renders:
            if render.pk in finiti:
                continue
            stato, file, errore = RenderPDF.objects.values_list("stato", "file", "errore").get(
                pk=render.pk
            )
            if stato == RenderPDF.Stato.COMPLETATO and file:
                finiti[render.pk] = time.perf_counter()
            elif stato == RenderPDF.Stato.FALLITO:
                raise SystemExit(f"Rendering non riuscito: {errore}\n{worker.uscita()}")
        if worker.processo.poll() is not None:
            raise SystemExit(f"Il worker è terminato:\n{worker.uscita()}")
        if time.monotonic() > fine:
            raise SystemExit(f"Rendering non concluso in {ATTESA_MASSIMA_S} s\n{worker.uscita()}")
        time.sleep(0.01)
    for render in renders:
        render.refresh_from_db()
        if not render.file.storage.exists(render.file.name):
            raise SystemExit(f"Il file del rendering {render.pk} manca.")
    return finiti


def _da_capo_a_fondo(piano, utente, worker) -> tuple[float, object]:
    inizio = time.perf_counter()
    render = _richiedi(piano, utente)
    fine = _attendi_completati([render], worker)[render.pk]
    return fine - inizio, render


def _da_capo_a_fondo_campionato(piano, utente, worker):
    """_da_capo_a_fondo with the worker's memory sampled meanwhile, and only meanwhile: the
    sampling thread would slow WeasyPrint's own run in this process (it takes the GIL every
    20 ms, and on a busy machine a thread holding it may wait for a core)."""
    with Campionatore(worker.pid) as campioni:
        durata, render = _da_capo_a_fondo(piano, utente, worker)
    return durata, render, campioni


def _weasyprint_da_solo(html: str) -> tuple[float, bytes]:
    from core.pdf import documento_html
    from piani import pdf

    inizio = time.perf_counter()
    documento = documento_html(html).write_pdf(pdf_variant=pdf.VARIANTE_PDF)
    return time.perf_counter() - inizio, documento


# The baseline's own process: Django set up as the worker's, then, per line of standard input (the
# path of an HTML file), WeasyPrint alone on it; it answers with the seconds of write_pdf and
# the PDF's size. The timing is inside the process, around write_pdf only.
TIPOGRAFO = """
import gc, sys, time
import django
django.setup()
from core.pdf import documento_html
from piani import pdf
gc.collect()
gc.freeze()
for riga in sys.stdin:
    html = open(riga.strip(), encoding="utf-8").read()
    inizio = time.perf_counter()
    documento = documento_html(html).write_pdf(pdf_variant=pdf.VARIANTE_PDF)
    print(time.perf_counter() - inizio, len(documento), flush=True)
"""


class Tipografo:
    """WeasyPrint alone in a process of its own, like a pool process of the worker: the
    benchmark's own process carries the whole data set it built, and WeasyPrint ran slower in it
    than in the worker (its collections walk a larger heap), which flattered the ratio."""

    def __init__(self, cartella: Path, ambiente: dict):
        self.cartella = cartella
        self.processo = subprocess.Popen(
            [sys.executable, "-c", TIPOGRAFO],
            cwd=BASE_DIR,
            env={**os.environ, **ambiente},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def stampa(self, html: str) -> tuple[float, int]:
        percorso = self.cartella / "baseline.html"
        percorso.write_text(html, encoding="utf-8")
        self.processo.stdin.write(f"{percorso}\n")
        self.processo.stdin.flush()
        riga = self.processo.stdout.readline()
        if not riga:
            raise SystemExit("Il processo di WeasyPrint da solo è terminato.")
        durata, dimensione = riga.split()
        return float(durata), int(dimensione)

    def ferma(self) -> None:
        with suppress(Exception):
            self.processo.stdin.close()
        with suppress(subprocess.TimeoutExpired):
            self.processo.wait(timeout=30)
        if self.processo.poll() is None:
            self.processo.kill()


def _profilo(piano, utente) -> None:
    """The task once in this process under cProfile: what it does besides WeasyPrint."""
    from piani import tasks
    from piani.models import RenderPDF
    from piani.rendering import html_da_rendere, impronta

    _nuovo_rendering_possibile(piano)
    render = RenderPDF.objects.create(
        piano=piano, sha256_html=impronta(html_da_rendere(piano)), richiesto_da=utente
    )
    profilo = cProfile.Profile()
    profilo.enable()
    tasks.rendi_pdf_piano.apply(args=(render.pk,))
    profilo.disable()
    testo = io.StringIO()
    statistiche = pstats.Stats(profilo, stream=testo).sort_stats("cumulative")
    statistiche.print_stats(r"piani|core|django/template|weasyprint/__init__|tasks", 25)
    print("== Profilo del task (in questo processo, cumulativo) ==")
    print(testo.getvalue())
    _nuovo_rendering_possibile(piano)


def _mib(kib: int) -> float:
    return kib / 1024


def main() -> None:
    argomenti = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argomenti.add_argument("--ripetizioni", type=int, default=3)
    argomenti.add_argument(
        "--dimensioni", default=",".join(map(str, DIMENSIONI)), help="objectives per plan"
    )
    argomenti.add_argument(
        "--concorrenza", type=int, help="the worker's --concurrency (default: the settings')"
    )
    argomenti.add_argument("--profilo", action="store_true", help="profile the task first")
    argomenti.add_argument("--conserva", action="store_true", help="keep the temporary files")
    opzioni = argomenti.parse_args()
    dimensioni = sorted(int(d) for d in opzioni.dimensioni.split(","))

    database_url, nome_db, manutenzione = _url_database()
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    cartella = Path(tempfile.mkdtemp(prefix="pdz-benchmark-"))
    worker = tipografo = None
    try:
        _crea_database(manutenzione, nome_db)
        ambiente = _ambiente(cartella, database_url, redis_url)
        inizio = time.perf_counter()
        _prepara_django()
        _territorio()
        piano, utente = _crea_piano(AMBITO)
        conteggi = {dimensioni[0]: _porta_a(piano, dimensioni[0])}
        preparazione = time.perf_counter() - inizio

        from django.conf import settings

        from piani.rendering import html_da_rendere

        if opzioni.profilo:
            _porta_a(piano, dimensioni[-1])
            _profilo(piano, utente)
            raise SystemExit(0)

        _svuota_broker()
        concorrenza = opzioni.concorrenza or settings.CELERY_WORKER_CONCURRENCY
        worker = Worker(cartella, ambiente, concorrenza)
        tipografo = Tipografo(cartella, ambiente)
        worker.attendi_pronto()
        memoria_a_riposo = sum(_stato_kib(p, "VmRSS") for p in _albero(worker.pid))

        # Warm-up, not measured: every pool process renders once (fonts, templates, imports),
        # and so does this process.
        secondo, utente_secondo = _crea_piano(AMBITO_CONCORRENTE)
        _porta_a(secondo, dimensioni[0])
        _attendi_completati([_richiedi(piano, utente), _richiedi(secondo, utente_secondo)], worker)
        _weasyprint_da_solo(html_da_rendere(piano))
        tipografo.stampa(html_da_rendere(piano))

        # What the worker's main process does before forking its pool (pdz/celery.py): the
        # objects of the setup go to the collector's permanent generation, so that WeasyPrint's
        # collections here walk no more than they do in a pool process.
        gc.collect()
        gc.freeze()
        risultati = {}
        for dimensione in dimensioni:
            conteggi[dimensione] = _porta_a(piano, dimensione)
            html = html_da_rendere(piano)
            tempi_completi, tempi_soli, tempi_qui = [], [], []
            _azzera_picchi(worker.pid)
            campionati = []
            for ripetizione in range(opzioni.ripetizioni):
                # Alternate which of the two runs first: the second of a pair finds warmer
                # caches, and a fixed order would charge that to one side only.
                if ripetizione % 2 == 0:
                    durata, render, campioni = _da_capo_a_fondo_campionato(piano, utente, worker)
                    tempi_completi.append(durata)
                    campionati.append(campioni)
                    durata, dimensione_sola = tipografo.stampa(html)
                    tempi_soli.append(durata)
                else:
                    durata, dimensione_sola = tipografo.stampa(html)
                    tempi_soli.append(durata)
                    durata, render, campioni = _da_capo_a_fondo_campionato(piano, utente, worker)
                    tempi_completi.append(durata)
                    campionati.append(campioni)
                # For comparison only: WeasyPrint in this process, as the benchmark measured
                # it before the baseline had a process of its own.
                tempi_qui.append(_weasyprint_da_solo(html)[0])
            picco_albero = max(c.picco_kib for c in campionati)
            picco_figlio = max(max(c.picchi_kib.values(), default=0) for c in campionati)
            risultati[dimensione] = {
                "completo": statistics.median(tempi_completi),
                "solo": statistics.median(tempi_soli),
                "tempi_completi": tempi_completi,
                "tempi_soli": tempi_soli,
                "qui": statistics.median(tempi_qui),
                "html_kib": len(html.encode()) / 1024,
                "pagine": render.pagine,
                "pdf_kib": render.file.size / 1024,
                "solo_kib": dimensione_sola / 1024,
                "durata_task": render.durata_ms / 1000,
                "picco_albero": picco_albero,
                "picco_figlio": picco_figlio,
            }

        # Two plans of the largest size at once: both pool processes render side by side.
        grande = dimensioni[-1]
        _porta_a(secondo, grande)
        _azzera_picchi(worker.pid)
        with Campionatore(worker.pid) as campioni:
            inizio = time.perf_counter()
            coppia = [_richiedi(piano, utente), _richiedi(secondo, utente_secondo)]
            finiti = _attendi_completati(coppia, worker)
            insieme = max(finiti.values()) - inizio
        limite_mb = settings.PDZ_WORKER_MEMORIA_MASSIMA_MB

        print("== Piano di Zona: PDF da un worker Celery separato, contro WeasyPrint da solo ==")
        print(f"database:                PostgreSQL {nome_db}; broker {redis_url}")
        print(f"worker:                  {' '.join(worker.comando[1:])}")
        print(f"preparazione dei dati:   {preparazione:.1f} s")
        print(f"ripetizioni (mediana):   {opzioni.ripetizioni}")
        print(f"worker a riposo:         {_mib(memoria_a_riposo):.0f} MiB (RSS dell'albero)")
        print()
        intestazione = (
            f"{'obiettivi':>9} {'azioni':>6} {'pagine':>6} {'HTML KiB':>8} {'PDF KiB':>7} "
            f"{'completo ms':>11} {'WeasyPrint ms':>13} {'rapporto':>8} {'WP qui ms':>9} "
            f"{'picco worker MiB':>16} {'picco figlio MiB':>16}"
        )
        print(intestazione)
        for dimensione, r in risultati.items():
            print(
                f"{dimensione:>9} {conteggi[dimensione]['azioni']:>6} {r['pagine']:>6} "
                f"{r['html_kib']:>8.0f} {r['pdf_kib']:>7.0f} {r['completo'] * 1000:>11.0f} "
                f"{r['solo'] * 1000:>13.0f} {r['completo'] / r['solo']:>8.3f} "
                f"{r['qui'] * 1000:>9.0f} "
                f"{_mib(r['picco_albero']):>16.0f} {_mib(r['picco_figlio']):>16.0f}"
            )
        print(
            "(rapporto = completo / WeasyPrint da solo, in un processo a sé come quelli del "
            "pool; obiettivo <= 1.10. WP qui: WeasyPrint in questo processo, per confronto)"
        )
        for dimensione, r in risultati.items():
            print(
                f"  {dimensione} obiettivi, tempi completi: "
                + ", ".join(f"{t * 1000:.0f}" for t in r["tempi_completi"])
                + " ms; WeasyPrint: "
                + ", ".join(f"{t * 1000:.0f}" for t in r["tempi_soli"])
                + f" ms; durata registrata dal task: {r['durata_task'] * 1000:.0f} ms"
            )
        print()
        rispettato = _mib(campioni.picco_kib) <= limite_mb
        print(f"== Due piani di {grande} obiettivi insieme sullo stesso worker ==")
        print(f"entrambi pronti in:      {insieme * 1000:.0f} ms")
        print(f"picco del worker:        {_mib(campioni.picco_kib):.0f} MiB (RSS dell'albero)")
        print(
            f"limite dichiarato:       {limite_mb} MiB (PDZ_WORKER_MEMORIA_MASSIMA_MB) — "
            + ("RISPETTATO" if rispettato else "SUPERATO")
        )
        print(
            f"picco di un processo:    {_mib(max(campioni.picchi_kib.values(), default=0)):.0f}"
            f" MiB; processi del pool visti: {len(campioni.figli_visti)}"
            f" (CELERY_WORKER_MAX_MEMORY_PER_CHILD = "
            f"{settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD // 1024} MiB)"
        )
    finally:
        if worker is not None:
            worker.ferma()
        if tipografo is not None:
            tipografo.ferma()
        with suppress(Exception):
            from django.db import connections

            connections.close_all()
        with suppress(Exception):
            _elimina_database(manutenzione, nome_db)
        if opzioni.conserva:
            print(f"file conservati in {cartella}")
        else:
            shutil.rmtree(cartella, ignore_errors=True)


if __name__ == "__main__":
    main()
