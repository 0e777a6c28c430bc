"""All 123 comuni of the three ambiti (or the 1,502 of Lombardy) vote at once over HTTP, then
each changes its vote once.

    .venv/bin/python benchmarks/vote_load.py [--url URL] [--database-url URL] [--workers N]
                                             [--threads N] [--conn-max-age S] [--seme N]
                                             [--lombardia [--scala S]] [--conserva]

Without --url it starts the portal itself: gunicorn (production settings, DEBUG off, several
workers and threads) on a free port of 127.0.0.1, on a dedicated PostgreSQL database that it
creates and migrates (default postgres://postgres@127.0.0.1:5432/pdz_bench_vote, dropped and
created again at each run). With --url it talks to a portal already running; --database-url must
then be that portal's database, where the data is prepared and the ballots are checked.

It prepares, through the portal's own services: the real territory (123 comuni, ANPR 1/1/2025),
one sindaco account per comune, and for each ambito a voting rule, an open session, an agenda
item and an open vote. It logs the 123 sindaci in (the login form, with its CSRF token), then:
1. fires the 123 ballots at the same moment (POST assemblea:vota, one thread per sindaco);
2. fires the 123 changes of vote at the same moment, each to a different choice;
and reads the database: every accepted ballot (303) must be stored as its comune's last choice,
with one ballot per comune and one log entry per accepted call. It prints the ballots sent,
accepted (303) and refused (409), the time, the throughput, the p50/p95/p99 latency, and the
lost and duplicated ballots; it exits with status 1 if any ballot is lost or duplicated or any
request failed otherwise.

With --lombardia (not with --url) the database holds instead the Lombardy-scale data set of
benchmarks/lombardia.py: 91 ambiti, 1,502 comuni, each ambito with its open session and open vote
(its rule one of three believable variants) and one sindaco per comune. The 1,502 sindaci are
signed in on the server side (Django's login() on the session store, as the test client's
force_login, with the CSRF cookie Django gives the session): 1,502 password checks would only
measure PBKDF2. Then every sindaco of the region fires at the same moment, and changes vote at
the same moment, with the same checks and figures. --scala 0.1 builds a tenth of the made-up part
to try it quickly.

Standard library only on the client side (urllib, http.cookiejar): nothing to install.
"""

import argparse
import http.cookiejar
import os
import random
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
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_PREDEFINITO = "postgres://postgres@127.0.0.1:5432/pdz_bench_vote"
PASSWORD = "benchmark-voto-0123456789"
PREFISSO = "bench.voto"
SCELTE = ("favorevole", "contrario", "astenuto")
# How long a client waits for its answer. A call given up on may still be stored by the server,
# and the checks could not tell which: with 1,502 ballots queued at once the last ones wait
# for minutes, so --lombardia waits longer.
ATTESA_S = {"normale": 60, "lombardia": 600}
attesa_s = ATTESA_S["normale"]
# The rules of the three ambiti, as believable variants of real regolamenti.
REGOLE = {
    "cremonese": {"peso": "uno", "quorum": "teste", "misura_maggioranza": "teste"},
    "cremasco": {
        "peso": "popolazione",
        "quorum": "entrambe",
        "maggioranza": "assoluta",
        "base": "presenti",
        "misura_maggioranza": "popolazione",
        "minimo_comuni_favorevoli": 11,
    },
    "oglio-po": {
        "peso": "popolazione",
        "quorum": "popolazione",
        "misura_maggioranza": "entrambe",
        "scrutinio": "segreto",
    },
}


@dataclass
class Elettore:
    username: str
    comune_pk: int
    comune: str
    votazione_pk: int
    url_voto: str
    scelte: tuple[str, str]
    opener: urllib.request.OpenerDirector | None = None
    cookie: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)


@dataclass
class Risposta:
    elettore: Elettore
    turno: int
    scelta: str
    stato: int
    latenza_ms: float
    testo: str = ""


