"""The programming periods and their policy areas, and believable, clearly fictional participating
bodies for the demo registers."""

import datetime

from django.utils.text import slugify
from stdnum import luhn

from .models import Ambito, AreaPolicy, Ente, Iscrizione, Periodo

PERIODI = (
    ("2021-2023", 2021, 2023, "DGR XI/4563 del 19 aprile 2021"),
    ("2025-2027", 2025, 2027, "DGR XII/2167 del 15 aprile 2024"),
)

# The areas the Cremona ambiti used for 2025-2027 (ARCHITECTURE.md, "The domain in brief"); the
# exact DGR list is not verified, so they are data the administrator can change.
AREE_POLICY = (
    ("Contrasto alla povertà e all'emarginazione sociale", False, False),
    ("Politiche abitative", False, False),
    ("Promozione dell'inclusione attiva", False, False),
    ("Domiciliarità e anziani", True, False),
    ("Politiche giovanili e per i minori", False, False),
    ("Interventi per la famiglia", False, False),
    ("Interventi connessi alle politiche per il lavoro", False, False),
    ("Interventi a favore delle persone con disabilità", True, False),
    ("Digitalizzazione dei servizi", False, True),
    ("Sistema di welfare distrettuale e governance", False, True),
)


def carica_periodo(nome="2025-2027") -> Periodo:
    _nome, inizio, fine, riferimento = next(p for p in PERIODI if p[0] == nome)
    periodo, _ = Periodo.objects.get_or_create(
        nome=nome,
        defaults={"anno_inizio": inizio, "anno_fine": fine, "riferimento_normativo": riferimento},
    )
    return periodo


def carica_aree_policy(periodo: Periodo | None = None) -> list[AreaPolicy]:
    periodo = periodo or carica_periodo()
    aree = []
    for ordine, (nome, sociosanitaria, trasversale) in enumerate(AREE_POLICY, start=1):
        area, _ = AreaPolicy.objects.get_or_create(
            periodo=periodo,
            slug=slugify(nome)[:80],
            defaults={
                "nome": nome,
                "ordine": ordine,
                "integrazione_sociosanitaria": sociosanitaria,
                "trasversale": trasversale,
            },
        )
        aree.append(area)
    return aree


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


# Who runs the Oglio Po public pages, for the demo's public face (/pubblico/oglio-po/): invented,
# like the contacts. The other ambiti keep the default (their Ufficio di Piano).
SITO_PUBBLICO = {
    "oglio-po": {
        "gestore_sito": "Consorzio Pubblico Servizio alla Persona — Ufficio di Piano Oglio Po",
        "indirizzo_gestore": "Via Alcide De Gasperi 12, 46019 Viadana (MN)",
        "telefono_gestore": "0375 000 100",
        "pec_gestore": "ufficiodipiano.ogliopo@pec.example",
    }
}


def carica_sito_pubblico_demo() -> None:
    """Fill the public-site fields the administrator has left empty (never overwrite hers)."""
    for slug, campi in SITO_PUBBLICO.items():
        ambito = Ambito.objects.filter(slug=slug).first()
        if ambito is None or ambito.gestore_sito:
            continue
        for campo, valore in campi.items():
            setattr(ambito, campo, valore)
        ambito.save(update_fields=list(campi))
