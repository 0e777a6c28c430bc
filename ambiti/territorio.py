"""The territory of the ambiti the portal starts with, loaded from the project's own data file.

`ambiti/data/comuni_ambiti.csv` holds the 123 comuni with ISTAT code, province, ambito,
sub-ambito and ANPR population (see `ambiti/data/SOURCES.md`). Loading is idempotent: running it
again updates rows in place and creates nothing twice.
"""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Ambito, Asst, Ats, Comune, Popolazione, SubAmbito

DATA_DIR = Path(__file__).resolve().parent / "data"
COMUNI_CSV = DATA_DIR / "comuni_ambiti.csv"
CAMPI_COMUNE = [
    "nome",
    "provincia",
    "ambito",
    "sub_ambito",
    "popolazione",
    "popolazione_data",
    "popolazione_fonte",
]


@dataclass(frozen=True)
class AmbitoDef:
    nome: str
    slug: str
    capofila_istat: str | None  # None where our sources do not name it: the admin sets it
    ente_gestore: str
    asst: tuple[str, ...]
    sub_ambiti: dict[str, str]  # nome → ente gestore


ATS_VAL_PADANA = "ATS Val Padana"

AMBITI = (
    AmbitoDef(
        nome="Cremonese",
        slug="cremonese",
        capofila_istat="019036",  # Cremona
        ente_gestore="Azienda Sociale Cremonese",
        asst=("ASST Cremona",),
        sub_ambiti={},
    ),
    AmbitoDef(
        nome="Cremasco",
        slug="cremasco",
        capofila_istat="019035",  # Crema
        ente_gestore="Comunità Sociale Cremasca (azienda speciale consortile)",
        asst=("ASST Crema",),
        sub_ambiti={},
    ),
    AmbitoDef(
        nome="Oglio Po",
        slug="oglio-po",
        capofila_istat=None,
        ente_gestore="",
        asst=("ASST Cremona", "ASST Mantova"),
        sub_ambiti={
            "Casalmaggiore (Casalasco)": "Consorzio Casalasco Servizi Sociali (ConCaSS)",
            "Viadana (Viadanese)": "Azienda Speciale Consortile Oglio Po",
        },
    ),
)


def parse_fonte(fonte: str) -> tuple[str, datetime.date]:
    """«ANPR 2025-01» → («ANPR», 1 January 2025): the first day of the month counted."""
    nome, _, mese = fonte.rpartition(" ")
    anno, numero = mese.split("-")
    return nome, datetime.date(int(anno), int(numero), 1)


def read_comuni(path: Path = COMUNI_CSV) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def carica_territorio(path: Path = COMUNI_CSV) -> dict[str, int]:
    righe = read_comuni(path)
    ambiti = {}
    for definizione in AMBITI:
        ats, _ = Ats.objects.get_or_create(nome=ATS_VAL_PADANA)
        ambito, _ = Ambito.objects.update_or_create(
            slug=definizione.slug,
            defaults={
                "nome": definizione.nome,
                "ente_gestore": definizione.ente_gestore,
                "ats": ats,
            },
        )
        asst = [
            Asst.objects.get_or_create(nome=nome, defaults={"ats": ats})[0]
            for nome in definizione.asst
        ]
        ambito.asst.set(asst)
        for nome, gestore in definizione.sub_ambiti.items():
            SubAmbito.objects.update_or_create(
                ambito=ambito, nome=nome, defaults={"ente_gestore": gestore}
            )
        ambiti[definizione.nome] = ambito

    sub_ambiti = {(s.ambito_id, s.nome): s for s in SubAmbito.objects.all()}
    esistenti = Comune.objects.in_bulk(field_name="codice_istat")
    nuovi, cambiati, rilevazioni = [], [], []
    for riga in righe:
        ambito = ambiti[riga["ambito"]]
        fonte, data = parse_fonte(riga["population_source"])
        valori = {
            "nome": riga["name"],
            "provincia": riga["province"],
            "ambito": ambito,
            "sub_ambito": sub_ambiti.get((ambito.pk, riga["sub_ambito"])),
            "popolazione": int(riga["population"]),
            "popolazione_data": data,
            "popolazione_fonte": fonte,
        }
        comune = esistenti.get(riga["istat_code"])
        if comune is None:
            comune = Comune(codice_istat=riga["istat_code"], **valori)
            nuovi.append(comune)
        elif any(getattr(comune, campo) != valore for campo, valore in valori.items()):
            for campo, valore in valori.items():
                setattr(comune, campo, valore)
            cambiati.append(comune)
        rilevazioni.append((comune, fonte, data, int(riga["population"])))
    # Bulk writes: the whole territory in a handful of queries, on a fresh or a loaded database.
    Comune.objects.bulk_create(nuovi)
    Comune.objects.bulk_update(cambiati, CAMPI_COMUNE)
    Popolazione.objects.bulk_create(
        [
            Popolazione(comune=c, fonte=fonte, data_riferimento=data, residenti=residenti)
            for c, fonte, data, residenti in rilevazioni
        ],
        update_conflicts=True,
        unique_fields=["comune", "fonte", "data_riferimento"],
        update_fields=["residenti"],
    )
    creati = len(nuovi)

    capofila = Comune.objects.in_bulk(
        [d.capofila_istat for d in AMBITI if d.capofila_istat], field_name="codice_istat"
    )
    for definizione in AMBITI:
        if definizione.capofila_istat:
            ambito = ambiti[definizione.nome]
            ambito.ente_capofila = capofila[definizione.capofila_istat]
            ambito.save(update_fields=["ente_capofila"])
    return {"ambiti": len(ambiti), "comuni": len(righe), "comuni_creati": creati}
