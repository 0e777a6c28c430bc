"""How long "Genera PDF" takes on a plan whose PDF is already done, next to /salute/.

    .venv/bin/python benchmarks/pdf_ripetuto.py [--ripetizioni N] [--database URL]

Drops and creates the PostgreSQL database pdz_bench_pdf_ripetuto (or the one given), migrates it
and builds a Piano di Zona of realistic size: an ambito of about 250 comuni among 30 other
ambiti with their own comuni, objectives and tables; 40 objectives with 150 actions, resources
for 3 years x 3 funds and one or two indicators each; the previous plan's objectives with their
evaluation; the template's live blocks plus 20 sections of text. Its draft's PDF is in place,
completed (a stand-in file: the request only looks for it, so WeasyPrint is not needed here).

Then, in the same process and with the same Django test client, it alternates many times:
- POST of "Genera PDF" on the unchanged plan (what a re-click does: the fingerprint, the row
  lock, the match, the stored file; a redirect to the page of the rendering found);
- GET /salute/ (the baseline: the database, Redis and the worker's state);
- the old path alone: the draft's HTML assembled and hashed, what each re-click used to cost;
- the fingerprint alone (piani.impronta.impronta_bozza): on PostgreSQL the kept hash of the
  rows, checked against the log of writes in one query;
- the POST and the fingerprint right after another ambito's objective was edited (untimed): the
  log does not say which ambito was written, so the rows' hash is computed again in full;
and prints p50 and p95 of each in ms and their ratios to /salute/ (target: the POST at most
50 ms and at most 5x /salute/; the POST after a write elsewhere at most 50 ms).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE = "postgres://postgres@127.0.0.1:5432/pdz_bench_pdf_ripetuto"
ALTRI_AMBITI = 30
COMUNI_ALTRI = 40
COMUNI_AMBITO = 250
OBIETTIVI = 40
AZIONI = 150
SEZIONI_DI_TESTO = 20
SIGLE_FONDI = ("FNPS", "FSR", "COM")
PARAGRAFO = (
    "<p>L'ambito territoriale ha condotto nel corso dell'ultimo anno un percorso di analisi "
    "condivisa dei bisogni con i comuni, l'ASST, il terzo settore e le organizzazioni sindacali: "
    "i tavoli tematici hanno restituito un quadro articolato delle fragilità del territorio.</p>"
)


def _ricrea_database(url: str) -> None:
    import psycopg

    base, nome = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connessione:
        connessione.execute(f'DROP DATABASE IF EXISTS "{nome}"')
        connessione.execute(f'CREATE DATABASE "{nome}"')


def _prepara_ambiente(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "pdz.settings"
    os.environ["DJANGO_READ_DOT_ENV"] = "0"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-soltanto-locale-0123456789abcdefghij")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
    # The persona signs in with force_login: no second factor to type in a benchmark.
    os.environ["PDZ_SECONDO_FATTORE_OBBLIGATORIO"] = "false"
    # Redis as in production: /salute/ pings it. The POST queues nothing (the PDF is done).
    os.environ["REDIS_URL"] = os.environ.get("PDZ_BENCH_REDIS", "redis://127.0.0.1:6379/6")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(BASE_DIR))
    _ricrea_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _obiettivi(ambito, periodo, aree, fondi, enti, quanti, azioni_totali):
    from obiettivi.models import Azione, Indicatore, Obiettivo, Risorsa, ValoreIndicatore

    obiettivi = Obiettivo.objects.bulk_create(
        Obiettivo(
            ambito=ambito,
            periodo=periodo,
            codice=f"{n % len(aree) + 1}.{n // len(aree) + 1}",
            titolo=f"Obiettivo {n + 1}: rafforzare i servizi per {aree[n % len(aree)].nome}",
            descrizione=PARAGRAFO,
            destinatari="famiglie, anziani e persone fragili dell'ambito",
            stato=Obiettivo.Stato.IN_CORSO,
        )
        for n in range(quanti)
    )
    Aree = Obiettivo.aree_policy.through
    Aree.objects.bulk_create(
        Aree(obiettivo_id=o.pk, areapolicy_id=aree[n % len(aree)].pk)
        for n, o in enumerate(obiettivi)
    )
    Azione.objects.bulk_create(
        Azione(
            obiettivo=obiettivi[i % quanti],
            descrizione=f"Azione {i + 1}: attivazione e consolidamento del servizio nei comuni",
            responsabile=enti[i % len(enti)] if enti else None,
            responsabile_altro="" if enti else "Ufficio di Piano",
            data_inizio=datetime.date(periodo.anno_inizio, 1 + i % 12, 1),
            data_fine=datetime.date(periodo.anno_fine, 12, 31),
            avanzamento=(i * 7) % 101,
            ordine=i // quanti,
        )
        for i in range(azioni_totali)
    )
    Risorsa.objects.bulk_create(
        Risorsa(
            obiettivo=o, anno=anno, fondo=fondi[sigla], importo=Decimal(10000 + 1250 * n + 500 * k)
        )
        for n, o in enumerate(obiettivi)
        for anno in periodo.anni
        for k, sigla in enumerate(SIGLE_FONDI)
    )
    indicatori = Indicatore.objects.bulk_create(
        Indicatore(
            obiettivo=o,
            nome=f"Persone raggiunte dall'intervento {k + 1}",
            unita="persone",
            valore_base=Decimal(100 + n),
            anno_base=periodo.anno_inizio - 1,
        )
        for n, o in enumerate(obiettivi)
        for k in range(1 + n % 2)
    )
    ValoreIndicatore.objects.bulk_create(
        ValoreIndicatore(
            indicatore=i, tipo=ValoreIndicatore.Tipo.TARGET, anno=anno, valore=Decimal(110 + j)
        )
        for i in indicatori
        for j, anno in enumerate(periodo.anni)
    )
    return obiettivi


def _tavoli(ambito, aree, quanti):
    from tavoli.models import Esito, Incontro, Tavolo

    tavoli = Tavolo.objects.bulk_create(
        Tavolo(ambito=ambito, titolo=f"Tavolo {n + 1} dell'ambito {ambito.nome}")
        for n in range(quanti)
    )
    for n, tavolo in enumerate(tavoli):
        tavolo.aree_policy.set([aree[n % len(aree)]])
    inizio = datetime.datetime(2025, 10, 1, 17, 30, tzinfo=datetime.UTC)
    incontri = Incontro.objects.bulk_create(
        Incontro(
            tavolo=tavolo,
            titolo=f"Incontro {k + 1}",
            inizio=inizio + datetime.timedelta(days=7 * k),
            fine=inizio + datetime.timedelta(days=7 * k, hours=2),
            luogo="Sala consiliare",
            verbale=PARAGRAFO * 3,
        )
        for tavolo in tavoli
        for k in range(4)
    )
    Esito.objects.bulk_create(
        Esito(incontro=incontro, tipo=tipo, testo=f"Esito {tipo}", valutazione=valutazione)
        for incontro in incontri
        for tipo, valutazione in (
            (Esito.Tipo.BISOGNO, Esito.Valutazione.DA_VALUTARE),
            (Esito.Tipo.PROPOSTA, Esito.Valutazione.ACCOLTA),
            (Esito.Tipo.PROPOSTA, Esito.Valutazione.DA_VALUTARE),
        )
    )


def _costruisci():
    from django.db import transaction

    from accounts.models import Ruolo, User
    from ambiti.demo import carica_aree_policy, carica_enti_demo, carica_periodo
    from ambiti.models import Ambito, Ats, Comune, Ente
    from ambiti.territorio import carica_territorio
    from obiettivi.demo import carica_fondi
    from obiettivi.models import Obiettivo, Valutazione
    from piani import services
    from piani.models import Sezione

    with transaction.atomic():
        carica_territorio()
        attuale, precedente = carica_periodo("2025-2027"), carica_periodo("2021-2023")
        aree = carica_aree_policy(attuale)
        aree_precedenti = carica_aree_policy(precedente)
        fondi = {f.sigla: f for f in carica_fondi()}
        carica_enti_demo()
        ambito = Ambito.objects.get(slug="cremasco")
        ats = Ats.objects.first()
        codice = iter(range(900000, 999999))
        Comune.objects.bulk_create(
            Comune(
                codice_istat=f"{next(codice)}",
                nome=f"Comune aggiunto {n + 1}",
                provincia="CR",
                ambito=ambito,
                popolazione=500 + 37 * n,
                popolazione_data=datetime.date(2025, 1, 1),
            )
            for n in range(COMUNI_AMBITO - Comune.objects.filter(ambito=ambito).count())
        )
        for a in range(ALTRI_AMBITI):
            altro = Ambito.objects.create(
                nome=f"Ambito di prova {a + 1}", slug=f"prova-{a}", ats=ats
            )
            Comune.objects.bulk_create(
                Comune(
                    codice_istat=f"{next(codice)}",
                    nome=f"Comune {n + 1} dell'ambito {a + 1}",
                    provincia="MI",
                    ambito=altro,
                    popolazione=1000 + n,
                    popolazione_data=datetime.date(2025, 1, 1),
                )
                for n in range(COMUNI_ALTRI)
            )
            _obiettivi(altro, attuale, aree, fondi, [], OBIETTIVI, AZIONI)
            _tavoli(altro, aree, 4)

        utente = User.objects.create_user("up.benchmark", password="non-usata-0123")
        Ruolo.objects.create(user=utente, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=ambito)
        enti = list(Ente.objects.filter(iscrizioni__ambito=ambito).order_by("pk"))
        obiettivi = _obiettivi(ambito, attuale, aree, fondi, enti, OBIETTIVI, AZIONI)
        _tavoli(ambito, aree, 6)
        vecchi = _obiettivi(ambito, precedente, aree_precedenti, fondi, [], 10, 10)
        Valutazione.objects.bulk_create(
            Valutazione(
                obiettivo=vecchio,
                grado=("raggiunto", "parziale", "non_raggiunto")[n % 3],
                criticita="Personale insufficiente nei comuni più piccoli.",
                prosegue=n % 3 != 2,
                obiettivo_successivo=obiettivi[n] if n % 3 != 2 else None,
            )
            for n, vecchio in enumerate(vecchi)
        )
        piano = services.crea_piano(ambito=ambito, periodo=attuale, utente=utente)
        ultimo = piano.sezioni.order_by("-ordine").values_list("ordine", flat=True).first()
        Sezione.objects.bulk_create(
            Sezione(
                piano=piano,
                ordine=ultimo + n,
                titolo=f"Approfondimento {n}: analisi e indirizzi",
                testo=PARAGRAFO * 12,
                modificata_da=utente,
            )
            for n in range(1, SEZIONI_DI_TESTO + 1)
        )
    conteggi = {
        "ambiti": Ambito.objects.count(),
        "comuni (territorio)": Comune.objects.count(),
        "comuni dell'ambito": Comune.objects.filter(ambito=ambito).count(),
        "obiettivi del piano": Obiettivo.objects.filter(ambito=ambito, periodo=attuale).count(),
        "obiettivi (tutti)": Obiettivo.objects.count(),
        "sezioni": piano.sezioni.count(),
    }
    return piano, utente, conteggi


def _completato(piano, utente):
    """The draft's rendering as the worker leaves it, with a stand-in file."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from piani import rendering
    from piani.models import RenderPDF

    accoda, rendering._accoda = rendering._accoda, lambda render_id: None
    try:
        render = rendering.richiedi_pdf(piano=piano, utente=utente)
    finally:
        rendering._accoda = accoda
    render.file.save(f"benchmark-{render.pk}.pdf", ContentFile(b"%PDF-1.7 benchmark"), save=False)
    render.stato = RenderPDF.Stato.COMPLETATO
    render.sha256_pdf = "0" * 64
    render.progresso = 100
    render.completato_il = timezone.now()
    render.save()
    return render