# --- The server and its database --------------------------------------------------------------


def _ambiente(database_url: str) -> dict:
    """Production settings, minus what needs TLS: plain HTTP on 127.0.0.1. The static files are
    collected with the manifest, as the image does (_avvia_gunicorn)."""
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
        # Redis is optional: without it sessions live in the database, as in a first install.
        "REDIS_URL": os.environ.get("PDZ_BENCH_REDIS_URL", ""),
    }


def _ricrea_database(database_url: str) -> None:
    import psycopg

    parti = urllib.parse.urlsplit(database_url)
    nome = parti.path.lstrip("/")
    if not nome.replace("_", "").isalnum():
        raise SystemExit(f"Nome di database non valido: {nome!r}")
    amministrazione = urllib.parse.urlunsplit(parti._replace(path="/postgres"))
    with psycopg.connect(amministrazione, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{nome}"')


def _django(database_url: str, *, migra: bool) -> None:
    os.environ.update(_ambiente(database_url))
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    if migra:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def _porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _avvia_gunicorn(database_url, workers, threads, conn_max_age, cartella):
    porta = _porta_libera()
    registro = (cartella / "gunicorn.log").open("wb")
    ambiente = (
        os.environ
        | _ambiente(database_url)
        | {
            "DJANGO_CONN_MAX_AGE": str(conn_max_age),
            "DJANGO_STATIC_ROOT": str(cartella / "static"),
            "GUNICORN_BIND": f"127.0.0.1:{porta}",
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=ambiente,
        check=True,
    )
    processo = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "gunicorn.conf.py",
            "pdz.wsgi:application",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--backlog",
            "2048",
            "--timeout",
            "60",
        ],
        cwd=BASE_DIR,
        env=ambiente,
        stdout=registro,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{porta}"
    scadenza = time.monotonic() + 60
    while time.monotonic() < scadenza:
        if processo.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url + "/salute/", timeout=2) as risposta:
                if risposta.status == 200:
                    return processo, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    processo.terminate()
    raise SystemExit(
        "Il server non è partito:\n" + (cartella / "gunicorn.log").read_text(errors="replace")
    )


# --- The data ---------------------------------------------------------------------------------


def _prepara_lombardia(seme: int, scala: float) -> tuple[list[Elettore], dict, int]:
    """The Lombardy-scale data set: every ambito's vote is already open (benchmarks/lombardia)."""
    from accounts.models import User
    from benchmarks import lombardia

    dati = lombardia.costruisci(scala=scala, seme=seme)
    caso = random.Random(seme)
    uffici = User.objects.in_bulk([a.ufficio_piano_pk for a in dati.assemblee.values()])
    votazioni = {
        a.votazione_pk: (a.ambito, uffici[a.ufficio_piano_pk]) for a in dati.assemblee.values()
    }
    elettori = []
    for sindaco in dati.sindaci:
        prima = caso.choice(SCELTE)
        seconda = caso.choice([s for s in SCELTE if s != prima])
        elettori.append(
            Elettore(
                username=sindaco.username,
                comune_pk=sindaco.comune_pk,
                comune=sindaco.comune,
                votazione_pk=sindaco.votazione_pk,
                url_voto=sindaco.url_voto,
                scelte=(prima, seconda),
            )
        )
    return elettori, votazioni, 0


