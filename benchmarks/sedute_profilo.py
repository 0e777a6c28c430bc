"""The Assemblea's and the plan's pages on a large ambito, timed as ratios to /salute/.

    .venv/bin/python benchmarks/sedute_profilo.py [--database-url URL] [--ripetizioni N]
                                                 [--profila NOME] [--righe N] [--conserva]

It creates a dedicated PostgreSQL database (default
postgres://postgres@127.0.0.1:5432/pdz_bench_sedute, dropped and created again at each run unless
--conserva finds it already prepared), migrates it and prepares in bulk: the real territory plus
88 invented ambiti (1,502 comuni in all, 91 ambiti), one of them of 250 comuni with a sindaco
each; an open session with 240 presences and 20 delegations; an open named vote with 200
ballots, an open secret vote with 200 ballots, a closed vote; a plan of 40 sections with comments
and nine frozen versions of 1.7 MB each. Then it signs in the Ufficio di Piano and a sindaco with Django's test client and
requests each page N times (after a warm-up), and prints the shortest CPU time of this process
(what a gunicorn worker spends; PostgreSQL's own time is not in it) of each page divided
by the shortest CPU time of /salute/ measured in the same run: the ratio is what to compare between
runs and machines, the milliseconds are only for reading.

--profila NOME runs cProfile around that page's requests (NOME as printed in the first column)
and prints the functions with the most cumulative and internal time.
"""

import argparse
import cProfile
import datetime
import hashlib
import io
import os
import pstats
import sys
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_PREDEFINITO = "postgres://postgres@127.0.0.1:5432/pdz_bench_sedute"
COMUNI_GRANDE = 250
AMBITI_IN_PIU = 88
COMUNI_IN_TUTTO = 1502


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


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "pdz.settings_test"
    os.environ.setdefault("REDIS_URL", "")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(BASE_DIR))
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    # The test client's host, and the locmem e-mail backend.
    setup_test_environment()


# --- The data ----------------------------------------------------------------------------------


def _territorio():
    from ambiti.demo import carica_aree_policy
    from ambiti.models import Ambito, Ats, Comune
    from ambiti.territorio import carica_territorio

    carica_territorio()
    carica_aree_policy()
    ats = Ats.objects.first()
    esistenti = Comune.objects.count()
    nuovi = [
        Ambito(nome=f"Ambito di prova {i:02d}", slug=f"prova-{i:02d}", ats=ats)
        for i in range(AMBITI_IN_PIU)
    ]
    Ambito.objects.bulk_create(nuovi)
    grande, altri = nuovi[0], nuovi[1:]
    restanti = COMUNI_IN_TUTTO - esistenti - COMUNI_GRANDE
    comuni = [(grande, n) for n in range(COMUNI_GRANDE)]
    comuni += [(altri[n % len(altri)], COMUNI_GRANDE + n) for n in range(restanti)]
    Comune.objects.bulk_create(
        Comune(
            codice_istat=f"9{n:05d}",
            nome=f"Comune {n:04d}",
            provincia="MI",
            ambito=ambito,
            popolazione=500 + (n * 7919) % 60000,
            popolazione_data=datetime.date(2025, 1, 1),
            popolazione_fonte="ANPR",
        )
        for ambito, n in comuni
    )
    return Ambito.objects.get(pk=grande.pk)


def _persone(ambito):
    from accounts.models import Ruolo, User
    from ambiti.models import Comune

    comuni = list(Comune.objects.filter(ambito=ambito).order_by("codice_istat"))
    utenti = User.objects.bulk_create(
        [User(username="bench_up", first_name="Ufficio", last_name="Piano")]
        + [
            User(username=f"bench_sindaco_{c.pk}", first_name="Sindaco", last_name=c.nome)
            for c in comuni
        ]
        + [
            User(username=f"bench_delegato_{i}", first_name="Delegato", last_name=str(i))
            for i in range(20)
        ]
    )
    up, sindaci, delegati = utenti[0], utenti[1 : 1 + len(comuni)], utenti[1 + len(comuni) :]
    Ruolo.objects.bulk_create(
        [Ruolo(user=up, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=ambito)]
        + [
            Ruolo(user=s, tipo=Ruolo.Tipo.SINDACO, ambito=ambito, comune=c)
            for s, c in zip(sindaci, comuni, strict=True)
        ]
        + [
            Ruolo(user=d, tipo=Ruolo.Tipo.DELEGATO, ambito=ambito, comune=c)
            for d, c in zip(delegati, comuni[-20:], strict=True)
        ]
    )
    return up, sindaci, delegati, comuni


