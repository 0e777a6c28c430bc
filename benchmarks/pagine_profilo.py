"""What the portal's heaviest pages cost in CPU, as ratios to a /salute/ request of the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pdz_bench_pagine \\
        .venv/bin/python benchmarks/pagine_profilo.py [--ripetizioni N] [--profilo PAGINA]
        [--ricrea]

Builds (once; --ricrea builds again) a region the size of Lombardia in the database of
DATABASE_URL: 91 ambiti and about 1,500 comuni, one ambito (the Cremasco) of 250 comuni with
150 enti in its register, 30 tables of 20 members and 10 meetings each, and one meeting with 40
outcomes, 30 present and comments; every other ambito has its register, tables and meetings too,
so that a query that scans the region instead of the ambito shows. Then it asks each page in
turn with Django's test client, as the Ufficio di Piano of the Cremasco (and the dashboard also
as the administrator, who sees all 91 ambiti in the navigation), and prints the median time of
each as a ratio to the median of /salute/ measured alternately in the same run: the pages of
issue 16 should stay at most 3.0. With --profilo it prints cProfile's top functions of one page.

The ratio in this script is the in-process CPU cost of a request (no network, no gunicorn); the
load benchmark measures the p95 of the same pages under concurrency.
"""

import argparse
import cProfile
import datetime
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
AMBITI_IN_PIU = 88
COMUNI_PER_AMBITO = 14
COMUNI_GRANDE = 250
ENTI_GRANDE = 150
ENTI_PER_AMBITO = 20
TAVOLI_GRANDE = 30
TAVOLI_PER_AMBITO = 8
MEMBRI = 20
INCONTRI = 10


def _prepara_ambiente():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database (the measure is for production).")
    os.environ["DJANGO_SETTINGS_MODULE"] = "pdz.settings"
    os.environ["DJANGO_READ_DOT_ENV"] = "0"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-soltanto-locale-0123456789abcdefghij")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("PDZ_SECONDO_FATTORE_OBBLIGATORIO", "false")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    # The manifest needs collectstatic; the page's cost is the same with plain static URLs.
    from django.conf import settings

    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