def _prepara(seme: int) -> tuple[list[Elettore], dict, int]:
    """Territory, accounts, rules, open sessions and votes, through the portal's services."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Ruolo, User
    from ambiti.models import Ambito, Comune
    from ambiti.territorio import carica_territorio
    from assemblea import services
    from assemblea.models import Delega, PuntoOdg, RegolaVoto, Seduta, Votazione

    caso = random.Random(seme)
    # One hash for every account: hashing 123 times would only measure PBKDF2.
    hash_password = make_password(PASSWORD)
    elettori, votazioni, delegati = [], {}, 0
    with transaction.atomic():
        carica_territorio()
        for slug, campi in REGOLE.items():
            ambito = Ambito.objects.get(slug=slug)
            up, _ = User.objects.get_or_create(
                username=f"{PREFISSO}.up.{slug}", defaults={"password": hash_password}
            )
            Ruolo.objects.get_or_create(user=up, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=ambito)
            # The ambito's rules if it has them (a portal in use), else the benchmark's.
            regola = services.regola_corrente(ambito) or services.nuova_regola(
                RegolaVoto(ambito=ambito, **campi), utente=up
            )
            seduta = Seduta.objects.create(
                ambito=ambito,
                titolo=f"Prova di carico del voto — {timezone.now():%d/%m/%Y %H:%M:%S}",
                modalita=Seduta.Modalita.ONLINE,
                link_online="https://riunioni.example.org/prova-di-carico",
                prima_convocazione=timezone.now() - timedelta(minutes=5),
                convocata_da=up,
            )
            seduta = services.apri_seduta(seduta, utente=up, convocazione=Seduta.Convocazione.PRIMA)
            punto = PuntoOdg.objects.create(
                seduta=seduta, ordine=1, titolo="Approvazione del Piano di Zona 2025-2027"
            )
            votazione = services.apri_votazione(
                Votazione.objects.create(punto=punto, regola=regola), utente=up
            )
            votazioni[votazione.pk] = (slug, up)
            url_voto = reverse(
                "assemblea:vota", kwargs={"slug": slug, "pk": seduta.pk, "punto": punto.pk}
            )
            occupati = set(
                Ruolo.objects.attivi()
                .filter(tipo=Ruolo.Tipo.SINDACO, comune__ambito=ambito)
                .exclude(user__username__startswith=PREFISSO)
                .values_list("comune_id", flat=True)
            )
            for comune in Comune.objects.filter(ambito=ambito).order_by("nome"):
                user, _ = User.objects.get_or_create(
                    username=f"{PREFISSO}.sindaco.{comune.codice_istat}",
                    defaults={"first_name": "Sindaco di", "last_name": comune.nome},
                )
                user.password = hash_password
                user.save(update_fields=["password"])
                if comune.pk in occupati:
                    # A portal in use already has this comune's sindaco: ours is his delegate.
                    Ruolo.objects.get_or_create(
                        user=user, tipo=Ruolo.Tipo.DELEGATO, ambito=ambito, comune=comune
                    )
                    Delega.objects.create(
                        seduta=seduta, comune=comune, delegato=user, atto="Prova di carico"
                    )
                    delegati += 1
                else:
                    Ruolo.objects.get_or_create(
                        user=user, tipo=Ruolo.Tipo.SINDACO, ambito=ambito, comune=comune
                    )
                prima = caso.choice(SCELTE)
                seconda = caso.choice([s for s in SCELTE if s != prima])
                elettori.append(
                    Elettore(
                        username=user.username,
                        comune_pk=comune.pk,
                        comune=comune.nome,
                        votazione_pk=votazione.pk,
                        url_voto=url_voto,
                        scelte=(prima, seconda),
                    )
                )
    return elettori, votazioni, delegati


# --- HTTP ---------------------------------------------------------------------------------------


class _SenzaRedirect(urllib.request.HTTPRedirectHandler):
    """A 302 or 303 is the answer we measure, not something to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


def _csrf(elettore) -> str:
    return next(c.value for c in elettore.cookie if c.name == "csrftoken")


def _richiesta(elettore, url, dati=None) -> tuple[int, str]:
    corpo = urllib.parse.urlencode(dati).encode() if dati is not None else None
    richiesta = urllib.request.Request(url, data=corpo)
    if dati is not None:
        richiesta.add_header("X-CSRFToken", _csrf(elettore))
    try:
        with elettore.opener.open(richiesta, timeout=attesa_s) as risposta:
            return risposta.status, risposta.read().decode(errors="replace")
    except urllib.error.HTTPError as errore:
        with errore:
            return errore.code, errore.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as errore:
        # No answer at all: counted among the unexpected ones, as status 0.
        return 0, str(errore)


