"""Believable objectives for the demo: the Cremasco plan's eight areas and strategies (from the
Comunità Sociale Cremasca's summary of the 2025-2027 plan), a smaller set for the other ambiti,
and the 2021-2023 objectives with their evaluation."""

import datetime
from decimal import Decimal

from django.db import transaction

from ambiti.demo import carica_aree_policy, carica_periodo
from ambiti.models import Ambito, Ente
from tavoli.models import Esito

from .demo import carica_fondi
from .demo_fondi import carica_disponibilita, carica_risorse, importi_obiettivo, scala
from .models import (
    Azione,
    Destinatario,
    Indicatore,
    Obiettivo,
    SpesaEffettiva,
    ValoreIndicatore,
    Valutazione,
)

# (area index in AREE_POLICY, title, target group, [actions], indicator (name, unit, base, step))
CREMASCO = (
    (
        0,
        "Lavoro congiunto dei tavoli istituzionali su povertà, abitare e lavoro",
        "adulti in povertà",
        ["Tavolo congiunto povertà-abitare-lavoro", "Mappa condivisa delle misure di sostegno"],
        ("Nuclei presi in carico congiuntamente", "nuclei", 40, 15),
    ),
    (
        1,
        "Politiche abitative condivise con i piccoli proprietari",
        "nuclei in emergenza abitativa",
        ["Accordo con le associazioni dei piccoli proprietari", "Procedure uniformi per i bandi"],
        ("Alloggi a canone concordato", "alloggi", 12, 6),
    ),
    (
        2,
        "Patti di comunità per le reti sociali",
        "cittadini fragili e volontari",
        ["Patti di collaborazione nei sub-ambiti"],
        ("Patti sottoscritti", "patti", 3, 3),
    ),
    (
        3,
        "Trasporto sociale e assistenti familiari qualificate",
        "anziani e loro famiglie",
        [
            "Servizio di trasporto sociale di ambito",
            "Formazione e albo delle assistenti familiari",
            "Sportello sulla protezione giuridica",
        ],
        ("Anziani che usano il trasporto", "persone", 220, 40),
    ),
    (
        4,
        "Patti educativi e servizi sperimentali per le famiglie",
        "minori e famiglie",
        ["Patti educativi di comunità", "Raccordo delle reti contro la violenza di genere"],
        ("Scuole aderenti ai patti", "scuole", 5, 4),
    ),
    (
        6,
        "Sistema distrettuale per l'inserimento lavorativo",
        "persone fragili o vulnerabili",
        ["Tavolo istituzionalizzato Lavoro", "Percorsi definiti per target"],
        ("Tirocini di inclusione avviati", "tirocini", 60, 10),
    ),
    (
        7,
        "Presa in carico globale e Progetto di Vita",
        "persone con disabilità",
        ["Consolidamento del tavolo tecnico sulla disabilità", "Progetti di vita personalizzati"],
        ("Progetti di vita attivi", "progetti", 30, 20),
    ),
    (
        9,
        "Governance distrettuale e équipe di sub-ambito",
        "comuni dell'ambito",
        ["Équipe tecniche di sub-ambito", "Équipe integrate con ASST"],
        ("Comuni con accesso unico ai servizi", "comuni", 20, 10),
    ),
)

ALTRI = (
    (
        0,
        "Contrasto alla povertà e inclusione attiva",
        "adulti in povertà",
        ["Sportelli di prossimità"],
        ("Persone orientate", "persone", 150, 30),
    ),
    (
        1,
        "Agenzia per l'abitare",
        "nuclei in emergenza abitativa",
        ["Fondo di garanzia per l'affitto"],
        ("Contratti garantiti", "contratti", 10, 5),
    ),
    (
        3,
        "Domiciliarità degli anziani",
        "anziani soli",
        ["Assistenza domiciliare integrata con ASST"],
        ("Anziani assistiti a domicilio", "persone", 300, 25),
    ),
    (
        4,
        "Giovani e famiglie",
        "minori e famiglie",
        ["Centri di aggregazione giovanile"],
        ("Giovani coinvolti", "giovani", 400, 50),
    ),
)

# The groups of the seeded list (obiettivi/0004) each demo target group falls in.
GRUPPI = {
    "adulti in povertà": ["persone-in-poverta"],
    "nuclei in emergenza abitativa": ["famiglie", "persone-in-poverta"],
    "cittadini fragili e volontari": ["anziani", "persone-con-disabilita"],
    "anziani e loro famiglie": ["anziani", "famiglie", "caregiver-familiari"],
    "minori e famiglie": ["minori", "famiglie", "donne-vittime-di-violenza"],
    "persone fragili o vulnerabili": ["persone-con-disabilita", "giovani", "stranieri"],
    "persone con disabilità": ["persone-con-disabilita"],
    "comuni dell'ambito": [],
    "anziani soli": ["anziani"],
}

# Share of the planned resources actually spent, by the evaluated objective's position: the
# demo's evaluation shows over- and under-spending.
QUOTE_SPESE = (Decimal("0.96"), Decimal("0.71"), Decimal("0.38"), Decimal("1.04"))
CENTESIMO = Decimal("0.01")


