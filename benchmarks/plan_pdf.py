"""How long a full plan takes to become a PDF, and what the portal adds to WeasyPrint's own time.

    .venv/bin/python benchmarks/plan_pdf.py [--ripetizioni N] [--conserva]

Builds, in a fresh SQLite database in a temporary directory, a realistic Piano di Zona of the
Cremasco: the whole territory (123 comuni, 48 in the ambito), the demo enti and thematic tables,
40 objectives with 150 actions, resources for 3 years x 3 funds, one or two indicators each with
their yearly targets, the previous plan's objectives with their evaluation, the template's live
blocks and 20 sections of text of about three paragraphs each.

Then it measures, alternating the two so that neither benefits from a warmer cache:
- end to end: rendering.richiedi_pdf with the task run in-process (as without a broker): the
  HTML assembled twice (hash at the request, again in the task), typeset, written and recorded;
- WeasyPrint alone: weasyprint.HTML(string=…).write_pdf(…) on the same HTML with the same
  options (base URL, URL fetcher, PDF/UA-1);
and prints the medians, their ratio (target: at most 1.10) and the process's peak memory.
"""

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OBIETTIVI = 40
AZIONI = 150
OBIETTIVI_PRECEDENTI = 10
SEZIONI_DI_TESTO = 20
SIGLE_FONDI = ("FNPS", "FSR", "COM")

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


def _prepara_ambiente(cartella: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "pdz.settings"
    os.environ["DJANGO_READ_DOT_ENV"] = "0"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-soltanto-locale-0123456789abcdefghij")
    os.environ["DATABASE_URL"] = f"sqlite:///{cartella / 'piano.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(cartella / "media")
    # No broker: the task runs in-process, as in a first `make run`.
    os.environ["REDIS_URL"] = ""
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ.pop("PDZ_RENDER_RITARDO_S", None)
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# Paragraphs per text section: about a page and a half each, as in the plans of seed 003.
PARAGRAFI_PER_SEZIONE = 12


def _testo(numero: int) -> str:
    return "".join(
        f"<p>{PARAGRAFI[(numero + i) % len(PARAGRAFI)]}</p>" for i in range(PARAGRAFI_PER_SEZIONE)
    )


def _costruisci_piano():
    """The plan and its data, in one transaction; returns (piano, utente, conteggi)."""
    import datetime

    from django.db import transaction

    from accounts.models import Ruolo, User
    from ambiti.demo import carica_aree_policy, carica_enti_demo, carica_periodo
    from ambiti.models import Ambito, Comune, Ente
    from ambiti.territorio import carica_territorio
    from obiettivi.demo import carica_fondi
    from obiettivi.models import (
        Azione,
        Indicatore,
        Obiettivo,
        Risorsa,
        ValoreIndicatore,
        Valutazione,
    )
    from piani import services
    from piani.models import Sezione
    from tavoli.demo import carica_tavoli_demo

    with transaction.atomic():
        carica_territorio()
        attuale, precedente = carica_periodo("2025-2027"), carica_periodo("2021-2023")
        aree = carica_aree_policy(attuale)
        aree_precedenti = carica_aree_policy(precedente)
        fondi = {f.sigla: f for f in carica_fondi()}
        carica_enti_demo()
        carica_tavoli_demo()
        ambito = Ambito.objects.get(slug="cremasco")
        utente = User.objects.create_user("up.benchmark", password="non-usata-0123")
        Ruolo.objects.create(user=utente, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=ambito)
        enti = list(Ente.objects.filter(iscrizioni__ambito=ambito).order_by("pk"))

        obiettivi = []
        for n in range(1, OBIETTIVI + 1):
            area = aree[(n - 1) % len(aree)]
            obiettivo = Obiettivo.objects.create(
                ambito=ambito,
                periodo=attuale,
                codice=f"{(n - 1) % len(aree) + 1}.{(n - 1) // len(aree) + 1}",
                titolo=f"Obiettivo {n}: rafforzare i servizi per {area.nome.lower()}",
                descrizione=PARAGRAFI[n % len(PARAGRAFI)],
                destinatari="famiglie, anziani e persone fragili dell'ambito",
                integrazione_sociosanitaria=area.integrazione_sociosanitaria,
                trasversale=area.trasversale,
                stato=Obiettivo.Stato.IN_CORSO,
            )
            obiettivo.aree_policy.set([area])
            obiettivi.append(obiettivo)
        azioni = []
        for i in range(AZIONI):
            obiettivo = obiettivi[i % OBIETTIVI]
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
                    ordine=i // OBIETTIVI,
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
            for n, obiettivo in enumerate(obiettivi)
            for anno in attuale.anni
            for k, sigla in enumerate(SIGLE_FONDI)
        )
        indicatori = 0
        for n, obiettivo in enumerate(obiettivi):
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
                    for j, anno in enumerate(attuale.anni)
                )
                indicatori += 1
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
                obiettivo_successivo=obiettivi[n] if n % 3 != 2 else None,
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
    conteggi = {
        "comuni (territorio)": Comune.objects.count(),
        "comuni dell'ambito": Comune.objects.filter(ambito=ambito).count(),
        "obiettivi": OBIETTIVI,
        "azioni": Azione.objects.filter(obiettivo__periodo=attuale).count(),
        "risorse": Risorsa.objects.filter(obiettivo__periodo=attuale).count(),
        "indicatori": indicatori,
        "sezioni": piano.sezioni.count(),
        "sezioni con blocco di dati": piano.sezioni.exclude(blocco="").count(),
    }
    return piano, utente, conteggi


