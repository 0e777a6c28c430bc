"""Target groups (destinatari): the seeded list, the objective's checkboxes, the overview's filter
and its summary by group and year (sums by hand, to the cent; an objective with two groups
counts in both, the total counts it once), the detail page and the plan's PDF partial."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from ambiti.demo import carica_periodo
from obiettivi.demo import carica_fondi
from obiettivi.models import Destinatario, Obiettivo
from tests.factories import ObiettivoFactory, RisorsaFactory
from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno

SEMINATI = [
    "Anziani",
    "Minori",
    "Famiglie",
    "Persone con disabilità",
    "Giovani",
    "Persone in povertà",
    "Stranieri",
    "Donne vittime di violenza",
    "Persone con dipendenze",
    "Persone senza dimora",
    "Caregiver familiari",
]


def _gruppo(slug):
    return Destinatario.objects.get(slug=slug, ambito=None)


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


@pytest.fixture
def piano(cremasco, cremonese):
    """Three objectives of the Cremasco and one of the Cremonese, with resources in cents."""
    periodo = carica_periodo()
    fnps, fsr, _fp, com, _alt = carica_fondi()
    anziani, famiglie = _gruppo("anziani"), _gruppo("famiglie")
    area = periodo.aree.order_by("ordine").first()
    due_gruppi = ObiettivoFactory(
        ambito=cremasco, codice="1.1", titolo="Domiciliarità", aree=[area]
    )
    due_gruppi.gruppi_destinatari.set([famiglie, anziani])
    un_gruppo = ObiettivoFactory(ambito=cremasco, codice="1.2", titolo="Trasporto", aree=[area])
    un_gruppo.gruppi_destinatari.set([anziani])
    nessuno = ObiettivoFactory(ambito=cremasco, codice="1.3", titolo="Governance", aree=[area])
    cremona = ObiettivoFactory(ambito=cremonese, codice="1.1", titolo="Altrove", aree=[area])
    cremona.gruppi_destinatari.set([anziani])
    for obiettivo, anno, fondo, importo in [
        (due_gruppi, 2025, fnps, "1000.10"),
        (due_gruppi, 2026, fsr, "500.05"),
        (un_gruppo, 2025, fnps, "250.25"),
        (un_gruppo, 2027, com, "99.99"),
        (nessuno, 2026, fnps, "0.01"),
        (cremona, 2025, fnps, "7777.77"),
    ]:
        RisorsaFactory(obiettivo=obiettivo, anno=anno, fondo=fondo, importo=Decimal(importo))
    return SimpleNamespace(
        periodo=periodo,
        area=area,
        anziani=anziani,
        famiglie=famiglie,
        due_gruppi=due_gruppi,
        un_gruppo=un_gruppo,
        nessuno=nessuno,
    )


def _panoramica(client, **parametri):
    return client.get(reverse("obiettivi:panoramica", args=["cremasco"]), parametri)


def test_ogni_installazione_ha_l_elenco_dei_gruppi(db):
    assert list(Destinatario.objects.filter(ambito=None).values_list("nome", flat=True)) == (
        SEMINATI
    )


# --- The summary by group ----------------------------------------------------------------------


def test_riepilogo_per_gruppo_e_anno(up, piano):
    riepilogo = _panoramica(up).context["riepilogo_destinatari"]
    assert riepilogo.anni == [2025, 2026, 2027]
    righe = {r.gruppo.slug: (r.numero, r.per_anno, r.totale) for r in riepilogo.righe}
    # Anziani: 1.1 and 1.2. 2025: 1000,10 + 250,25; 2026: 500,05; 2027: 99,99.
    assert righe["anziani"] == (
        2,
        [Decimal("1250.35"), Decimal("500.05"), Decimal("99.99")],
        Decimal("1850.39"),
    )
    # Famiglie: 1.1 alone, all of its resources although it has another group too.
    assert righe["famiglie"] == (
        1,
        [Decimal("1000.10"), Decimal("500.05"), Decimal("0")],
        Decimal("1500.15"),
    )
    # Every other group of the list is shown, with nothing in it.
    assert righe["minori"] == (0, [Decimal("0")] * 3, Decimal("0"))
    assert len(righe) == len(SEMINATI)
    senza = riepilogo.senza_gruppo
    assert (senza.numero, senza.per_anno, senza.totale) == (
        1,
        [Decimal("0"), Decimal("0.01"), Decimal("0")],
        Decimal("0.01"),
    )
    # Each objective and each euro once: 1000,10 + 500,05 + 250,25 + 99,99 + 0,01.
    totale = riepilogo.totale
    assert (totale.numero, totale.per_anno, totale.totale) == (
        3,
        [Decimal("1250.35"), Decimal("500.06"), Decimal("99.99")],
        Decimal("1850.40"),
    )
    # The rows add up to more: 1.1 is counted under both of its groups.
    assert sum((r.totale for r in riepilogo.righe), senza.totale) == Decimal("3350.55")


def test_la_pagina_spiega_il_doppio_conteggio_e_mostra_il_totale(up, piano):
    risposta = _panoramica(up)
    tabella = uno(risposta, "table", data_testid="riepilogo-destinatari")
    righe = {
        _testo(uno(r, "th")): [_testo(td) for td in trova(r, "td")]
        for r in trova(tabella, "tr", data_testid="riga-destinatari")
    }
    assert righe["Anziani"] == ["2", "€ 1.250,35", "€ 500,05", "€ 99,99", "€ 1.850,39"]
    assert righe["Famiglie"] == ["1", "€ 1.000,10", "€ 500,05", "€ 0,00", "€ 1.500,15"]
    senza = uno(tabella, "tr", data_testid="riga-senza-destinatari")
    assert [_testo(td) for td in trova(senza, "td")] == [
        "1",
        "€ 0,00",
        "€ 0,01",
        "€ 0,00",
        "€ 0,01",
    ]
    totale = uno(tabella, "tr", data_testid="totale-destinatari")
    assert _testo(uno(totale, "th")) == "Totale, senza doppi conteggi"
    assert [_testo(td) for td in trova(totale, "td")] == [
        "3",
        "€ 1.250,35",
        "€ 500,06",
        "€ 99,99",
        "€ 1.850,40",
    ]
    assert "è contato in ognuno di essi" in risposta.content.decode()


# --- The filter --------------------------------------------------------------------------------


def test_filtrare_per_gruppo(up, piano):
    risposta = _panoramica(up, periodo="2025-2027", destinatari=piano.famiglie.pk)
    assert risposta.context["gruppo"] == piano.famiglie
    obiettivi = [_testo(uno(r, "th")) for r in trova(risposta, "tr", data_testid="obiettivo")]
    assert obiettivi == ["1.1 Domiciliarità"]
    assert risposta.context["totale"].totale == Decimal("1500.15")
    assert "Sono mostrati solo gli obiettivi rivolti a: Famiglie." in _testo(
        uno(risposta, data_testid="filtro-destinatari")
    )
    # The summary still covers the whole plan.
    assert risposta.context["riepilogo_destinatari"].totale.totale == Decimal("1850.40")

    anziani = _panoramica(up, destinatari=piano.anziani.pk)
    codici = [o.codice for _a, lista, _t in anziani.context["sezioni"] for o in lista]
    assert codici == ["1.1", "1.2"]
    assert anziani.context["totale"].totale == Decimal("1850.39")


def test_senza_filtro_o_con_un_filtro_estraneo_mostra_tutto(up, piano, cremonese):
    solo_cremona = Destinatario.objects.create(ambito=cremonese, nome="Cremonesi", slug="c")
    for valore in ("", "abc", str(solo_cremona.pk), "999999"):
        risposta = _panoramica(up, destinatari=valore)
        assert risposta.status_code == 200
        assert risposta.context["gruppo"] is None
        assert len(trova(risposta, "tr", data_testid="obiettivo")) == 3
    assert solo_cremona not in _panoramica(up).context["gruppi"]


# --- The form ----------------------------------------------------------------------------------


def _dati(piano, **extra):
    return {
        "codice": "2.1",
        "titolo": "Centri per le famiglie",
        "descrizione": "",
        "aree_policy": [piano.area.pk],
        "destinatari": "nuclei con figli piccoli",
        "priorita": Obiettivo.Priorita.MEDIA,
        "stato": Obiettivo.Stato.PROPOSTO,
    } | extra


def test_scegliere_i_gruppi_nel_modulo(up, piano, cremasco):
    # The ambito's own group, after the shared ones.
    nostro = Destinatario.objects.create(
        ambito=cremasco, nome="Pendolari", slug="pendolari", ordine=200
    )
    pagina = up.get(reverse("obiettivi:nuovo", args=["cremasco"]))
    caselle = trova(pagina, "input", type="checkbox", name="gruppi_destinatari")
    assert len(caselle) == len(SEMINATI) + 1
    # Each checkbox has its own label.
    for casella in caselle:
        id_ = dict(casella.attributes)["id"]
        assert len(trova(pagina, "label", **{"for": id_})) == 1
    dati = _dati(piano, gruppi_destinatari=[piano.famiglie.pk, nostro.pk])
    risposta = up.post(reverse("obiettivi:nuovo", args=["cremasco"]), dati)
    assert risposta.status_code == 302
    creato = Obiettivo.objects.get(codice="2.1", ambito=cremasco)
    assert list(creato.gruppi_destinatari.all()) == [piano.famiglie, nostro]
    assert creato.destinatari == "nuclei con figli piccoli"


def test_un_gruppo_di_un_altro_ambito_e_rifiutato_accanto_al_campo(up, piano, cremonese):
    altrui = Destinatario.objects.create(ambito=cremonese, nome="Cremonesi", slug="c")
    risposta = up.post(
        reverse("obiettivi:nuovo", args=["cremasco"]),
        _dati(piano, gruppi_destinatari=[altrui.pk]),
    )
    assert risposta.status_code == 200
    blocco = uno(risposta, id="div_id_gruppi_destinatari")
    assert f"Scegli un'opzione valida. {altrui.pk} non è tra quelle disponibili." in _testo(blocco)
    assert not Obiettivo.objects.filter(codice="2.1").exists()


def test_un_gruppo_disattivato_resta_sull_obiettivo_che_lo_ha(up, piano):
    piano.anziani.attivo = False
    piano.anziani.save()
    url = reverse("obiettivi:modifica", args=["cremasco", piano.un_gruppo.pk])
    pagina = up.get(url)
    valori = {
        dict(c.attributes)["value"]
        for c in trova(pagina, "input", type="checkbox", name="gruppi_destinatari")
    }
    assert str(piano.anziani.pk) in valori
    nuovo = up.get(reverse("obiettivi:nuovo", args=["cremasco"]))
    valori_nuovo = {
        dict(c.attributes)["value"]
        for c in trova(nuovo, "input", type="checkbox", name="gruppi_destinatari")
    }
    assert str(piano.anziani.pk) not in valori_nuovo
    dati = _dati(piano, codice="1.2", titolo="Trasporto", gruppi_destinatari=[piano.anziani.pk])
    assert up.post(url, dati).status_code == 302
    assert list(piano.un_gruppo.gruppi_destinatari.all()) == [piano.anziani]


# --- Where the groups are shown ----------------------------------------------------------------


def test_il_dettaglio_mostra_gruppi_e_nota(up, piano):
    piano.due_gruppi.destinatari = "soprattutto chi vive solo"
    piano.due_gruppi.save()
    risposta = up.get(reverse("obiettivi:dettaglio", args=["cremasco", piano.due_gruppi.pk]))
    cella = uno(risposta, data_testid="destinatari")
    assert [_testo(a) for a in trova(cella, "a")] == ["Anziani", "Famiglie"]
    assert "soprattutto chi vive solo" in _testo(cella)
    vuoto = up.get(reverse("obiettivi:dettaglio", args=["cremasco", piano.nessuno.pk]))
    assert _testo(uno(vuoto, data_testid="destinatari")) == "—"