def _accedi(base, elettore) -> None:
    elettore.opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(elettore.cookie), _SenzaRedirect
    )
    url = base + "/account/accesso/"
    stato, _ = _richiesta(elettore, url)
    if stato != 200:
        raise SystemExit(f"Pagina di accesso: HTTP {stato}")
    stato, _testo = _richiesta(
        elettore,
        url,
        {
            "username": elettore.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _csrf(elettore),
        },
    )
    if stato != 302 or not any(c.name == "sessionid" for c in elettore.cookie):
        raise SystemExit(f"Accesso non riuscito per {elettore.username}: HTTP {stato}")


def _sessioni(base, elettori) -> None:
    """Signs every sindaco in on the server side, as the login view would after the password: a
    session in the session store (login() and its signals) and the CSRF cookie that goes with it."""
    from django.conf import settings
    from django.contrib.auth import load_backend, login
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    from accounts.models import User

    host = urllib.parse.urlsplit(base).hostname
    utenti = User.objects.in_bulk([e.username for e in elettori], field_name="username")
    fabbrica = RequestFactory()
    # The first backend that can read the user back from the session, as force_login picks it
    # (axes's comes first and only watches the password).
    backend = next(
        b for b in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(b), "get_user")
    )
    for elettore in elettori:
        richiesta = fabbrica.get("/account/accesso/")
        richiesta.session = import_module(settings.SESSION_ENGINE).SessionStore()
        login(richiesta, utenti[elettore.username], backend=backend)
        richiesta.session.save()
        get_token(richiesta)
        for nome, valore in (
            (settings.SESSION_COOKIE_NAME, richiesta.session.session_key),
            (settings.CSRF_COOKIE_NAME, richiesta.META["CSRF_COOKIE"]),
        ):
            elettore.cookie.set_cookie(
                http.cookiejar.Cookie(
                    0, nome, valore, None, False, host, False, False, "/", True, False, None,
                    True, None, None, {},
                )
            )  # fmt: skip
        elettore.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(elettore.cookie), _SenzaRedirect
        )


def _raffica(base, elettori, turno) -> tuple[list[Risposta], float]:
    """Every sindaco sends his ballot at the same moment; returns the answers and the elapsed."""
    via = threading.Barrier(len(elettori) + 1)

    def vota(elettore):
        scelta = elettore.scelte[turno]
        dati = {"scelta": scelta, "comune": elettore.comune_pk}
        via.wait()
        inizio = time.perf_counter()
        stato, testo = _richiesta(elettore, base + elettore.url_voto, dati)
        latenza = (time.perf_counter() - inizio) * 1000
        return Risposta(elettore, turno, scelta, stato, latenza, testo if stato != 303 else "")

    with ThreadPoolExecutor(max_workers=len(elettori)) as pool:
        futuri = [pool.submit(vota, e) for e in elettori]
        via.wait()
        inizio = time.perf_counter()
        risposte = [f.result() for f in futuri]
        durata = time.perf_counter() - inizio
    return risposte, durata


# --- Checking and printing ----------------------------------------------------------------------