def _percentili(tempi):
    ordinati = sorted(tempi)
    return statistics.median(ordinati), ordinati[max(0, int(len(ordinati) * 0.95) - 1)]


def _costo_del_registro(piano, ripetizioni) -> None:
    """What the log of writes (the trigger of migration piani 0008) adds to a write: the same
    UPDATE of a section, alone in its transaction and five in one, with the trigger on and off
    (alternated; this session only, the trigger is switched back on at the end)."""
    from django.db import connection, transaction

    sezioni = list(piano.sezioni.order_by("pk").values_list("pk", flat=True)[:5])
    aggiorna = "UPDATE piani_sezione SET titolo = titolo WHERE id = %s"

    def una(cursor):
        cursor.execute(aggiorna, [sezioni[0]])

    def cinque(cursor):
        with transaction.atomic():
            for pk in sezioni:
                cursor.execute(aggiorna, [pk])

    tempi = {
        (nome, acceso): []
        for nome in ("1 UPDATE", "5 UPDATE in una transazione")
        for acceso in (True, False)
    }
    with connection.cursor() as cursor:
        try:
            for ripetizione in range(ripetizioni * 5):
                for acceso in (True, False) if ripetizione % 2 else (False, True):
                    cursor.execute(
                        "ALTER TABLE piani_sezione "
                        + ("ENABLE ALWAYS" if acceso else "DISABLE")
                        + " TRIGGER piani_modifica_fonti"
                    )
                    for nome, funzione in (
                        ("1 UPDATE", una),
                        ("5 UPDATE in una transazione", cinque),
                    ):
                        t = time.perf_counter()
                        funzione(cursor)
                        tempi[(nome, acceso)].append((time.perf_counter() - t) * 1000)
        finally:
            cursor.execute("ALTER TABLE piani_sezione ENABLE ALWAYS TRIGGER piani_modifica_fonti")
    print("costo del registro delle scritture (p50 ms, con / senza il trigger):")
    for nome in ("1 UPDATE", "5 UPDATE in una transazione"):
        con, _ = _percentili(tempi[(nome, True)])
        senza, _ = _percentili(tempi[(nome, False)])
        print(f"  {nome:36} {con:8.3f} {senza:8.3f}   rapporto {con / senza:.3f}")


