"""Believable, clearly fictional participating bodies for the demo registers."""

import datetime

from stdnum import luhn

from obiettivi.models import AreaPolicy

from .models import Ambito, Ente, Iscrizione


def codice_fiscale_demo(base: str) -> str:
    """A tax code of valid form (10 digits and their check digit) that belongs to nobody real."""
    return base + luhn.calc_check_digit(base)


# (ambito slug, denominazione, tipo, codice base, aree (indexes of AREE_POLICY), aderisce AdP)
ENTI_DEMO = (
    (
        "cremasco",
        "Cooperativa sociale Il Ponte (demo)",
        Ente.Tipo.COOPERATIVA,
        "9100000019",
        (3, 7),
        True,
    ),
    (
        "cremasco",
        "Associazione Anziani Attivi Cremaschi (demo)",
        Ente.Tipo.APS,
        "9100000119",
        (3,),
        True,
    ),
    ("cremasco", "ODV Porte Aperte (demo)", Ente.Tipo.ODV, "9100000219", (0, 1), False),
    ("cremasco", "Fondazione Casa Comune (demo)", Ente.Tipo.FONDAZIONE, "9100000319", (1, 5), True),
    (
        "cremasco",
        "Consorzio Solidarietà Cremasca (demo)",
        Ente.Tipo.CONSORZIO,
        "9100000419",
        (6, 2),
        False,
    ),
    (
        "cremonese",
        "Cooperativa sociale La Rete (demo)",
        Ente.Tipo.COOPERATIVA,
        "9100000519",
        (4, 5),
        True,
    ),
    (
        "cremonese",
        "Caritas parrocchiale San Luca (demo)",
        Ente.Tipo.ENTE_RELIGIOSO,
        "9100000619",
        (0, 1),
        True,
    ),
    ("cremonese", "APS Giovani in Piazza (demo)", Ente.Tipo.APS, "9100000719", (4,), False),
    (
        "cremonese",
        "Sindacato pensionati del Cremonese (demo)",
        Ente.Tipo.SINDACATO,
        "9100000819",
        (3,),
        False,
    ),
    (
        "oglio-po",
        "Cooperativa sociale Argine (demo)",
        Ente.Tipo.COOPERATIVA,
        "9100000919",
        (7, 3),
        True,
    ),
    ("oglio-po", "ODV Viadana Solidale (demo)", Ente.Tipo.ODV, "9100001019", (0,), False),
    (
        "oglio-po",
        "Impresa sociale Lavoro e Comunità (demo)",
        Ente.Tipo.IMPRESA_SOCIALE,
        "9100001119",
        (6, 2),
        True,
    ),
)

DATA_ISCRIZIONE = datetime.date(2024, 5, 15)
DATA_ADESIONE = datetime.date(2025, 1, 20)


def carica_enti_demo() -> dict[str, Ente]:
    ambiti = Ambito.objects.in_bulk(field_name="slug")
    aree = list(AreaPolicy.objects.correnti().order_by("ordine"))
    enti = {}
    for slug, nome, tipo, base, indici_aree, aderisce in ENTI_DEMO:
        ente, _ = Ente.objects.get_or_create(
            codice_fiscale=codice_fiscale_demo(base),
            defaults={
                "denominazione": nome,
                "tipo": tipo,
                "email": f"info@{base}.demo.invalid",
                "referente": "Referente demo",
            },
        )
        iscrizione, creata = Iscrizione.objects.get_or_create(
            ambito=ambiti[slug],
            ente=ente,
            defaults={
                "data_iscrizione": DATA_ISCRIZIONE,
                "aderisce_adp": aderisce,
                "data_adesione_adp": DATA_ADESIONE if aderisce else None,
            },
        )
        if creata:
            iscrizione.aree_policy.set([aree[i] for i in indici_aree if i < len(aree)])
        enti[nome] = ente
    return enti
