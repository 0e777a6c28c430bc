"""The real territory: 48 + 48 + 27 comuni, the populations of SOURCES.md, idempotent loading."""

import datetime

import pytest
from django.db import IntegrityError
from django.db.models import Count, Sum

from ambiti.models import Ambito, Comune, Popolazione, SubAmbito
from ambiti.territorio import carica_territorio


def test_tre_ambiti_con_i_loro_comuni(territorio):
    conteggi = dict(Ambito.objects.annotate(n=Count("comuni")).values_list("slug", "n"))
    assert conteggi == {"cremonese": 48, "cremasco": 48, "oglio-po": 27}
    assert Comune.objects.count() == 123


def test_popolazioni_per_ambito_e_sub_ambito(territorio):
    per_ambito = dict(
        Ambito.objects.annotate(p=Sum("comuni__popolazione")).values_list("slug", "p")
    )
    assert per_ambito == {"cremonese": 157_648, "cremasco": 162_287, "oglio-po": 82_503}
    per_sub = dict(
        SubAmbito.objects.annotate(p=Sum("comuni__popolazione"), n=Count("comuni")).values_list(
            "nome", "p"
        )
    )
    assert per_sub == {"Casalmaggiore (Casalasco)": 36_039, "Viadana (Viadanese)": 46_464}
    assert Comune.objects.filter(provincia="MN").count() == 10
    assert set(Comune.objects.filter(provincia="MN").values_list("ambito__slug", flat=True)) == {
        "oglio-po"
    }


def test_governance_degli_ambiti(territorio):
    cremasco = territorio["cremasco"]
    assert cremasco.ente_capofila.nome == "Crema"
    assert "Comunità Sociale Cremasca" in cremasco.ente_gestore
    assert [a.nome for a in cremasco.asst.all()] == ["ASST Crema"]
    assert territorio["cremonese"].ente_capofila.nome == "Cremona"
    oglio_po = territorio["oglio-po"]
    assert sorted(a.nome for a in oglio_po.asst.all()) == ["ASST Cremona", "ASST Mantova"]
    assert {s.ente_gestore for s in oglio_po.sub_ambiti.all()} == {
        "Consorzio Casalasco Servizi Sociali (ConCaSS)",
        "Azienda Speciale Consortile Oglio Po",
    }
    assert {a.ats.nome for a in territorio.values()} == {"ATS Val Padana"}


def test_popolazione_con_fonte_e_data(territorio):
    crema = Comune.objects.get(codice_istat="019035")
    assert (crema.popolazione, crema.popolazione_fonte) == (34_204, "ANPR")
    assert crema.popolazione_data == datetime.date(2025, 1, 1)
    assert Popolazione.objects.get(comune=crema).residenti == 34_204


def test_caricare_due_volte_non_cambia_nulla(territorio):
    prima = list(Comune.objects.order_by("codice_istat").values())
    risultato = carica_territorio()
    assert risultato["comuni_creati"] == 0
    assert list(Comune.objects.order_by("codice_istat").values()) == prima
    assert Popolazione.objects.count() == 123
    assert Ambito.objects.count() == 3


def test_codice_istat_unico_nel_database(territorio):
    crema = Comune.objects.get(codice_istat="019035")
    with pytest.raises(IntegrityError):
        Comune.objects.create(
            codice_istat="019035",
            nome="Doppione",
            provincia="CR",
            ambito=crema.ambito,
            popolazione=1,
            popolazione_data=datetime.date(2025, 1, 1),
            popolazione_fonte="ANPR",
        )