def _piano(ambito, up):
    from ambiti.demo import carica_periodo
    from ambiti.models import AreaPolicy
    from piani.models import CommentoSezione, Piano, RenderPDF, Sezione, VersionePiano

    periodo = carica_periodo()
    piano = Piano.objects.create(
        ambito=ambito,
        periodo=periodo,
        titolo="Piano di Zona 2025-2027",
        # Frozen for the Assemblea while its votes open; back in review after (prepara), so
        # that its page is the editor's, the heaviest.
        stato=Piano.Stato.PER_ASSEMBLEA,
        creato_da=up,
    )
    aree = list(AreaPolicy.objects.filter(periodo=periodo).order_by("ordine"))
    B = Sezione.Blocco
    blocchi = [(b, None) for b in (B.COMUNI, B.POPOLAZIONE, B.TAVOLI, B.RISORSE, B.VALUTAZIONE)]
    blocchi += [(B.OBIETTIVI, area) for area in aree]
    blocchi += [(B.NESSUNO, None)] * (40 - len(blocchi))
    sezioni = Sezione.objects.bulk_create(
        Sezione(
            piano=piano,
            ordine=i + 1,
            titolo=f"Sezione {i:03d}",
            testo="".join(f"<p>Paragrafo {j} della sezione {i}.</p>" for j in range(30)),
            blocco=blocco,
            area=area,
            modificata_da=up,
        )
        for i, (blocco, area) in enumerate(blocchi)
    )
    CommentoSezione.objects.bulk_create(
        CommentoSezione(sezione=s, autore=up, testo=f"Commento {i}") for i, s in enumerate(sezioni)
    )
    # Versions as large as a real plan's (its sections, the comuni's tables): eight superseded
    # ones, and the one the Assemblea votes on.
    html = "".join(s.testo for s in sezioni) * 40
    VersionePiano.objects.bulk_create(
        VersionePiano(
            piano=piano,
            numero=n,
            html=html,
            sha256_html=hashlib.sha256(html.encode()).hexdigest(),
            esito=VersionePiano.Esito.SUPERATA,
            creata_da=up,
        )
        for n in range(1, 9)
    )
    versione = VersionePiano.objects.create(
        piano=piano,
        numero=9,
        html=html,
        sha256_html=hashlib.sha256(html.encode()).hexdigest(),
        creata_da=up,
    )
    RenderPDF.objects.create(
        piano=piano,
        versione=versione,
        sha256_html=versione.sha256_html,
        stato=RenderPDF.Stato.COMPLETATO,
        progresso=100,
        sha256_pdf="0" * 64,
        file="piani/pdf/bench.pdf",
    )
    return piano, versione


