"""Every page of the navigation under load, on the Lombardy-scale data set, as ratios to /salute/.

    .venv/bin/python benchmarks/pages_load.py [--database-url URL] [--redis-url URL] [--riusa]
                                              [--scala S] [--seme N] [--clienti N]
                                              [--uffici-piano N] [--giri N | --durata S]
                                              [--workers N] [--threads N] [--conn-max-age S]
                                              [--conserva]

It builds the data set of `benchmarks/lombardia.py` (91 ambiti, 1,502 comuni; the measured
ambito `prova-bg-01` has 250) in a dedicated PostgreSQL database that it drops and creates
(default postgres://postgres@127.0.0.1:5432/pdz_bench_pages; `--riusa` keeps the one already
built there, `--scala 0.1` builds a smaller one to iterate quickly). It runs collectstatic (the
manifest) and starts gunicorn as production does (`gunicorn -c gunicorn.conf.py
pdz.wsgi:application`, DEBUG off, DJANGO_CONN_MAX_AGE as docker-compose.yml sets it, workers and
threads as gunicorn.conf.py ships them unless given) on a free port of 127.0.0.1, against that
database and the Redis of --redis-url (flushed first; empty: no Redis).

Then 20 clients sign in through the login form (with its CSRF token; the Ufficio di Piano then
with a recovery code, as the second factor asks under the production settings): a mix of the
measured ambito's Ufficio di Piano accounts and of its sindaci. Each walks every page its
navigation leads to, with the ambito's real objects (dashboard, comuni, register and an ente,
tables, a table, a meeting, its history, proposals, objectives, an objective, funds, the plan, a
section, its revisions and comments, sessions, the open session, its vote, and the rest; the
list is PAGINE_UFFICIO_PIANO and PAGINE_SINDACO below) plus the bare /salute/, in its own random
order, for --giri rounds or --durata seconds, after a warm-up round that is not counted.

It prints for each page: requests, requests per second, p50, p95 and p99 in ms and the ratio of
its p95 to the p95 of /salute/ measured in the same run, worst first; then the worst ratio and
whether every page is within 3.0. The machine may be noisy: the ratios are what count. The
clients do not pause between pages, so the server is saturated: /salute/ waits for a thread as
the pages do, and a ratio says how much a page costs beyond that wait. With sync workers (one
thread each) every request waits in one queue and the ratios say little; gunicorn.conf.py ships
threads (GUNICORN_THREADS, 4), and `--workers`/`--threads` try other shapes. Every
answer but 200 is an error, counted and printed: the exit status is then 1 (0 otherwise, target
met or not).

Standard library only on the client side (urllib, http.cookiejar, threads).
"""

import argparse
import http.cookiejar
import os
import random
import runpy
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_PREDEFINITO = "postgres://postgres@127.0.0.1:5432/pdz_bench_pages"
OBIETTIVO_RAPPORTO = 3.0
SALUTE = "/salute/"

