"""Believable demo tables for the three ambiti, from the articles in the project's sources:
Cremasco's four macro areas (three meetings each, from May 2024), the Oglio Po tables per
sub-ambito (two meetings each, September–October), the Cremonese thematic working groups."""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.models import User
from ambiti.models import Ambito, AreaPolicy, Ente, SubAmbito

from .models import Esito, Incontro, Membro, Presenza, Tavolo

ROMA = ZoneInfo("Europe/Rome")

# (ambito, sub-ambito or None, title, areas (by position in AREE_POLICY), first meeting, count)
TAVOLI = (
    ("cremasco", None, "Minori e famiglia", (4, 5), datetime.date(2024, 5, 14), 3),
    (
        "cremasco",
        None,
        "Fragilità (anziani e persone con disabilità)",
        (3, 7),
        datetime.date(2024, 5, 16),
        3,
    ),
    ("cremasco", None, "Adulti e povertà", (0, 1, 6), datetime.date(2024, 5, 21), 3),
    ("cremasco", None, "Innovazione e giovani", (4, 8), datetime.date(2024, 5, 23), 3),
    (
        "oglio-po",
        "Casalmaggiore (Casalasco)",
        "Anziani, persone disabili e non autosufficienti",
        (3, 7),
        datetime.date(2024, 9, 24),
        2,
    ),
    (
        "oglio-po",
        "Casalmaggiore (Casalasco)",
        "Minori, giovani e famiglie",
        (4, 5),
        datetime.date(2024, 9, 26),
        2,
    ),
    (
        "oglio-po",
        "Viadana (Viadanese)",
        "Adulti, fragilità e vulnerabilità",
        (0, 2, 6),
        datetime.date(2024, 10, 1),
        2,
    ),
    ("cremonese", None, "Povertà, inclusione e lavoro", (0, 2, 6), datetime.date(2024, 9, 10), 2),
    ("cremonese", None, "Politiche abitative", (1,), datetime.date(2024, 9, 12), 2),
    ("cremonese", None, "Anziani e domiciliarità", (3,), datetime.date(2024, 9, 17), 2),
    ("cremonese", None, "Giovani, minori e famiglie", (4, 5), datetime.date(2024, 9, 19), 2),
)

# What emerged at the first meeting of some tables: needs, resources, proposals.
ESITI = {
    "Fragilità (anziani e persone con disabilità)": (
        (
            "bisogno",
            "Trasporto sociale e sanitario insufficiente nei comuni più piccoli",
            3,
            "anziani soli",
        ),
        ("risorsa", "Rete di volontari per l'accompagnamento alle visite", 3, "anziani"),
        (
            "proposta",
            "Migliorare il trasporto sociale e sanitario con un servizio di ambito",
            3,
            "anziani e persone con disabilità",
        ),
        (
            "proposta",
            "Qualificare il ruolo delle assistenti familiari con formazione e un albo",
            3,
            "famiglie con anziani",
        ),
        (
            "proposta",
            "Percorso di presa in carico globale con il Progetto di Vita",
            7,
            "persone con disabilità",
        ),
    ),
    "Adulti e povertà": (
        (
            "bisogno",
            "Famiglie in difficoltà con l'affitto dopo la fine dei sostegni",
            1,
            "nuclei in povertà",
        ),
        ("proposta", "Tavolo congiunto su povertà, abitare e lavoro", 0, "adulti fragili"),
        (
            "proposta",
            "Accordi con i piccoli proprietari per alloggi a canone concordato",
            1,
            "nuclei in emergenza abitativa",
        ),
    ),
    "Minori e famiglia": (
        ("proposta", "Patti educativi di comunità nei sub-ambiti", 4, "minori"),
        ("proposta", "Raccordo delle reti contro la violenza di genere", 5, "donne e minori"),
    ),
}

TITOLI_INCONTRO = ("Lettura dei bisogni", "Risorse e proposte", "Sintesi per il Piano")


def _membri(tavolo, enti):
    membri = []
    for ente in enti:
        membro, _ = Membro.objects.get_or_create(tavolo=tavolo, ente=ente)
        membri.append(membro)
    return membri


@transaction.atomic
def carica_tavoli_demo() -> int:
    ambiti = Ambito.objects.in_bulk(field_name="slug")
    aree = list(AreaPolicy.objects.correnti().order_by("ordine"))
    utenti = User.objects.in_bulk(
        ["up.cremasco", "up.cremonese", "up.ogliopo", "operatore.cremasco"],
        field_name="username",
    )
    creati = 0
    for slug, sub_nome, titolo, indici, primo, quanti in TAVOLI:
        ambito = ambiti[slug]
        tavolo, creato = Tavolo.objects.get_or_create(
            ambito=ambito,
            titolo=titolo,
            defaults={
                "sub_ambito": SubAmbito.objects.filter(ambito=ambito, nome=sub_nome).first(),
                "data_inizio": primo,
                "data_fine": primo + datetime.timedelta(days=45),
                "descrizione": "Tavolo tematico per la co-programmazione del Piano di Zona "
                "2025-2027.",
            },
        )
        if not creato:
            continue
        creati += 1
        tavolo.aree_policy.set([aree[i] for i in indici])
        coordinatore = utenti.get(f"up.{slug.replace('-', '')}")
        if coordinatore:
            tavolo.coordinatori.add(coordinatore)
        if slug == "cremasco" and "operatore.cremasco" in utenti:
            tavolo.operatori.add(utenti["operatore.cremasco"])
        membri = _membri(tavolo, Ente.objects.filter(iscrizioni__ambito=ambito))
        for numero in range(quanti):
            giorno = primo + datetime.timedelta(days=14 * numero)
            incontro = Incontro.objects.create(
                tavolo=tavolo,
                titolo=TITOLI_INCONTRO[numero % len(TITOLI_INCONTRO)],
                inizio=datetime.datetime.combine(giorno, datetime.time(17, 30), ROMA),
                fine=datetime.datetime.combine(giorno, datetime.time(19, 30), ROMA),
                luogo="Sala riunioni dell'Ufficio di Piano",
                ordine_del_giorno="Presentazione dei dati del territorio\nLavoro in gruppi\n"
                "Restituzione in plenaria",
                creato_da=coordinatore,
            )
            Presenza.objects.bulk_create(
                Presenza(incontro=incontro, membro=m, partecipanti=1 + i % 3)
                for i, m in enumerate(membri)
            )
            if numero == 0:
                Esito.objects.bulk_create(
                    Esito(
                        incontro=incontro,
                        tipo=tipo,
                        testo=testo,
                        area_policy=aree[area],
                        target=target,
                        ordine=ordine,
                        creato_da=coordinatore,
                        # Most proposals were taken up by the Ufficio di Piano.
                        valutazione=(
                            Esito.Valutazione.ACCOLTA
                            if tipo == "proposta" and ordine % 3
                            else Esito.Valutazione.DA_VALUTARE
                        ),
                        valutata_da=coordinatore if tipo == "proposta" and ordine % 3 else None,
                    )
                    for ordine, (tipo, testo, area, target) in enumerate(ESITI.get(titolo, ()))
                )
    return creati