def _costruisci():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Ruolo
    from ambiti.demo import carica_aree_policy
    from ambiti.models import AreaPolicy, Ats, Comune, Ente, Iscrizione
    from ambiti.territorio import carica_territorio
    from tavoli.models import Commento, Esito, Incontro, Membro, Presenza, Tavolo

    call_command("flush", verbosity=0, interactive=False)
    carica_territorio()
    carica_aree_policy()
    from ambiti.models import Ambito

    User = get_user_model()
    oggi = timezone.localdate()
    ats = Ats.objects.first()
    nuovi = Ambito.objects.bulk_create(
        Ambito(nome=f"Ambito {i:03d}", slug=f"ambito-{i:03d}", ats=ats)
        for i in range(AMBITI_IN_PIU)
    )
    cremasco = Ambito.objects.get(slug="cremasco")
    comuni = []
    codice = 900000

    def comune(ambito, nome):
        nonlocal codice
        codice += 1
        return Comune(
            codice_istat=str(codice),
            nome=nome,
            provincia="MI",
            ambito=ambito,
            popolazione=1000 + codice % 5000,
            popolazione_data=oggi,
            popolazione_fonte="benchmark",
        )

    for ambito in nuovi:
        comuni += [comune(ambito, f"{ambito.nome} comune {j}") for j in range(COMUNI_PER_AMBITO)]
    gia = cremasco.comuni.count()
    comuni += [comune(cremasco, f"Comune cremasco {j:03d}") for j in range(COMUNI_GRANDE - gia)]
    Comune.objects.bulk_create(comuni)

    aree = list(AreaPolicy.objects.all()[:8])
    udp = User.objects.create_user("udp_bench", password="x", first_name="Ufficio")
    User.objects.create_superuser("admin_bench", password="x")
    Ruolo.objects.create(user=udp, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=cremasco)
    adesso = timezone.now()
    for ambito in [cremasco, *nuovi]:
        grande = ambito == cremasco
        n_enti = ENTI_GRANDE if grande else ENTI_PER_AMBITO
        enti = Ente.objects.bulk_create(
            Ente(denominazione=f"Ente {ambito.slug} {j:03d}", tipo=Ente.Tipo.APS)
            for j in range(n_enti)
        )
        iscrizioni = Iscrizione.objects.bulk_create(
            Iscrizione(ambito=ambito, ente=e, data_iscrizione=oggi) for e in enti
        )
        Through = Iscrizione.aree_policy.through
        Through.objects.bulk_create(
            Through(iscrizione_id=i.pk, areapolicy_id=a.pk)
            for k, i in enumerate(iscrizioni)
            for a in aree[k % 4 : k % 4 + 2]
        )
        # The mayors: a role per comune, as an Assemblea has.
        sindaci = User.objects.bulk_create(
            User(username=f"sindaco-{c.pk}") for c in ambito.comuni.all()
        )
        Ruolo.objects.bulk_create(
            Ruolo(user=u, tipo=Ruolo.Tipo.SINDACO, ambito=ambito, comune=c)
            for u, c in zip(sindaci, ambito.comuni.all(), strict=True)
        )
        tavoli = Tavolo.objects.bulk_create(
            Tavolo(ambito=ambito, titolo=f"Tavolo {j:02d}")
            for j in range(TAVOLI_GRANDE if grande else TAVOLI_PER_AMBITO)
        )
        Tavolo.aree_policy.through.objects.bulk_create(
            Tavolo.aree_policy.through(tavolo_id=t.pk, areapolicy_id=aree[j % 8].pk)
            for j, t in enumerate(tavoli)
        )
        Tavolo.coordinatori.through.objects.bulk_create(
            Tavolo.coordinatori.through(tavolo_id=t.pk, user_id=sindaci[j % len(sindaci)].pk)
            for j, t in enumerate(tavoli)
        )
        membri = Membro.objects.bulk_create(
            Membro(tavolo=t, ente=enti[(j + k) % n_enti])
            for j, t in enumerate(tavoli)
            for k in range(MEMBRI)
        )
        incontri = Incontro.objects.bulk_create(
            Incontro(
                tavolo=t,
                titolo=f"Incontro {k}",
                inizio=adesso + datetime.timedelta(days=14 * (k - INCONTRI // 2)),
                fine=adesso + datetime.timedelta(days=14 * (k - INCONTRI // 2), hours=2),
                luogo="Sala consiliare",
                verbale="Testo del verbale. " * 50,
                uid=f"{t.pk}-{k}",
            )
            for t in tavoli
            for k in range(INCONTRI)
        )
        per_tavolo = {}
        for m in membri:
            per_tavolo.setdefault(m.tavolo_id, []).append(m)
        Presenza.objects.bulk_create(
            Presenza(incontro=i, membro=m, partecipanti=1)
            for i in incontri
            for m in per_tavolo[i.tavolo_id][:12]
        )
        tipi = list(Esito.Tipo.values)
        Esito.objects.bulk_create(
            Esito(
                incontro=i,
                tipo=tipi[k % len(tipi)],
                testo=f"Esito {k} dell'incontro {i.pk}",
                area_policy=aree[k % 8],
                ordine=k,
            )
            for i in incontri
            for k in range(6)
        )
    # The meeting of the issue: a long one with 40 outcomes, everyone present, comments.
    incontro = Incontro.objects.filter(tavolo__ambito=cremasco).order_by("pk").first()
    tipi = list(Esito.Tipo.values)
    Esito.objects.bulk_create(
        Esito(incontro=incontro, tipo=tipi[k % len(tipi)], testo=f"Lungo {k}", ordine=10 + k)
        for k in range(34)
    )
    presenti = set(incontro.presenze.values_list("membro_id", flat=True))
    Presenza.objects.bulk_create(
        Presenza(incontro=incontro, membro=m, partecipanti=2)
        for m in incontro.tavolo.membri.exclude(pk__in=presenti)
    )
    Commento.objects.bulk_create(
        Commento(incontro=incontro, revisione=1, autore=udp, testo=f"Commento {k}")
        for k in range(10)
    )


def _pagine():
    from django.urls import reverse

    from tavoli.models import Incontro

    incontro = Incontro.objects.filter(tavolo__ambito__slug="cremasco").order_by("pk").first()
    tavolo = incontro.tavolo
    s = "cremasco"
    return {
        # A trivial page behind the login: what every page pays (middleware, base, navigation).
        "profilo": reverse("accounts:profilo"),
        "cruscotto": reverse("cruscotto", args=[s]),
        "tavoli": reverse("tavoli:elenco", args=[s]),
        "registro": reverse("ambiti:registro", args=[s]),
        "comuni": reverse("ambiti:comuni", args=[s]),
        "tavolo": reverse("tavoli:dettaglio", args=[s, tavolo.pk]),
        "proposte": reverse("tavoli:proposte", args=[s]),
        "incontro": reverse("tavoli:incontro", args=[s, tavolo.pk, incontro.pk]),
    }


def _cliente(username):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _tempo(client, url):
    """The CPU time of this process for one request, and its wall-clock time."""
    cpu, inizio = time.process_time(), time.perf_counter()
    risposta = client.get(url, secure=True)
    durata = time.process_time() - cpu, time.perf_counter() - inizio
    assert risposta.status_code == 200, (url, risposta.status_code)
    return durata


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ripetizioni", type=int, default=15)
    parser.add_argument("--profilo", help="name of a page: print its cProfile top functions")
    parser.add_argument("--query", help="name of a page: print its SQL queries with their time")
    parser.add_argument("--ricrea", action="store_true")
    argomenti = parser.parse_args()
    _prepara_ambiente()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django.db import transaction

    from tavoli.models import Commento

    # The comments of the long meeting are built last: without them the region is incomplete.
    if argomenti.ricrea or not Commento.objects.exists():
        print("Building the region...", flush=True)
        with transaction.atomic():
            _costruisci()
    pagine = _pagine()
    udp = _cliente("udp_bench")
    admin = _cliente("admin_bench")
    casi = [(nome, udp, url) for nome, url in pagine.items()]
    casi.insert(1, ("cruscotto (admin)", admin, pagine["cruscotto"]))

    if argomenti.query:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        _nome, client, url = next(c for c in casi if c[0] == argomenti.query)
        _tempo(client, url)
        with CaptureQueriesContext(connection) as query:
            _tempo(client, url)
        for q in query.captured_queries:
            print(f"{float(q['time']) * 1000:7.2f} ms  {q['sql'][:400]}")
        print(f"{len(query)} queries")
        return

    if argomenti.profilo:
        _nome, client, url = next(c for c in casi if c[0] == argomenti.profilo)
        for _ in range(3):
            _tempo(client, url)
        profilo = cProfile.Profile(time.process_time)
        profilo.enable()
        for _ in range(5):
            _tempo(client, url)
        profilo.disable()
        pstats.Stats(profilo).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profilo).sort_stats("tottime").print_stats(30)
        return

    # Warm-up: templates compiled, URL resolvers and content types cached.
    for _nome, client, url in casi:
        _tempo(client, url)
        _tempo(udp, "/salute/")
    salute, tempi = [], {nome: [] for nome, _c, _u in casi}
    for _ in range(argomenti.ripetizioni):
        for nome, client, url in casi:
            salute.append(_tempo(udp, "/salute/"))
            tempi[nome].append(_tempo(client, url))
    base_cpu = statistics.median(c for c, _w in salute)
    base = statistics.median(w for _c, w in salute)
    print(f"/salute/ median: CPU {base_cpu * 1000:.1f} ms, wall {base * 1000:.1f} ms (both 1.0)")
    print(f"{'page':<20} {'CPU ratio':>9} {'wall ratio':>10} {'CPU ms':>7} {'wall ms':>8}")
    for nome, valori in tempi.items():
        cpu = statistics.median(c for c, _w in valori)
        muro = statistics.median(w for _c, w in valori)
        print(
            f"{nome:<20} {cpu / base_cpu:9.1f} {muro / base:10.1f} {cpu * 1000:7.1f} "
            f"{muro * 1000:8.1f}"
        )


if __name__ == "__main__":
    main()