def _picco_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    argomenti = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argomenti.add_argument("--ripetizioni", type=int, default=4)
    argomenti.add_argument("--conserva", action="store_true", help="keep the temporary files")
    opzioni = argomenti.parse_args()

    cartella = Path(tempfile.mkdtemp(prefix="pdz-benchmark-"))
    try:
        _prepara_ambiente(cartella)
        inizio = time.perf_counter()
        piano, utente, conteggi = _costruisci_piano()
        costruzione = time.perf_counter() - inizio

        from core.pdf import documento_html
        from piani import pdf, rendering
        from piani.assemblaggio import html_piano
        from piani.models import RenderPDF

        memoria_prima = _picco_mb()

        def weasyprint_da_solo(html):
            return documento_html(html).write_pdf(pdf_variant=pdf.VARIANTE_PDF)

        def da_capo_a_fondo():
            # A new rendering each time: the same content would otherwise be reused at once.
            for vecchio in RenderPDF.objects.all():
                vecchio.file.delete(save=False)
                vecchio.delete()
            inizio = time.perf_counter()
            render = rendering.richiedi_pdf(piano=piano, utente=utente)
            durata = time.perf_counter() - inizio
            render.refresh_from_db()
            if render.stato != RenderPDF.Stato.COMPLETATO:
                raise SystemExit(f"Rendering non riuscito: {render.errore}")
            return durata, render

        # Warm-up, not measured: fonts, fontconfig, templates, imports.
        html = html_piano(piano)
        weasyprint_da_solo(html)

        tempi_completi, tempi_weasyprint, tempi_assemblaggio = [], [], []

        def solo_weasyprint():
            inizio = time.perf_counter()
            html = html_piano(piano)
            tempi_assemblaggio.append(time.perf_counter() - inizio)
            inizio = time.perf_counter()
            documento = weasyprint_da_solo(html)
            tempi_weasyprint.append(time.perf_counter() - inizio)
            return html, documento

        def completo_():
            durata, render = da_capo_a_fondo()
            tempi_completi.append(durata)
            return render

        for ripetizione in range(opzioni.ripetizioni):
            # Alternate which of the two runs first: the second of a pair finds warmer caches
            # and a fuller heap, and a fixed order would charge that to one side only.
            if ripetizione % 2 == 0:
                render = completo_()
                html, documento = solo_weasyprint()
            else:
                html, documento = solo_weasyprint()
                render = completo_()

        completo = statistics.median(tempi_completi)
        solo = statistics.median(tempi_weasyprint)
        assemblaggio = statistics.median(tempi_assemblaggio)
        print("== Piano di Zona completo: PDF ==")
        print(f"database:                      SQLite in {cartella}")
        for nome, numero in conteggi.items():
            print(f"{nome + ':':<31}{numero}")
        print(f"costruzione dei dati:          {costruzione:.1f} s")
        print(f"HTML:                          {len(html.encode()) / 1024:.0f} KiB")
        print(f"pagine:                        {render.pagine}")
        print(f"PDF:                           {render.file.size / 1024:.0f} KiB")
        print(f"ripetizioni (mediana):         {opzioni.ripetizioni}")
        print(f"assemblaggio HTML:             {assemblaggio:.2f} s  (html_piano)")
        print(f"rendering completo:            {completo:.2f} s  (richiedi_pdf + task)")
        print(f"  durata registrata dal task:  {render.durata_ms / 1000:.2f} s")
        print(f"WeasyPrint da solo:            {solo:.2f} s  ({len(documento) / 1024:.0f} KiB)")
        print(f"rapporto completo/WeasyPrint:  {completo / solo:.3f}  (obiettivo <= 1.10)")
        print(f"memoria di picco prima:        {memoria_prima:.0f} MiB (dati costruiti)")
        print(f"memoria di picco (RSS):        {_picco_mb():.0f} MiB")
        print("tempi completi:                " + ", ".join(f"{t:.2f}" for t in tempi_completi))
        print("tempi WeasyPrint:              " + ", ".join(f"{t:.2f}" for t in tempi_weasyprint))
    finally:
        if opzioni.conserva:
            print(f"file conservati in {cartella}")
        else:
            shutil.rmtree(cartella, ignore_errors=True)


if __name__ == "__main__":
    main()