# (label, URL name, arguments): `slug` and the object ids come from the data set (_oggetti).
# Every page of the Ufficio di Piano's navigation (templates/partials/navigazione.html) and the
# pages those lead to; "/" is left out: with one ambito it is a redirect to the dashboard.
PAGINE_UFFICIO_PIANO = (
    ("cruscotto", "cruscotto", ("slug",)),
    ("comuni", "ambiti:comuni", ("slug",)),
    ("registro", "ambiti:registro", ("slug",)),
    ("iscrizione", "ambiti:iscrizione-dettaglio", ("slug", "iscrizione")),
    ("candidature", "ambiti:candidature", ("slug",)),
    ("messaggi inviati", "ambiti:email", ("slug",)),
    ("utenti", "ambiti:utenti", ("slug",)),
    ("utente", "ambiti:utente", ("slug", "utente")),
    ("impostazioni", "ambiti:impostazioni", ("slug",)),
    ("accessi bloccati", "ambiti:accessi-bloccati", ("slug",)),
    ("attività", "attivita:elenco", ("slug",)),
    ("tavoli", "tavoli:elenco", ("slug",)),
    ("tavolo", "tavoli:dettaglio", ("slug", "tavolo")),
    ("incontro", "tavoli:incontro", ("slug", "tavolo", "incontro")),
    ("storia del verbale", "tavoli:storia", ("slug", "tavolo", "incontro")),
    ("proposte", "tavoli:proposte", ("slug",)),
    ("obiettivi", "obiettivi:panoramica", ("slug",)),
    ("obiettivo", "obiettivi:dettaglio", ("slug", "obiettivo")),
    ("disponibilità", "obiettivi:disponibilita", ("slug",)),
    ("valutazione", "obiettivi:valutazione", ("slug",)),
    ("piani", "piani:elenco", ("slug",)),
    ("piano", "piani:dettaglio", ("slug", "piano")),
    ("sezione", "piani:sezione", ("slug", "piano", "sezione")),
    ("revisioni", "piani:revisioni", ("slug", "piano", "sezione")),
    ("commenti", "piani:commenti", ("slug", "piano", "sezione")),
    ("sedute", "assemblea:sedute", ("slug",)),
    ("seduta", "assemblea:seduta", ("slug", "seduta")),
    ("presenze", "assemblea:presenze", ("slug", "seduta")),
    ("deleghe", "assemblea:deleghe", ("slug", "seduta")),
    ("votazione", "assemblea:votazione", ("slug", "seduta", "punto")),
    ("votazione in diretta", "assemblea:votazione-live", ("slug", "seduta", "punto")),
    ("regole di voto", "assemblea:regole", ("slug",)),
    ("profilo", "accounts:profilo", ()),
    ("notifiche", "accounts:notifiche", ()),
    ("sicurezza", "accounts:sicurezza", ()),
    ("token", "api-token:elenco", ()),
    ("cambia password", "accounts:password_change", ()),
)
# A sindaco's navigation: no tables, proposals or management pages.
PAGINE_SINDACO = (
    ("cruscotto", "cruscotto", ("slug",)),
    ("comuni", "ambiti:comuni", ("slug",)),
    ("registro", "ambiti:registro", ("slug",)),
    ("obiettivi", "obiettivi:panoramica", ("slug",)),
    ("obiettivo", "obiettivi:dettaglio", ("slug", "obiettivo")),
    ("piani", "piani:elenco", ("slug",)),
    ("piano", "piani:dettaglio", ("slug", "piano")),
    ("commenti", "piani:commenti", ("slug", "piano", "sezione")),
    ("sedute", "assemblea:sedute", ("slug",)),
    ("seduta", "assemblea:seduta", ("slug", "seduta")),
    ("votazione", "assemblea:votazione", ("slug", "seduta", "punto")),
    ("votazione in diretta", "assemblea:votazione-live", ("slug", "seduta", "punto")),
    ("ricevuta", "assemblea:ricevuta", ("slug",)),
    ("profilo", "accounts:profilo", ()),
    ("notifiche", "accounts:notifiche", ()),
    ("token", "api-token:elenco", ()),
    ("cambia password", "accounts:password_change", ()),
)


@dataclass
class Cliente:
    username: str
    ruolo: str  # "Ufficio di Piano" or "sindaco"
    pagine: list[tuple[str, str]]  # (label, path)
    codice: str = ""  # the recovery code of an Ufficio di Piano account
    opener: urllib.request.OpenerDirector | None = None
    cookie: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)


@dataclass
class Misura:
    pagina: str
    stato: int
    latenza_ms: float
    inizio: float
    testo: str = ""


# --- The server -------------------------------------------------------------------------------


def _ambiente(database_url: str, redis_url: str) -> dict:
    """Production settings, minus what needs TLS: plain HTTP on 127.0.0.1."""
    return {
        "DJANGO_SETTINGS_MODULE": "pdz.settings",
        "DJANGO_READ_DOT_ENV": "0",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "benchmark-soltanto-locale-0123456789abcdefghij"
        ),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
    }


