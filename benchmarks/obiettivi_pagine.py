"""How long the objectives' pages take for the Ufficio di Piano, as ratios to /salute/.

    .venv/bin/python benchmarks/obiettivi_pagine.py [--database-url URL] [--ripetizioni N]
                                                    [--altri-ambiti N] [--profilo PAGINA]
                                                    [--conserva]

Builds, on a dedicated PostgreSQL database that it drops and creates again at each run (default
postgres://postgres@127.0.0.1:5432/pdz_bench_obiettivi, dropped at the end unless --conserva):
the real territory, the Cremasco with 40 objectives of the current plan (1-2 areas, 0-2 target
groups, 4 actions with two partners and their euro by fund, 3 years x 3 funds of resources, 2
indicators with targets and a measured value, proposals of its tables) and 12 of the previous
plan with their evaluation and spending; then --altri-ambiti (default 90) other ambiti with as
many objectives each, so that any query that scans the region's objectives instead of the
ambito's shows.

Then it requests, in process with Django's test client (production settings, DEBUG off), each
page of the objectives in the Ufficio di Piano's navigation, alternating with /salute/ (the
baseline: the database and Redis checked, nothing rendered), and prints for each page its median
time, its ratio to the median of /salute/ in the same run (the target of issue 16 is at most 3.0
under load, which only a lower figure here leaves room for) and its query count. With --profilo
(panoramica, dettaglio, valutazione, disponibilita, esporta) it prints the cProfile of that page
instead, sorted by cumulative time (by own time with PDZ_BENCH_ORDINE=tottime). Redis is the
one of PDZ_BENCH_REDIS_URL when set (as in production), none otherwise; --riusa measures the
database a --conserva run kept, without building it again.
"""

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_PREDEFINITO = "postgres://postgres@127.0.0.1:5432/pdz_bench_obiettivi"
OBIETTIVI = 40
AZIONI = 4
OBIETTIVI_PRECEDENTI = 12


def _ricrea_database(database_url: str, *, elimina: bool = False) -> None:
    import psycopg

    parti = urllib.parse.urlsplit(database_url)
    nome = parti.path.lstrip("/")
    if not nome.replace("_", "").isalnum():
        raise SystemExit(f"Nome di database non valido: {nome!r}")
    amministrazione = urllib.parse.urlunsplit(parti._replace(path="/postgres"))
    with psycopg.connect(amministrazione, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')
        if not elimina:
            conn.execute(f'CREATE DATABASE "{nome}"')


def _django(database_url: str, static_root: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "pdz.settings",
            "DJANGO_READ_DOT_ENV": "0",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": os.environ.get(
                "DJANGO_SECRET_KEY", "benchmark-soltanto-locale-0123456789abcdefghij"
            ),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            # The session is signed in with force_login: no second factor to type.
            "PDZ_SECONDO_FATTORE_OBBLIGATORIO": "false",
            "DATABASE_URL": database_url,
            "DJANGO_STATIC_ROOT": str(static_root),
            "REDIS_URL": os.environ.get("PDZ_BENCH_REDIS_URL", ""),
        }
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # The manifest of the static files, as the image collects it: production templates need it.
    call_command("collectstatic", verbosity=0, interactive=False)


def _obiettivi(ambiti, periodo, aree, fondi, gruppi, enti, *, quanti, codice=None):
    """`quanti` objectives for each ambito, with everything the pages show of them."""
    from obiettivi.models import (
        Azione,
        Indicatore,
        Obiettivo,
        Risorsa,
        RisorsaAzione,
        ValoreIndicatore,
    )

    obiettivi = Obiettivo.objects.bulk_create(
        Obiettivo(
            ambito=ambito,
            periodo=periodo,
            codice=codice(i) if codice else f"{i // 10 + 1}.{i % 10 + 1}",
            titolo=f"Obiettivo {i:03d}: rafforzare i servizi dell'ambito",
            descrizione="Un obiettivo del piano, con le sue azioni e i suoi indicatori.",
            integrazione_sociosanitaria=bool(i % 2),
            priorita=Obiettivo.Priorita.values[i % 3],
            stato=Obiettivo.Stato.values[i % 5],
        )
        for ambito in ambiti
        for i in range(quanti)
    )
    Aree = Obiettivo.aree_policy.through
    Aree.objects.bulk_create(
        Aree(obiettivo_id=o.pk, areapolicy_id=a.pk)
        for n, o in enumerate(obiettivi)
        for a in aree[n % len(aree) : n % len(aree) + 1 + n % 2]
    )
    Gruppi = Obiettivo.gruppi_destinatari.through
    Gruppi.objects.bulk_create(
        Gruppi(obiettivo_id=o.pk, destinatario_id=g.pk)
        for n, o in enumerate(obiettivi)
        for g in gruppi[n % 5 : n % 5 + n % 3]
    )
    azioni = Azione.objects.bulk_create(
        Azione(
            obiettivo=o,
            descrizione=f"Azione {j + 1} dell'obiettivo {o.codice}",
            responsabile=enti[j % len(enti)] if j % 2 == 0 else None,
            responsabile_altro="" if j % 2 == 0 else "Ufficio di Piano",
            risorse_assegnate=Decimal("1000.50") * (j + 1),
            avanzamento=(17 * j + n) % 101,
            ordine=j,
        )
        for n, o in enumerate(obiettivi)
        for j in range(AZIONI)
    )
    Partner = Azione.partner.through
    Partner.objects.bulk_create(
        Partner(azione_id=a.pk, ente_id=e.pk) for a in azioni if a.responsabile_id for e in enti[:2]
    )
    RisorsaAzione.objects.bulk_create(
        RisorsaAzione(azione=a, anno=periodo.anno_inizio, fondo=f, importo=Decimal("250.00"))
        for a in azioni
        for f in fondi[:2]
    )
    Risorsa.objects.bulk_create(
        Risorsa(obiettivo=o, anno=anno, fondo=f, importo=Decimal("1234.56") + n)
        for n, o in enumerate(obiettivi)
        for anno in periodo.anni
        for f in fondi[:3]
    )
    indicatori = Indicatore.objects.bulk_create(
        Indicatore(
            obiettivo=o,
            nome=f"Persone raggiunte {k + 1}",
            unita="persone",
            fonte="Cartella sociale",
            valore_base=Decimal("10.5"),
            anno_base=periodo.anno_inizio - 1,
        )
        for o in obiettivi
        for k in range(2)
    )
    ValoreIndicatore.objects.bulk_create(
        [
            ValoreIndicatore(indicatore=i, tipo="target", anno=anno, valore=20)
            for i in indicatori
            for anno in periodo.anni
        ]
        + [
            ValoreIndicatore(indicatore=i, tipo="misura", anno=periodo.anno_inizio, valore=12)
            for i in indicatori
        ]
    )
    return obiettivi