def _controlla(risposte, votazioni) -> dict:
    """Lost: an accepted call whose choice is not what the database counts for its comune, or
    that is missing from the log. Duplicated: more than one ballot for a comune, or a ballot
    nobody's accepted call explains."""
    from django.db.models import Count

    from assemblea.models import EventoVoto, Voto

    ultime = {}
    for r in sorted(risposte, key=lambda r: r.turno):
        if r.stato == 303:
            ultime[(r.elettore.votazione_pk, r.elettore.comune_pk)] = r.scelta
    voti = Voto.objects.filter(votazione__in=votazioni)
    salvati = {(v.votazione_id, v.comune_id): v.scelta for v in voti}
    persi = sum(1 for chiave, scelta in ultime.items() if salvati.get(chiave) != scelta)
    accettate = sum(1 for r in risposte if r.stato == 303)
    eventi = EventoVoto.objects.filter(votazione__in=votazioni).count()
    persi += max(0, accettate - eventi)
    doppi = sum(
        n - 1
        for n in voti.values("votazione", "comune")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
        if n > 1
    )
    doppi += sum(1 for chiave in salvati if chiave not in ultime)
    doppi += max(0, eventi - accettate)
    return {"persi": persi, "doppi": doppi, "voti": len(salvati), "eventi": eventi}