def _obiettivo(ambito, periodo, aree, codice, definizione, *, stato, avanzamento, variante):
    area, titolo, destinatari, azioni, indicatore = definizione
    obiettivo, creato = Obiettivo.objects.get_or_create(
        ambito=ambito,
        periodo=periodo,
        codice=codice,
        defaults={
            "titolo": titolo,
            "destinatari": destinatari,
            "stato": stato,
            "integrazione_sociosanitaria": aree[area].integrazione_sociosanitaria,
            "trasversale": aree[area].trasversale,
        },
    )
    if not creato:
        return obiettivo
    obiettivo.aree_policy.set([aree[area]])
    obiettivo.gruppi_destinatari.set(
        Destinatario.objects.filter(slug__in=GRUPPI[destinatari], ambito=None)
    )
    enti = list(Ente.objects.filter(iscrizioni__ambito=ambito).order_by("pk")[:3])
    nuove_azioni = []
    for ordine, descrizione in enumerate(azioni, start=1):
        nuove_azioni.append(
            Azione.objects.create(
                obiettivo=obiettivo,
                descrizione=descrizione,
                ordine=ordine,
                responsabile=enti[ordine % len(enti)] if enti else None,
                responsabile_altro="" if enti else "Ufficio di Piano",
                data_inizio=datetime.date(periodo.anno_inizio, 3, 1),
                data_fine=datetime.date(periodo.anno_fine, 12, 31),
                avanzamento=min(100, avanzamento + 15 * (ordine - 1)),
            )
        )
    fondi = {f.sigla: f for f in carica_fondi()}
    importi = importi_obiettivo(area, periodo, scala_ambito=scala(ambito), variante=variante)
    carica_risorse(obiettivo, nuove_azioni, importi, fondi)
    nome, unita, base, passo = indicatore
    indicatore = Indicatore.objects.create(
        obiettivo=obiettivo,
        nome=nome,
        unita=unita,
        valore_base=base,
        anno_base=periodo.anno_inizio - 1,
        fonte="Ufficio di Piano",
    )
    ValoreIndicatore.objects.bulk_create(
        ValoreIndicatore(
            indicatore=indicatore,
            tipo=ValoreIndicatore.Tipo.TARGET,
            anno=anno,
            valore=base + passo * i,
        )
        for i, anno in enumerate(periodo.anni, start=1)
    )
    if periodo.anno_inizio <= 2025 <= periodo.anno_fine:
        ValoreIndicatore.objects.create(
            indicatore=indicatore,
            tipo=ValoreIndicatore.Tipo.MISURA,
            anno=2025,
            valore=base + passo - 2,
            nota="Rilevazione di dicembre",
        )
    return obiettivo


@transaction.atomic
def carica_obiettivi_demo() -> int:
    attuale, precedente = carica_periodo("2025-2027"), carica_periodo("2021-2023")
    aree = {attuale.pk: carica_aree_policy(attuale), precedente.pk: carica_aree_policy(precedente)}
    prima = Obiettivo.objects.count()
    for ambito in Ambito.objects.order_by("nome"):
        definizioni = CREMASCO if ambito.slug == "cremasco" else ALTRI
        nuovi = [
            _obiettivo(
                ambito,
                attuale,
                aree[attuale.pk],
                f"{i}.1",
                d,
                stato="in_corso",
                avanzamento=20,
                variante=i,
            )
            for i, d in enumerate(definizioni, start=1)
        ]
        vecchi = [
            _obiettivo(
                ambito,
                precedente,
                aree[precedente.pk],
                f"{i}",
                d,
                stato="concluso",
                avanzamento=70,
                variante=i + 2,
            )
            for i, d in enumerate(definizioni[:4], start=1)
        ]
        fondi = {f.sigla: f for f in carica_fondi()}
        carica_disponibilita(ambito, attuale, fondi)
        for indice, (vecchio, nuovo) in enumerate(zip(vecchi, nuovi, strict=False)):
            Valutazione.objects.get_or_create(
                obiettivo=vecchio,
                defaults={
                    "grado": ("raggiunto", "parziale", "non_raggiunto", "parziale")[indice % 4],
                    "criticita": "Risorse di personale insufficienti nei comuni più piccoli."
                    if indice % 2
                    else "",
                    "prosegue": indice != 2,
                    "obiettivo_successivo": nuovo if indice != 2 else None,
                },
            )
        _spese_demo(vecchi)
        accolte = (
            Esito.objects.proposte()
            .nell_ambito(ambito)
            .filter(valutazione=Esito.Valutazione.ACCOLTA)
        )
        for proposta in accolte:
            area = proposta.area_policy
            bersaglio = next((o for o in nuovi if area in o.aree_policy.all()), None)
            if bersaglio:
                bersaglio.proposte.add(proposta)
    return Obiettivo.objects.count() - prima


def _spese_demo(vecchi):
    """What the evaluated objectives actually spent: a share of each planned line, none for the
    last year of the objective not reached (the service stopped)."""
    for indice, obiettivo in enumerate(vecchi):
        if obiettivo.spese_effettive.exists():
            continue
        quota = QUOTE_SPESE[indice % len(QUOTE_SPESE)]
        ultimo = obiettivo.periodo.anno_fine
        SpesaEffettiva.objects.bulk_create(
            SpesaEffettiva(
                obiettivo=obiettivo,
                anno=r.anno,
                fondo_id=r.fondo_id,
                importo=(r.importo * quota).quantize(CENTESIMO),
            )
            for r in obiettivo.risorse.all()
            if not (indice % 4 == 2 and r.anno == ultimo)
        )