def _assemblea(ambito, up, sindaci, delegati, comuni, versione):
    from django.utils import timezone

    from assemblea import services
    from assemblea.models import (
        Delega,
        EventoVoto,
        Presenza,
        PuntoOdg,
        RegolaVoto,
        Seduta,
        Votazione,
        Voto,
    )

    regola = services.nuova_regola(
        RegolaVoto(
            ambito=ambito,
            peso=RegolaVoto.Peso.POPOLAZIONE,
            quorum=RegolaVoto.Misura.ENTRAMBE,
            maggioranza=RegolaVoto.Maggioranza.ASSOLUTA,
            base=RegolaVoto.Base.PRESENTI,
            misura_maggioranza=RegolaVoto.Misura.POPOLAZIONE,
            minimo_comuni_favorevoli=11,
        ),
        utente=up,
    )
    for i in range(12):
        Seduta.objects.create(
            ambito=ambito,
            titolo=f"Seduta passata {i}",
            modalita=Seduta.Modalita.ONLINE,
            link_online="https://incontri.example.org/a",
            prima_convocazione=timezone.now() - datetime.timedelta(days=30 * (i + 1)),
            stato=Seduta.Stato.CHIUSA,
        )
    seduta = Seduta.objects.create(
        ambito=ambito,
        titolo="Assemblea dei Sindaci",
        modalita=Seduta.Modalita.ONLINE,
        link_online="https://incontri.example.org/assemblea",
        prima_convocazione=timezone.now(),
    )
    seduta = services.apri_seduta(seduta, utente=up, convocazione=Seduta.Convocazione.PRIMA)
    Delega.objects.bulk_create(
        Delega(seduta=seduta, comune=c, delegato=d, atto=f"decreto {i}", registrata_da=up)
        for i, (c, d) in enumerate(zip(comuni[-20:], delegati, strict=True))
    )
    Presenza.objects.bulk_create(
        Presenza(
            seduta=seduta,
            comune=c,
            persona=f"Sindaco di {c.nome}",
            qualita="sindaco",
            via="online",
            utente=s,
            registrata_da=s,
        )
        for c, s in zip(comuni[:240], sindaci, strict=False)
    )
    punti = PuntoOdg.objects.bulk_create(
        PuntoOdg(
            seduta=seduta,
            ordine=n,
            titolo=f"Punto {n}",
            versione_piano=versione if n == 1 else None,
        )
        for n in range(1, 6)
    )
    votazioni = {}
    for punto, nome in zip(punti, ("palese", "segreto", "chiuso", "preparato"), strict=False):
        if nome == "segreto":
            regola_punto = services.nuova_regola(
                RegolaVoto(
                    ambito=ambito,
                    peso=RegolaVoto.Peso.POPOLAZIONE,
                    quorum=RegolaVoto.Misura.ENTRAMBE,
                    misura_maggioranza=RegolaVoto.Misura.POPOLAZIONE,
                    scrutinio=RegolaVoto.Scrutinio.SEGRETO,
                ),
                utente=up,
            )
        else:
            regola_punto = services.regola_corrente(ambito)
        votazione = Votazione.objects.create(punto=punto, regola=regola_punto)
        if nome != "preparato":
            votazione = services.apri_votazione(votazione, utente=up)
        votazioni[nome] = (punto, votazione)
        # The last rule in force is the named one, as at the start.
        if nome == "segreto":
            services.nuova_regola(
                RegolaVoto(
                    **{
                        f.attname: getattr(regola, f.attname)
                        for f in RegolaVoto._meta.concrete_fields
                        if f.attname not in ("id", "versione", "creata_il")
                    }
                ),
                utente=up,
            )
    scelte = ("favorevole", "contrario", "astenuto")
    adesso = timezone.now()
    for nome in ("palese", "segreto", "chiuso"):
        votazione = votazioni[nome][1]
        segreto = votazione.regola.segreto
        # The first sindaco's comune has not voted: his page shows the ballot to cast.
        voti = [
            Voto(
                votazione=votazione,
                comune=c,
                scelta=scelte[i % 3],
                canale="online",
                qualita="sindaco",
                persona=f"Sindaco di {c.nome}",
                espresso_da=s,
                espresso_il=adesso,
            )
            for i, (c, s) in enumerate(zip(comuni[1:201], sindaci[1:201], strict=True))
        ]
        Voto.objects.bulk_create(voti)
        EventoVoto.objects.bulk_create(
            EventoVoto(
                votazione=votazione,
                comune_id=v.comune_id,
                ricevuta=v.ricevuta,
                scelta="" if segreto else v.scelta,
                canale="online",
                qualita="sindaco",
                persona=v.persona,
                utente=v.espresso_da,
            )
            for v in voti
        )
    services.chiudi_votazione(votazioni["chiuso"][1], utente=up)
    return seduta, votazioni


def prepara():
    from django.db import transaction

    with transaction.atomic():
        ambito = _territorio()
        up, sindaci, delegati, comuni = _persone(ambito)
        piano, versione = _piano(ambito, up)
    _assemblea(ambito, up, sindaci, delegati, comuni, versione)
    type(piano).objects.filter(pk=piano.pk).update(stato=type(piano).Stato.IN_REVISIONE)
    return ambito


# --- The pages ---------------------------------------------------------------------------------