def _porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _svuota_redis(redis_url: str) -> None:
    """Sessions and cached fragments of an earlier run would point at rows rebuilt since."""
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


def _avvia_gunicorn(ambiente, workers, threads, cartella):
    porta = _porta_libera()
    registro = (cartella / "gunicorn.log").open("wb")
    ambiente = ambiente | {
        "DJANGO_STATIC_ROOT": str(cartella / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{porta}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=ambiente,
        check=True,
    )
    comando = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        "gunicorn.conf.py",
        "pdz.wsgi:application",
    ]
    if workers is not None:
        comando += ["--workers", str(workers)]
    if threads is not None:
        comando += ["--threads", str(threads)]
    processo = subprocess.Popen(
        comando, cwd=BASE_DIR, env=ambiente, stdout=registro, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{porta}"
    scadenza = time.monotonic() + 60
    while time.monotonic() < scadenza:
        if processo.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url + SALUTE, timeout=2) as risposta:
                if risposta.status == 200:
                    return processo, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    processo.terminate()
    raise SystemExit(
        "Il server non è partito:\n" + (cartella / "gunicorn.log").read_text(errors="replace")
    )


def _configurazione_gunicorn(ambiente, workers, threads) -> str:
    """What gunicorn will run with: gunicorn.conf.py read as gunicorn reads it, then the options."""
    from gunicorn.config import Config

    config = Config()
    vecchio = dict(os.environ)
    os.environ.update(ambiente)
    try:
        spazio = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(vecchio)
    for nome, valore in spazio.items():
        if nome in config.settings:
            config.set(nome, valore)
    if workers is not None:
        config.set("workers", workers)
    if threads is not None:
        config.set("threads", threads)
    classe = config.worker_class_str
    if classe == "sync" and config.threads > 1:
        classe = "gthread"  # what gunicorn switches to with threads
    return f"{config.workers} worker x {config.threads} thread ({classe})"


# --- The data ---------------------------------------------------------------------------------


def _oggetti(dati) -> dict:
    """The measured ambito's objects the pages show: the busiest of each kind."""
    from django.db.models import Count

    from accounts.models import User
    from ambiti.models import Iscrizione
    from obiettivi.models import Obiettivo
    from piani.models import Piano, Sezione
    from tavoli.models import Incontro

    slug = dati.misurato
    assemblea = dati.assemblee[slug]
    incontro = (
        Incontro.objects.filter(tavolo__ambito__slug=slug, stato=Incontro.Stato.APPROVATO)
        .annotate(n=Count("esiti"))
        .order_by("-n", "pk")
        .first()
    )
    piano = Piano.objects.get(ambito__slug=slug)
    return {
        "slug": slug,
        "iscrizione": Iscrizione.objects.filter(ambito__slug=slug).order_by("pk").first().pk,
        "utente": User.objects.get(username=dati.sindaci_di(slug)[0].username).pk,
        "tavolo": incontro.tavolo_id,
        "incontro": incontro.pk,
        "obiettivo": Obiettivo.objects.filter(ambito__slug=slug)
        .annotate(n=Count("azioni"))
        .order_by("-n", "codice")
        .first()
        .pk,
        "piano": piano.pk,
        # The section whose live block lists the 250 comuni: the longest.
        "sezione": Sezione.objects.filter(piano=piano, blocco=Sezione.Blocco.COMUNI)
        .order_by("ordine")
        .first()
        .pk,
        "seduta": assemblea.seduta_pk,
        "punto": assemblea.punto_pk,
    }


def _percorsi(pagine, oggetti) -> list[tuple[str, str]]:
    from django.urls import reverse

    return [
        (etichetta, reverse(nome, args=[oggetti[a] for a in argomenti]))
        for etichetta, nome, argomenti in pagine
    ]