def _costruisci(altri_ambiti):
    from django.db import connection, transaction

    from accounts.models import Ruolo, User
    from ambiti.demo import carica_aree_policy, carica_enti_demo, carica_periodo
    from ambiti.models import Ambito, Ats, Ente
    from ambiti.territorio import carica_territorio
    from obiettivi.demo import carica_fondi
    from obiettivi.models import (
        Destinatario,
        Disponibilita,
        Obiettivo,
        Risorsa,
        SpesaEffettiva,
        Valutazione,
    )
    from tavoli.demo import carica_tavoli_demo
    from tavoli.models import Esito

    with transaction.atomic():
        carica_territorio()
        attuale, precedente = carica_periodo("2025-2027"), carica_periodo("2021-2023")
        aree, aree_precedenti = carica_aree_policy(attuale), carica_aree_policy(precedente)
        fondi = carica_fondi()
        carica_enti_demo()
        carica_tavoli_demo()
        gruppi = list(Destinatario.objects.filter(ambito=None))
        ambito = Ambito.objects.get(slug="cremasco")
        enti = list(Ente.objects.filter(iscrizioni__ambito=ambito).order_by("pk")) or list(
            Ente.objects.order_by("pk")[:3]
        )
        utente = User.objects.create_user("up.benchmark", password="non-usata-0123")
        Ruolo.objects.create(user=utente, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=ambito)

        ats = Ats.objects.first()
        altri = Ambito.objects.bulk_create(
            Ambito(nome=f"Ambito di prova {n:02d}", slug=f"prova-{n:02d}", ats=ats)
            for n in range(altri_ambiti)
        )
        _obiettivi(altri, attuale, aree, fondi, gruppi, enti, quanti=OBIETTIVI)
        _obiettivi(
            altri, precedente, aree_precedenti, fondi, gruppi, enti, quanti=OBIETTIVI_PRECEDENTI
        )

        suoi = _obiettivi([ambito], attuale, aree, fondi, gruppi, enti, quanti=OBIETTIVI)
        proposte = list(
            Esito.objects.filter(incontro__tavolo__ambito=ambito, tipo=Esito.Tipo.PROPOSTA)
        )
        Proposte = Obiettivo.proposte.through
        Proposte.objects.bulk_create(
            Proposte(obiettivo_id=o.pk, esito_id=p.pk)
            for n, o in enumerate(suoi)
            for p in proposte[n % max(len(proposte), 1) :][:2]
        )
        Disponibilita.objects.bulk_create(
            Disponibilita(
                ambito=ambito, periodo=attuale, fondo=f, anno=anno, importo=Decimal("90000")
            )
            for f in fondi
            for anno in attuale.anni
        )
        vecchi = _obiettivi(
            [ambito],
            precedente,
            aree_precedenti,
            fondi,
            gruppi,
            enti,
            quanti=OBIETTIVI_PRECEDENTI,
            codice=lambda i: str(i + 1),
        )
        SpesaEffettiva.objects.bulk_create(
            SpesaEffettiva(
                obiettivo_id=r.obiettivo_id, anno=r.anno, fondo_id=r.fondo_id, importo=1000
            )
            for r in Risorsa.objects.filter(obiettivo__in=vecchi)
        )
        Valutazione.objects.bulk_create(
            Valutazione(
                obiettivo=v,
                grado=Valutazione.Grado.values[n % 3],
                criticita="Personale insufficiente." if n % 2 else "",
                prosegue=bool(n % 2),
                obiettivo_successivo=suoi[n] if n % 2 else None,
            )
            for n, v in enumerate(vecchi)
        )
    # Statistics as autovacuum keeps them in production: without them the planner guesses.
    with connection.cursor() as cursore:
        cursore.execute("ANALYZE")
    return ambito, utente, suoi[0]