def _percentile(valori, p) -> float:
    ordinati = sorted(valori)
    # Nearest rank: the smallest value with at least p% of the sample at or below it.
    indice = max(0, min(len(ordinati) - 1, -(-p * len(ordinati) // 100) - 1))
    return ordinati[indice]


def _riga(nome, valore):
    print(f"{nome + ':':<36}{valore}")


def _stampa_fase(nome, risposte, durata):
    latenze = [r.latenza_ms for r in risposte]
    stati = Counter(r.stato for r in risposte)
    _riga(
        nome,
        f"{len(risposte)} inviati, {stati[303]} accolti, {stati[409]} rifiutati, "
        f"{durata:.2f} s, {len(risposte) / durata:.0f} voti/s, "
        f"p50 {_percentile(latenze, 50):.0f} ms, p95 {_percentile(latenze, 95):.0f} ms, "
        f"p99 {_percentile(latenze, 99):.0f} ms",
    )


def main() -> int:
    argomenti = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argomenti.add_argument("--url", help="a portal already running, e.g. http://127.0.0.1:8000")
    argomenti.add_argument(
        "--database-url",
        default=os.environ.get("PDZ_BENCH_DATABASE_URL", DATABASE_PREDEFINITO),
        help="the portal's PostgreSQL database (created again if the script starts the server)",
    )
    argomenti.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    argomenti.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    argomenti.add_argument(
        "--conn-max-age",
        type=int,
        default=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        help="DJANGO_CONN_MAX_AGE of the server started here (default 60, as docker-compose.yml)",
    )
    argomenti.add_argument("--seme", type=int, default=6, help="seed of the choices")
    argomenti.add_argument(
        "--lombardia",
        action="store_true",
        help="the 1,502 comuni of the 91 ambiti of benchmarks/lombardia.py vote at once",
    )
    argomenti.add_argument(
        "--scala", type=float, default=1.0, help="with --lombardia: size of the made-up part"
    )
    argomenti.add_argument("--conserva", action="store_true", help="keep the server's log")
    opzioni = argomenti.parse_args()
    if opzioni.lombardia and opzioni.url:
        raise SystemExit("--lombardia costruisce i suoi dati: non si usa con --url.")
    if not opzioni.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Serve un database PostgreSQL: il voto blocca le righe.")

    global attesa_s
    attesa_s = ATTESA_S["lombardia" if opzioni.lombardia else "normale"]
    cartella = Path(tempfile.mkdtemp(prefix="pdz-vote-load-"))
    server = None
    try:
        if opzioni.lombardia:
            _django(opzioni.database_url, migra=False)
            from benchmarks import lombardia

            lombardia.ricrea_database(opzioni.database_url)
            inizio = time.perf_counter()
            elettori, votazioni, delegati = _prepara_lombardia(opzioni.seme, opzioni.scala)
        else:
            if opzioni.url is None:
                _ricrea_database(opzioni.database_url)
            _django(opzioni.database_url, migra=opzioni.url is None)
            inizio = time.perf_counter()
            elettori, votazioni, delegati = _prepara(opzioni.seme)
        preparazione = time.perf_counter() - inizio
        if opzioni.url is None:
            server, base = _avvia_gunicorn(
                opzioni.database_url,
                opzioni.workers,
                opzioni.threads,
                opzioni.conn_max_age,
                cartella,
            )
            descrizione_server = (
                f"gunicorn avviato qui, {opzioni.workers} worker x {opzioni.threads} thread, "
                f"CONN_MAX_AGE={opzioni.conn_max_age}"
            )
        else:
            base = opzioni.url.rstrip("/")
            descrizione_server = "già in funzione"

        inizio = time.perf_counter()
        if opzioni.lombardia:
            _sessioni(base, elettori)
            modo_accesso = "sessioni create sul server"
        else:
            with ThreadPoolExecutor(max_workers=16) as pool:
                list(pool.map(lambda e: _accedi(base, e), elettori))
            modo_accesso = "modulo di accesso"
        accessi = time.perf_counter() - inizio

        primi, durata_primi = _raffica(base, elettori, 0)
        cambi, durata_cambi = _raffica(base, elettori, 1)
        risposte = primi + cambi
        esito = _controlla(risposte, votazioni)

        from assemblea import services
        from assemblea.models import Votazione

        esiti = []
        for pk, (slug, up) in votazioni.items():
            chiusa = services.chiudi_votazione(Votazione.objects.get(pk=pk), utente=up)
            esiti.append(f"{slug} {chiusa.esito}")

        latenze = [r.latenza_ms for r in risposte]
        stati = Counter(r.stato for r in risposte)
        durata = durata_primi + durata_cambi
        altri = {s: n for s, n in stati.items() if s not in (303, 409)}
        print("== Voto dell'Assemblea dei Sindaci: prova di carico ==")
        _riga("server", f"{base} ({descrizione_server})")
        _riga("database", opzioni.database_url.rsplit("@", 1)[-1])
        _riga(
            "comuni che votano",
            f"{len(elettori)} in {len(votazioni)} votazioni"
            + (f" ({delegati} tramite delegato)" if delegati else ""),
        )
        _riga("preparazione dei dati", f"{preparazione:.1f} s")
        _riga("attesa massima di una risposta", f"{attesa_s} s")
        _riga("accesso dei sindaci", f"{accessi:.1f} s ({len(elettori)} accessi, {modo_accesso})")
        _stampa_fase("1. primo voto (tutti insieme)", primi, durata_primi)
        _stampa_fase("2. cambio di voto (tutti insieme)", cambi, durata_cambi)
        _riga("voti inviati", len(risposte))
        _riga("accolti (303)", stati[303])
        _riga("rifiutati (409)", stati[409])
        if altri:
            _riga("altre risposte", ", ".join(f"HTTP {s}: {n}" for s, n in sorted(altri.items())))
            esempio = next(r for r in risposte if r.stato in altri)
            _riga("  per esempio", f"{esempio.elettore.username}: {esempio.testo[:200]!r}")
        _riga("tempo totale delle due raffiche", f"{durata:.2f} s")
        _riga("throughput", f"{len(risposte) / durata:.0f} voti/s")
        _riga("latenza p50", f"{_percentile(latenze, 50):.0f} ms")
        _riga("latenza p95", f"{_percentile(latenze, 95):.0f} ms")
        _riga("latenza p99", f"{_percentile(latenze, 99):.0f} ms")
        _riga("latenza massima", f"{max(latenze):.0f} ms")
        _riga(
            "voti nel database", f"{esito['voti']} (uno per comune), {esito['eventi']} nel registro"
        )
        _riga("voti persi", esito["persi"])
        _riga("voti duplicati", esito["doppi"])
        _riga("esiti alla chiusura", ", ".join(esiti))
        ok = esito["persi"] == 0 and esito["doppi"] == 0 and not altri
        print("OK" if ok else "ERRORE: voti persi, duplicati o risposte inattese")
        return 0 if ok else 1
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