def _clienti(dati, oggetti, quanti, uffici_piano) -> list[Cliente]:
    from benchmarks import lombardia

    uffici_piano = min(uffici_piano, quanti)
    sindaci = dati.sindaci_di(dati.misurato)
    if quanti - uffici_piano > len(sindaci):
        raise SystemExit(f"Solo {len(sindaci)} sindaci nell'ambito misurato.")
    pagine_up = [*_percorsi(PAGINE_UFFICIO_PIANO, oggetti), (SALUTE, SALUTE)]
    pagine_sindaco = [*_percorsi(PAGINE_SINDACO, oggetti), (SALUTE, SALUTE)]
    clienti = []
    for n in range(uffici_piano):
        username = dati.uffici_piano[n % len(dati.uffici_piano)]
        clienti.append(
            Cliente(
                username,
                "Ufficio di Piano",
                [(f"{e} (UdP)" if p != SALUTE else SALUTE, p) for e, p in pagine_up],
                codice=lombardia.codici_di_recupero(username, 1)[0],
            )
        )
    # Sindaci spread over the ambito, from its smallest comuni to its largest.
    passo = max(1, len(sindaci) // max(1, quanti - uffici_piano))
    for sindaco in sindaci[::passo][: quanti - uffici_piano]:
        clienti.append(
            Cliente(
                sindaco.username,
                "sindaco",
                [(f"{e} (sindaco)" if p != SALUTE else SALUTE, p) for e, p in pagine_sindaco],
            )
        )
    return clienti


# --- HTTP ---------------------------------------------------------------------------------------


class _SenzaRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to count, not something to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


def _csrf(cliente) -> str:
    return next(c.value for c in cliente.cookie if c.name == "csrftoken")


def _richiesta(cliente, url, dati=None) -> tuple[int, str]:
    corpo = urllib.parse.urlencode(dati).encode() if dati is not None else None
    richiesta = urllib.request.Request(url, data=corpo)
    if dati is not None:
        richiesta.add_header("X-CSRFToken", _csrf(cliente))
    try:
        with cliente.opener.open(richiesta, timeout=120) as risposta:
            return risposta.status, risposta.read().decode(errors="replace")
    except urllib.error.HTTPError as errore:
        with errore:
            return errore.code, errore.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as errore:
        return 0, str(errore)


def _accedi(base, cliente, password) -> None:
    cliente.opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(cliente.cookie), _SenzaRedirect
    )
    url = base + "/account/accesso/"
    stato, _ = _richiesta(cliente, url)
    if stato != 200:
        raise SystemExit(f"Pagina di accesso: HTTP {stato}")
    stato, _ = _richiesta(
        cliente,
        url,
        {"username": cliente.username, "password": password, "csrfmiddlewaretoken": _csrf(cliente)},
    )
    if stato != 302 or not any(c.name == "sessionid" for c in cliente.cookie):
        raise SystemExit(f"Accesso non riuscito per {cliente.username}: HTTP {stato}")
    if cliente.codice:
        url = base + "/account/verifica/"
        stato, testo = _richiesta(
            cliente, url, {"codice": cliente.codice, "csrfmiddlewaretoken": _csrf(cliente)}
        )
        if stato != 302:
            raise SystemExit(
                f"Secondo fattore non accettato per {cliente.username}: HTTP {stato} {testo[:300]}"
            )


def _giro(base, cliente, caso) -> list[Misura]:
    pagine = list(cliente.pagine)
    caso.shuffle(pagine)
    misure = []
    for etichetta, percorso in pagine:
        inizio = time.perf_counter()
        stato, testo = _richiesta(cliente, base + percorso)
        latenza = (time.perf_counter() - inizio) * 1000
        misure.append(
            Misura(etichetta, stato, latenza, inizio, "" if stato == 200 else testo[:300])
        )
    return misure


