"""obiettivi/0004 on a database that already holds objectives: the default list of target groups
is there, and a free-text destinatari that clearly names groups gets them, the text staying as
the note; a text that names none gets none."""

import pytest

from obiettivi.models import Obiettivo
from tests.utils.migrazioni import migra

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrazione"),
]

PRIMA = [("obiettivi", "0003_periodo_areapolicy_in_ambiti")]
DOPO = [("obiettivi", "0004_gruppi_destinatari")]


TESTI = {
    "1": "Anziani soli e loro famiglie",
    "2": "minori stranieri non accompagnati",
    "3": "Persone con DISABILITÀ grave",
    "4": "adulti in povertà, senza fissa dimora",
    "5": "cittadini fragili e volontari",
    "6": "",
    "7": "Giovani NEET; donne vittime di violenza",
}

ATTESI = {
    "1": ["anziani", "famiglie"],
    "2": ["minori", "stranieri"],
    "3": ["persone-con-disabilita"],
    "4": ["persone-in-poverta", "persone-senza-dimora"],
    "5": [],
    "6": [],
    "7": ["giovani", "donne-vittime-di-violenza"],
}


def test_i_destinatari_scritti_diventano_gruppi(cremasco):
    apps = migra(PRIMA).apps
    Periodo = apps.get_model("ambiti", "Periodo")
    Vecchio = apps.get_model("obiettivi", "Obiettivo")
    periodo = Periodo.objects.create(nome="2040-2042", anno_inizio=2040, anno_fine=2042)
    for codice, testo in TESTI.items():
        Vecchio.objects.create(
            ambito_id=cremasco.pk,
            periodo=periodo,
            codice=codice,
            titolo=f"Obiettivo {codice}",
            destinatari=testo,
        )

    migra(DOPO)
    obiettivi = Obiettivo.objects.filter(periodo__nome="2040-2042").prefetch_related(
        "gruppi_destinatari"
    )
    trovati = {o.codice: [g.slug for g in o.gruppi_destinatari.all()] for o in obiettivi}
    assert trovati == ATTESI
    # The text stays, as the note.
    assert {o.codice: o.destinatari for o in obiettivi} == TESTI
