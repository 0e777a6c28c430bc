"""piani/0004 on a database that already holds versions: a pending version with a newer one of
the same plan becomes superata, and a version voted on gets the date of the plan's state change
that recorded the vote."""

import datetime

import pytest

from piani.models import VersionePiano
from tests.utils.migrazioni import migra

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrazione"),
]

PRIMA = [("piani", "0003_revisione_enti_esito_superata")]
DOPO = [("piani", "0004_versioni_superate_e_data_esito")]


def test_le_versioni_gia_congelate_ricevono_esito_e_data(cremasco, cremonese):
    apps = migra(PRIMA).apps
    Periodo = apps.get_model("ambiti", "Periodo")
    Piano = apps.get_model("piani", "Piano")
    Versione = apps.get_model("piani", "VersionePiano")
    Transizione = apps.get_model("piani", "TransizionePiano")
    periodo = Periodo.objects.create(nome="2030-2032", anno_inizio=2030, anno_fine=2032)
    in_attesa = Piano.objects.create(
        ambito_id=cremasco.pk, periodo=periodo, titolo="Due versioni", stato="per_assemblea"
    )
    approvato = Piano.objects.create(
        ambito_id=cremonese.pk, periodo=periodo, titolo="Approvato", stato="approvato"
    )

    def versione(piano, numero, esito="in_attesa"):
        return Versione.objects.create(
            piano=piano, numero=numero, html="<p>x</p>", sha256_html="0" * 64, esito=esito
        )

    prima, seconda = versione(in_attesa, 1), versione(in_attesa, 2)
    votata = versione(approvato, 1, "approvata")
    passaggio = Transizione.objects.create(
        piano=approvato, da_stato="per_assemblea", a_stato="approvato"
    )
    quando = datetime.datetime(2030, 3, 4, 18, 0, tzinfo=datetime.UTC)
    Transizione.objects.filter(pk=passaggio.pk).update(avvenuta_il=quando)

    migra(DOPO)
    esiti = {
        v.pk: (v.esito, v.esito_il)
        for v in VersionePiano.objects.filter(pk__in=[prima.pk, seconda.pk, votata.pk])
    }
    seconda_creata = VersionePiano.objects.get(pk=seconda.pk).creata_il
    assert esiti == {
        prima.pk: ("superata", seconda_creata),
        seconda.pk: ("in_attesa", None),
        votata.pk: ("approvata", quando),
    }