def _carico(base, clienti, *, giri, durata, seme):
    """Each client in its own thread: a warm-up round, then `giri` rounds or `durata` seconds."""
    via = threading.Barrier(len(clienti) + 1)

    def lavora(n, cliente):
        caso = random.Random(seme * 1000 + n)
        riscaldamento = _giro(base, cliente, caso)
        via.wait()
        misure = []
        fine = time.perf_counter() + durata if durata else None
        fatti = 0
        while (fatti < giri) if fine is None else (time.perf_counter() < fine):
            misure += _giro(base, cliente, caso)
            fatti += 1
        return riscaldamento, misure

    with ThreadPoolExecutor(max_workers=len(clienti)) as pool:
        futuri = [pool.submit(lavora, n, c) for n, c in enumerate(clienti)]
        via.wait()
        inizio = time.perf_counter()
        risultati = [f.result() for f in futuri]
        trascorso = time.perf_counter() - inizio
    riscaldamento = [m for r, _ in risultati for m in r]
    misure = [m for _, ms in risultati for m in ms]
    return riscaldamento, misure, trascorso


# --- Printing -----------------------------------------------------------------------------------


def _percentile(valori, p) -> float:
    ordinati = sorted(valori)
    # Nearest rank: the smallest value with at least p% of the sample at or below it.
    indice = max(0, min(len(ordinati) - 1, -(-p * len(ordinati) // 100) - 1))
    return ordinati[indice]


def _riga(nome, valore):
    print(f"{nome + ':':<28}{valore}")


def _tabella(misure, trascorso) -> tuple[float, str, int]:
    per_pagina = defaultdict(list)
    for m in misure:
        per_pagina[m.pagina].append(m.latenza_ms)
    salute = _percentile(per_pagina[SALUTE], 95)
    righe = []
    for pagina, latenze in per_pagina.items():
        p95 = _percentile(latenze, 95)
        righe.append(
            (
                p95 / salute,
                pagina,
                len(latenze),
                len(latenze) / trascorso,
                _percentile(latenze, 50),
                p95,
                _percentile(latenze, 99),
            )
        )
    righe.sort(reverse=True)
    print(
        f"{'pagina':<34}{'richieste':>10}{'rich/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'p95/salute':>12}"
    )
    for rapporto, pagina, n, al_secondo, p50, p95, p99 in righe:
        print(
            f"{pagina:<34}{n:>10}{al_secondo:>8.1f}{p50:>8.0f}{p95:>8.0f}{p99:>8.0f}{rapporto:>12.1f}"
        )
    peggiore = next(r for r in righe if r[1] != SALUTE)
    oltre = sum(1 for r in righe if r[0] > OBIETTIVO_RAPPORTO)
    return peggiore[0], peggiore[1], oltre


def main() -> int:
    argomenti = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argomenti.add_argument(
        "--database-url",
        default=os.environ.get("PDZ_BENCH_DATABASE_URL", DATABASE_PREDEFINITO),
        help="the PostgreSQL database of the data set (dropped and created unless --riusa)",
    )
    argomenti.add_argument(
        "--redis-url",
        default=os.environ.get("PDZ_BENCH_REDIS_URL", ""),
        help="the server's Redis (REDIS_URL), flushed first; empty: none",
    )
    argomenti.add_argument("--riusa", action="store_true", help="reuse the data set already built")
    argomenti.add_argument("--scala", type=float, default=1.0, help="size of the made-up part")
    argomenti.add_argument("--seme", type=int, default=16, help="seed of the data and the order")
    argomenti.add_argument("--clienti", type=int, default=20, help="concurrent clients")
    argomenti.add_argument(
        "--uffici-piano", type=int, default=5, help="how many clients are Ufficio di Piano"
    )
    argomenti.add_argument("--giri", type=int, default=3, help="rounds of every page per client")
    argomenti.add_argument("--durata", type=float, help="seconds of load instead of --giri")
    argomenti.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's)")
    argomenti.add_argument("--threads", type=int, help="threads per worker (gunicorn.conf.py's)")
    argomenti.add_argument(
        "--conn-max-age",
        type=int,
        default=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        help="DJANGO_CONN_MAX_AGE of the server (default 60, as docker-compose.yml)",
    )
    argomenti.add_argument("--conserva", action="store_true", help="keep the server's log")
    opzioni = argomenti.parse_args()
    if not opzioni.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Serve un database PostgreSQL.")

    ambiente = os.environ | _ambiente(opzioni.database_url, opzioni.redis_url)
    ambiente["DJANGO_CONN_MAX_AGE"] = str(opzioni.conn_max_age)
    # This process builds the data: Django's settings, without the server's persistent connection.
    os.environ.update(_ambiente(opzioni.database_url, opzioni.redis_url))
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from benchmarks import lombardia

    cartella = Path(tempfile.mkdtemp(prefix="pdz-pages-load-"))
    server = None
    try:
        inizio = time.perf_counter()
        if opzioni.riusa:
            dati = lombardia.leggi()
        else:
            lombardia.ricrea_database(opzioni.database_url)
            print(f"database creato e migrato in {time.perf_counter() - inizio:.1f} s")
            dati = lombardia.costruisci(scala=opzioni.scala, seme=opzioni.seme)
        oggetti = _oggetti(dati)
        clienti = _clienti(dati, oggetti, opzioni.clienti, opzioni.uffici_piano)
        from django.db import connections

        connections.close_all()
        _svuota_redis(opzioni.redis_url)
        configurazione = _configurazione_gunicorn(ambiente, opzioni.workers, opzioni.threads)
        server, base = _avvia_gunicorn(ambiente, opzioni.workers, opzioni.threads, cartella)

        inizio = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(clienti)) as pool:
            list(pool.map(lambda c: _accedi(base, c, lombardia.PASSWORD), clienti))
        accessi = time.perf_counter() - inizio
        riscaldamento, misure, trascorso = _carico(
            base, clienti, giri=opzioni.giri, durata=opzioni.durata, seme=opzioni.seme
        )

        uffici = sum(1 for c in clienti if c.codice)
        print("== Pagine del portale sotto carico: rapporti a /salute/ ==")
        _riga("server", f"{base} (gunicorn -c gunicorn.conf.py, DEBUG off, static col manifest)")
        _riga("gunicorn", configurazione)
        _riga("CONN_MAX_AGE", opzioni.conn_max_age)
        _riga("Redis", opzioni.redis_url or "nessuno (sessioni nel database, cache locale)")
        _riga("database", opzioni.database_url.rsplit("@", 1)[-1])
        _riga(
            "dati",
            f"{dati.ambiti} ambiti, {dati.comuni} comuni; misurato {dati.misurato} "
            f"({len(dati.sindaci_di(dati.misurato))} comuni)",
        )
        _riga(
            "clienti",
            f"{len(clienti)} insieme ({uffici} Ufficio di Piano, {len(clienti) - uffici} sindaci)",
        )
        _riga("accesso", f"{accessi:.1f} s")
        _riga(
            "carico",
            (f"{opzioni.durata:.0f} s" if opzioni.durata else f"{opzioni.giri} giri")
            + f" dopo un giro di riscaldamento: {len(misure)} richieste in {trascorso:.1f} s "
            f"({len(misure) / trascorso:.1f} rich/s)",
        )
        print()
        rapporto, pagina, oltre = _tabella(misure, trascorso)
        print()
        print(f"peggior rapporto p95: {rapporto:.1f} ({pagina})")
        if oltre:
            print(
                f"obiettivo p95 <= {OBIETTIVO_RAPPORTO:.1f} x /salute/: NON raggiunto ({oltre} pagine oltre)"
            )
        else:
            print(f"obiettivo p95 <= {OBIETTIVO_RAPPORTO:.1f} x /salute/: raggiunto")
        errori = [m for m in riscaldamento + misure if m.stato != 200]
        print(f"errori (risposte diverse da 200): {len(errori)}")
        for (pagina, stato), n in sorted(Counter((m.pagina, m.stato) for m in errori).items()):
            esempio = next(m for m in errori if (m.pagina, m.stato) == (pagina, stato))
            print(f"  {pagina}: HTTP {stato} x {n} {esempio.testo[:160]!r}")
        return 1 if errori else 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if opzioni.conserva:
            print(f"registro del server in {cartella}")
        else:
            shutil.rmtree(cartella, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