def _ritrova():
    from accounts.models import User
    from ambiti.models import Ambito, Periodo

    ambito = Ambito.objects.get(slug="cremasco")
    obiettivo = ambito.obiettivi.filter(periodo=Periodo.objects.corrente()).order_by("pk").first()
    return ambito, User.objects.get(username="up.benchmark"), obiettivo


def _pagine(ambito, obiettivo):
    from django.urls import reverse

    slug = ambito.slug
    return {
        "panoramica": reverse("obiettivi:panoramica", args=[slug]),
        "dettaglio": reverse("obiettivi:dettaglio", args=[slug, obiettivo.pk]),
        "valutazione": reverse("obiettivi:valutazione", args=[slug]),
        "disponibilita": reverse("obiettivi:disponibilita", args=[slug]),
        "esporta": reverse("obiettivi_dati:esporta", args=[slug, "xlsx"]),
    }


def _misura(client, url):
    inizio = time.perf_counter()
    risposta = client.get(url)
    durata = time.perf_counter() - inizio
    if risposta.status_code != 200:
        raise SystemExit(f"{url}: risposta {risposta.status_code}")
    return durata


def _query(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def main() -> None:
    argomenti = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argomenti.add_argument("--database-url", default=DATABASE_PREDEFINITO)
    argomenti.add_argument("--ripetizioni", type=int, default=15)
    argomenti.add_argument("--altri-ambiti", type=int, default=90)
    argomenti.add_argument("--profilo", help="the page to profile instead of timing")
    argomenti.add_argument("--righe", type=int, default=40, help="lines of the profile")
    argomenti.add_argument("--conserva", action="store_true", help="keep the database")
    argomenti.add_argument(
        "--riusa", action="store_true", help="measure the database a --conserva run kept"
    )
    opzioni = argomenti.parse_args()

    if not opzioni.riusa:
        _ricrea_database(opzioni.database_url)
    statici = Path(tempfile.mkdtemp(prefix="pdz-benchmark-statici-"))
    try:
        _django(opzioni.database_url, statici)
        if opzioni.riusa:
            ambito, utente, obiettivo = _ritrova()
        else:
            inizio = time.perf_counter()
            ambito, utente, obiettivo = _costruisci(opzioni.altri_ambiti)
            print(f"Dati costruiti in {time.perf_counter() - inizio:.1f} s")

        from django.db import connections
        from django.test import Client

        from obiettivi.models import Obiettivo

        print(
            f"obiettivi nella regione: {Obiettivo.objects.count()}, "
            f"dell'ambito misurato: {Obiettivo.objects.filter(ambito=ambito).count()}"
        )
        client = Client()
        client.force_login(utente)
        pagine = _pagine(ambito, obiettivo)
        salute = "/salute/"
        # Warm-up, not measured: imports, templates, the connection, the session.
        for url in [salute, *pagine.values()]:
            _misura(client, url)

        if opzioni.profilo:
            url = pagine[opzioni.profilo]
            profilo = cProfile.Profile()
            profilo.enable()
            for _ in range(opzioni.ripetizioni):
                client.get(url)
            profilo.disable()
            testo = io.StringIO()
            pstats.Stats(profilo, stream=testo).sort_stats(
                os.environ.get("PDZ_BENCH_ORDINE", "cumulative")
            ).print_stats(opzioni.righe)
            print(f"Profilo di {url}, {opzioni.ripetizioni} richieste")
            print(testo.getvalue())
            return

        tempi = {nome: [] for nome in ["salute", *pagine]}
        for _ in range(opzioni.ripetizioni):
            # /salute/ before each page, so that both see the same state of the machine.
            for nome, url in pagine.items():
                tempi["salute"].append(_misura(client, salute))
                tempi[nome].append(_misura(client, url))
        base = statistics.median(tempi["salute"])
        print(f"{'pagina':<15}{'mediana ms':>12}{'rapporto':>10}{'query':>7}")
        print(f"{'salute':<15}{base * 1000:>12.1f}{1:>10.1f}{_query(client, salute):>7}")
        for nome, url in pagine.items():
            mediana = statistics.median(tempi[nome])
            print(
                f"{nome:<15}{mediana * 1000:>12.1f}{mediana / base:>10.1f}{_query(client, url):>7}"
            )
        connections.close_all()
    finally:
        shutil.rmtree(statici, ignore_errors=True)
        if not (opzioni.conserva or opzioni.riusa):
            from django.db import connections

            connections.close_all()
            _ricrea_database(opzioni.database_url, elimina=True)


if __name__ == "__main__":
    main()