def main() -> None:
    argomenti = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argomenti.add_argument("--ripetizioni", type=int, default=200)
    argomenti.add_argument("--database", default=DATABASE)
    opzioni = argomenti.parse_args()
    if "bench" not in opzioni.database.rsplit("/", 1)[-1]:
        raise SystemExit(
            "Il database del benchmark è ricreato: il suo nome deve contenere «bench»."
        )

    _prepara_ambiente(opzioni.database)
    inizio = time.perf_counter()
    piano, utente, conteggi = _costruisci()
    print(f"dati costruiti in {time.perf_counter() - inizio:.1f} s: {conteggi}")

    import tempfile

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from obiettivi.models import Obiettivo
    from piani import assemblaggio, impronta, rendering
    from piani.models import RenderPDF

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="pdz-bench-impronta-")
    fatto = _completato(piano, utente)
    client = Client()
    client.force_login(utente)
    genera = reverse("piani_pdf:genera", kwargs={"slug": piano.ambito.slug, "pk": piano.pk})
    atteso = reverse(
        "piani_pdf:stato", kwargs={"slug": piano.ambito.slug, "pk": piano.pk, "rpk": fatto.pk}
    )

    def post():
        risposta = client.post(genera)
        if risposta.status_code != 302 or risposta["Location"] != atteso:
            raise SystemExit(f"Genera PDF: {risposta.status_code} {risposta.get('Location')}")

    def salute():
        risposta = client.get("/salute/")
        if risposta.status_code != 200:
            raise SystemExit(f"/salute/: {risposta.status_code}")

    def vecchio():
        rendering.impronta(assemblaggio.html_piano(piano))

    def solo_impronta():
        impronta.impronta_bozza(piano)

    altro = Obiettivo.objects.exclude(ambito=piano.ambito).order_by("pk").first()

    def scrivi_altrove():
        # Untimed: another ambito's objective is edited, as happens all day in a region. The
        # log of writes does not say which ambito: the next request computes the rows' hash.
        Obiettivo.objects.filter(pk=altro.pk).update(titolo=f"Modificato {time.monotonic()}")

    misure = {
        "POST Genera PDF": (None, post),
        "GET /salute/": (None, salute),
        "impronta da sola": (None, solo_impronta),
        "POST dopo una scrittura altrove": (scrivi_altrove, post),
        "impronta dopo una scrittura altrove": (scrivi_altrove, solo_impronta),
    }
    tempi = {nome: [] for nome in misure}
    tempi_vecchi = []
    for _prima, funzione in misure.values():  # warm-up: imports, templates, the code's hash
        funzione()
    vecchio()
    for ripetizione in range(opzioni.ripetizioni):
        ordine = list(misure.items())
        if ripetizione % 2:
            ordine.reverse()
        for nome, (prima, funzione) in ordine:
            if prima is not None:
                prima()
            t = time.perf_counter()
            funzione()
            tempi[nome].append((time.perf_counter() - t) * 1000)
        # The old path is slow: a tenth as many times is enough for its median.
        if ripetizione % 10 == 0:
            t = time.perf_counter()
            vecchio()
            tempi_vecchi.append((time.perf_counter() - t) * 1000)
    tempi["vecchio: HTML assemblato + SHA-256"] = tempi_vecchi
    if RenderPDF.objects.count() != 1:
        raise SystemExit("Il POST ha creato un nuovo rendering: il piano non era invariato?")

    base, _ = _percentili(tempi["GET /salute/"])
    print(f"{opzioni.ripetizioni} ripetizioni alternate (il vecchio percorso: {len(tempi_vecchi)})")
    print(f"{'':38} {'p50 ms':>8} {'p95 ms':>8} {'p50 / salute':>13}")
    for nome, valori in tempi.items():
        p50, p95 = _percentili(valori)
        print(f"{nome:38} {p50:8.2f} {p95:8.2f} {p50 / base:12.1f}x")
    p50_post, _ = _percentili(tempi["POST Genera PDF"])
    p50_vecchio, _ = _percentili(tempi_vecchi)
    print(f"POST / vecchio percorso: {p50_post / p50_vecchio:.3f}")
    p50_altrove, _ = _percentili(tempi["POST dopo una scrittura altrove"])
    _costo_del_registro(piano, opzioni.ripetizioni)
    esito = p50_post <= 50 and p50_post <= 5 * base and p50_altrove <= 50
    print(
        f"obiettivo (POST <= 50 ms e <= 5x /salute/; dopo una scrittura altrove <= 50 ms): {'raggiunto' if esito else 'MANCATO'}"
    )


if __name__ == "__main__":
    main()