def pagine(ambito):
    from django.urls import reverse

    from accounts.models import User
    from assemblea.models import PuntoOdg, Seduta
    from piani.models import Piano

    up = User.objects.get(username="bench_up")
    sindaco = User.objects.filter(username__startswith="bench_sindaco_").order_by("pk").first()
    seduta = Seduta.objects.get(ambito=ambito, stato=Seduta.Stato.APERTA)
    punti = {p.ordine: p.pk for p in PuntoOdg.objects.filter(seduta=seduta)}
    piano = Piano.objects.get(ambito=ambito)
    sezione = piano.sezioni.get(blocco="comuni")
    testo = piano.sezioni.filter(blocco="").order_by("ordine").first()
    s, a = seduta.pk, ambito.slug
    htmx = {"HTTP_HX_REQUEST": "true"}

    def voto(nome, n, **extra):
        return reverse(f"assemblea:{nome}", kwargs={"slug": a, "pk": s, "punto": punti[n]})

    elenco = [
        ("sedute", reverse("assemblea:sedute", args=[a]), {}),
        ("seduta", reverse("assemblea:seduta", args=[a, s]), {}),
        ("presenze", reverse("assemblea:presenze", args=[a, s]), {}),
        ("presenze-htmx", reverse("assemblea:presenze", args=[a, s]), htmx),
        ("deleghe", reverse("assemblea:deleghe", args=[a, s]), {}),
        ("votazione", voto("votazione", 1), {}),
        ("live", voto("votazione-live", 1) + "?stato=aperta", htmx),
        ("votazione-segreta", voto("votazione", 2), {}),
        ("live-segreta", voto("votazione-live", 2) + "?stato=aperta", htmx),
        ("votazione-chiusa", voto("votazione", 3), {}),
        ("votazione-preparata", voto("votazione", 4), {}),
        ("eventi", voto("votazione-eventi", 1), {}),
        ("regole", reverse("assemblea:regole", args=[a]), {}),
        ("piano", reverse("piani:dettaglio", args=[a, piano.pk]), {}),
        ("sezione", reverse("piani:sezione", args=[a, piano.pk, sezione.pk]), {}),
        ("sezione-testo", reverse("piani:sezione", args=[a, piano.pk, testo.pk]), {}),
        ("revisioni", reverse("piani:revisioni", args=[a, piano.pk, sezione.pk]), {}),
        ("commenti", reverse("piani:commenti", args=[a, piano.pk, sezione.pk]), {}),
        ("versione", reverse("piani:versione", args=[a, piano.pk, 9]), {}),
    ]
    solo_up = {"presenze", "presenze-htmx", "deleghe", "eventi"}
    risultato = []
    for persona, utente in (("udp", up), ("sindaco", sindaco)):
        for nome, url, extra in elenco:
            if persona == "sindaco" and nome in solo_up:
                continue
            risultato.append((f"{persona}:{nome}", utente, url, extra))
    return risultato


def _client(utente):
    from django.test import Client

    client = Client()
    if utente is not None:
        client.force_login(utente)
    return client


def misura(client, url, extra, ripetizioni):
    risposta = client.get(url, **extra)
    if risposta.status_code != 200:
        return None
    tempi = []
    for _ in range(ripetizioni):
        inizio = time.process_time()
        client.get(url, **extra)
        tempi.append(time.process_time() - inizio)
    # The fastest run: on a shared machine the others measure the neighbours.
    return min(tempi)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DATABASE_PREDEFINITO)
    parser.add_argument("--ripetizioni", type=int, default=15)
    parser.add_argument("--profila", default="")
    parser.add_argument("--righe", type=int, default=30)
    parser.add_argument("--conserva", action="store_true", help="riusa il database già pronto")
    parser.add_argument("--solo", default="", help="solo le pagine il cui nome contiene questo")
    args = parser.parse_args()

    if not args.conserva:
        _ricrea_database(args.database_url)
    _django(args.database_url)
    from django.core.management import call_command

    from ambiti.models import Ambito

    if not args.conserva or not Ambito.objects.filter(slug="prova-00").exists():
        call_command("migrate", verbosity=0, interactive=False)
        inizio = time.perf_counter()
        ambito = prepara()
        print(f"Dati preparati in {time.perf_counter() - inizio:.1f} s", file=sys.stderr)
    ambito = Ambito.objects.get(slug="prova-00")

    anonimo = _client(None)
    base = misura(anonimo, "/salute/", {}, args.ripetizioni * 3)
    print(f"{'pagina':32} {'ms':>8} {'× /salute/':>11}")
    print(f"{'/salute/':32} {base * 1000:8.2f} {1.0:11.1f}")
    clienti = {}
    for nome, utente, url, extra in pagine(ambito):
        if args.solo and args.solo not in nome:
            continue
        client = clienti.setdefault(utente.pk, _client(utente))
        if args.profila and nome == args.profila:
            client.get(url, **extra)
            profilo = cProfile.Profile()
            profilo.enable()
            for _ in range(args.ripetizioni):
                client.get(url, **extra)
            profilo.disable()
            for ordine in ("cumulative", "tottime"):
                testo = io.StringIO()
                pstats.Stats(profilo, stream=testo).sort_stats(ordine).print_stats(args.righe)
                print(testo.getvalue())
            continue
        tempo = misura(client, url, extra, args.ripetizioni)
        if tempo is None:
            print(f"{nome:32} {'(non 200)':>8}")
            continue
        print(f"{nome:32} {tempo * 1000:8.2f} {tempo / base:11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
