"""The budget that reconciles: the ambito's available funds entered by its Ufficio di Piano, the
overview's allocated against available per fund and year, an action's euro per fund and year
against its objective's, with the warning and its confirmation. Every figure is worked out by
hand in the test."""

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from ambiti.demo import carica_periodo
from core.flusso import OperazioneNonAmmessa
from obiettivi import services
from obiettivi.demo import carica_fondi
from obiettivi.models import Azione, Disponibilita, RisorsaAzione
from tests.factories import (
    AzioneFactory,
    DisponibilitaFactory,
    ObiettivoFactory,
    RisorsaAzioneFactory,
    RisorsaFactory,
)
from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno

CONFERMA = "Confermo: le azioni superano le risorse dell'obiettivo"


@pytest.fixture
def piano(cremasco, cremonese):
    periodo = carica_periodo()
    fondi = {f.sigla: f for f in carica_fondi()}
    return SimpleNamespace(ambito=cremasco, cremonese=cremonese, periodo=periodo, fondi=fondi)


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


def _url(nome, *args, slug="cremasco"):
    return reverse(f"obiettivi:{nome}", args=[slug, *args])


def _righe(risposta, testid):
    return [
        [_testo(c) for c in trova(tr, "th") + trova(tr, "td")]
        for tabella in trova(risposta, "table", data_testid=testid)
        for tr in trova(tabella, "tr")
    ]


# --- Allocated against available, in the overview ----------------------------------------------


@pytest.fixture
def conti(piano):
    """FNPS 2025: 100.000,00 available, 60.000,10 + 40.000,00 allocated → 0,10 over.
    FSR 2026: 50.000,00 available, 12.345,67 allocated → 37.654,33 left."""
    fnps, fsr = piano.fondi["FNPS"], piano.fondi["FSR"]
    DisponibilitaFactory(fondo=fnps, anno=2025, importo=Decimal("100000.00"))
    DisponibilitaFactory(fondo=fsr, anno=2026, importo=Decimal("50000.00"))
    uno = ObiettivoFactory(ambito=piano.ambito, codice="1.1")
    due = ObiettivoFactory(ambito=piano.ambito, codice="2.1")
    RisorsaFactory(obiettivo=uno, anno=2025, fondo=fnps, importo=Decimal("60000.10"))
    RisorsaFactory(obiettivo=due, anno=2025, fondo=fnps, importo=Decimal("40000.00"))
    RisorsaFactory(obiettivo=due, anno=2026, fondo=fsr, importo=Decimal("12345.67"))
    # Another ambito's availability and allocation count nowhere here.
    DisponibilitaFactory(ambito=piano.cremonese, fondo=fnps, anno=2025, importo=Decimal("1"))
    return SimpleNamespace(fnps=fnps, fsr=fsr)


def test_la_panoramica_confronta_programmato_e_disponibile_al_centesimo(up, piano, conti):
    risposta = up.get(_url("panoramica"))
    r = risposta.context["riconciliazione"]
    cella = r.cella(2025, conti.fnps)
    assert (cella.tetto, cella.impegnato) == (Decimal("100000.00"), Decimal("100000.10"))
    assert (cella.differenza, cella.eccedenza, cella.eccede) == (
        Decimal("-0.10"),
        Decimal("0.10"),
        True,
    )
    fsr = r.cella(2026, conti.fsr)
    assert (fsr.differenza, fsr.eccede) == (Decimal("37654.33"), False)
    assert (r.anno(2025).tetto, r.anno(2025).impegnato) == (
        Decimal("100000.00"),
        Decimal("100000.10"),
    )
    assert r.anno(2027).differenza == Decimal("0")
    assert r.fondo(conti.fsr).differenza == Decimal("37654.33")
    assert (r.totale.tetto, r.totale.impegnato, r.totale.differenza) == (
        Decimal("150000.00"),
        Decimal("112345.77"),
        Decimal("37654.23"),
    )
    # The excess is written out in its row, not only coloured.
    eccedenze = _righe(risposta, "disponibilita-fondo")
    assert ["2025", "€ 100.000,00", "€ 100.000,10", "€ -0,10", "⚠ Oltre di € 0,10"] in eccedenze
    assert ["2026", "€ 50.000,00", "€ 12.345,67", "€ 37.654,33", "Entro il limite"] in eccedenze
    anni = _righe(risposta, "disponibilita-anni")
    assert anni[-1] == ["Totale", "€ 150.000,00", "€ 112.345,77", "€ 37.654,23", "Entro il limite"]
    assert len(trova(risposta, "tr", data_testid="eccedenza")) == 1
    assert trova(risposta, "div", data_testid="avviso-eccedenze")


def test_senza_disponibilita_la_panoramica_lo_dice(up, piano):
    RisorsaFactory(obiettivo=ObiettivoFactory(ambito=piano.ambito), importo=Decimal("5"))
    risposta = up.get(_url("panoramica"))
    assert trova(risposta, "p", data_testid="disponibilita-assenti")
    assert not trova(risposta, "tr", data_testid="eccedenza")


def test_un_sindaco_vede_il_confronto_ma_non_il_pulsante(client, sindaco_crema, piano, conti):
    client.force_login(sindaco_crema)
    risposta = client.get(_url("panoramica"))
    assert len(trova(risposta, "tr", data_testid="eccedenza")) == 1
    assert _url("disponibilita") not in risposta.content.decode()


# --- Entering the available funds --------------------------------------------------------------


def _cella(anno, fondo, tipo="d"):
    return f"{tipo}_{anno}_{fondo.pk}"


def test_l_ufficio_di_piano_inserisce_le_disponibilita(up, piano):
    fnps, fp = piano.fondi["FNPS"], piano.fondi["FP"]
    risposta = up.post(
        _url("disponibilita"),
        {
            _cella(2025, fnps): "412.350,75",
            _cella(2025, fnps, "atto"): "Decreto di riparto FNPS 2025",
            _cella(2026, fp): "0",
        },
    )
    assert risposta.status_code == 302
    assert risposta["Location"].endswith("?periodo=2025-2027#disponibilita")
    assert {
        (d.fondo.sigla, d.anno): (d.importo, d.atto)
        for d in Disponibilita.objects.select_related("fondo")
    } == {
        ("FNPS", 2025): (Decimal("412350.75"), "Decreto di riparto FNPS 2025"),
        ("FP", 2026): (Decimal("0.00"), ""),
    }
    # A second save changes one, removes the emptied one, adds another.
    up.post(_url("disponibilita"), {_cella(2025, fnps): "412.350,76", _cella(2027, fp): "10"})
    assert {
        (d.fondo.sigla, d.anno): d.importo for d in Disponibilita.objects.select_related("fondo")
    } == {("FNPS", 2025): Decimal("412350.76"), ("FP", 2027): Decimal("10.00")}
    assert Disponibilita.objects.get(anno=2025).periodo == piano.periodo


def test_errori_accanto_alla_cella(up, piano):
    fnps = piano.fondi["FNPS"]
    risposta = up.post(
        _url("disponibilita"),
        {_cella(2025, fnps): "-5", _cella(2026, fnps, "atto"): "Decreto senza importo"},
    )
    assert risposta.status_code == 200
    errori = risposta.context["form"].errors
    assert errori[_cella(2025, fnps)] == ["L'importo non può essere negativo."]
    assert errori[_cella(2026, fnps)] == ["Indica l'importo assegnato dall'atto (anche 0,00)."]
    assert "L&#x27;importo non può essere negativo." in risposta.content.decode()
    assert not Disponibilita.objects.exists()


def test_il_database_rifiuta_disponibilita_doppie_negative_o_fuori_periodo(piano):
    DisponibilitaFactory(anno=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        DisponibilitaFactory(anno=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        DisponibilitaFactory(anno=2026, importo=Decimal("-0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        DisponibilitaFactory(anno=2028)
    azione = AzioneFactory(obiettivo=ObiettivoFactory(ambito=piano.ambito))
    with pytest.raises(IntegrityError), transaction.atomic():
        RisorsaAzioneFactory(azione=azione, anno=2024)


@pytest.mark.parametrize(
    ("persona", "atteso"),
    [("ufficio_piano_cremona", 404), ("sindaco_crema", 403), ("operatore_crema", 403)],
)
def test_solo_l_ufficio_di_piano_dell_ambito_inserisce(client, request, piano, persona, atteso):
    client.force_login(request.getfixturevalue(persona))
    dati = {_cella(2025, piano.fondi["FNPS"]): "1000"}
    assert client.get(_url("disponibilita")).status_code == atteso
    assert client.post(_url("disponibilita"), dati).status_code == atteso
    assert not Disponibilita.objects.exists()


def test_anonimo_al_login(client, piano):
    risposta = client.post(_url("disponibilita"), {_cella(2025, piano.fondi["FNPS"]): "1"})
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("accounts:login"))
    assert not Disponibilita.objects.exists()


# --- An action's euro against its objective's --------------------------------------------------


@pytest.fixture
def obiettivo(piano):
    """FNPS 2025: the objective has 1.000,00, its first action already uses 600,00."""
    obiettivo = ObiettivoFactory(ambito=piano.ambito, codice="1.1")
    RisorsaFactory(
        obiettivo=obiettivo, anno=2025, fondo=piano.fondi["FNPS"], importo=Decimal("1000.00")
    )
    prima = AzioneFactory(obiettivo=obiettivo, descrizione="Trasporto", avanzamento=10)
    RisorsaAzioneFactory(azione=prima, anno=2025, fondo=piano.fondi["FNPS"], importo="600.00")
    prima.risorse_assegnate = Decimal("600.00")
    prima.save()
    return obiettivo


def _azione(piano, importo, **extra):
    return {
        "descrizione": "Sportello",
        "responsabile_altro": "Ufficio di Piano",
        f"a_2025_{piano.fondi['FNPS'].pk}": importo,
    } | extra


def test_oltre_le_risorse_dell_obiettivo_serve_la_conferma(up, piano, obiettivo):
    url = _url("azione-nuova", obiettivo.pk)
    risposta = up.post(url, _azione(piano, "400,10"))
    assert risposta.status_code == 200
    # 600,00 + 400,10 = 1.000,10 against 1.000,00: 0,10 over.
    assert risposta.context["form"].errors["conferma_eccedenza"] == [
        "Le azioni superano le risorse dell'obiettivo: FNPS 2025 di € 0,10 (azioni € 1.000,10, "
        "obiettivo € 1.000,00). Per salvare comunque, spunta la conferma."
    ]
    riquadro = _testo(uno(risposta, "div", data_testid="conferma-eccedenza"))
    assert CONFERMA in riquadro
    assert "FNPS 2025 di € 0,10" in riquadro
    assert Azione.objects.count() == 1

    risposta = up.post(url, _azione(piano, "400,10", conferma_eccedenza="on"))
    assert risposta.status_code == 302
    nuova = Azione.objects.get(descrizione="Sportello")
    assert nuova.risorse_assegnate == Decimal("400.10")
    assert list(nuova.risorse.values_list("anno", "importo")) == [(2025, Decimal("400.10"))]


def test_entro_le_risorse_nessuna_conferma(up, piano, obiettivo):
    risposta = up.post(_url("azione-nuova", obiettivo.pk), _azione(piano, "400,00"))
    assert risposta.status_code == 302
    assert Azione.objects.get(descrizione="Sportello").risorse_assegnate == Decimal("400.00")


def test_modificare_un_azione_non_la_conta_due_volte(up, piano, obiettivo):
    prima = obiettivo.azioni.get()
    dati = _azione(piano, "1.000,00", descrizione="Trasporto sociale")
    risposta = up.post(_url("azione", obiettivo.pk, prima.pk), dati)
    assert risposta.status_code == 302
    prima.refresh_from_db()
    assert prima.risorse_assegnate == Decimal("1000.00")
    assert RisorsaAzione.objects.get().importo == Decimal("1000.00")


def test_il_servizio_ricontrolla_sotto_il_blocco(piano, obiettivo):
    """Another action grew after the form was checked: the service refuses, nothing is saved."""
    azione = Azione(obiettivo=obiettivo, descrizione="Nuova", responsabile_altro="UdP")
    with pytest.raises(OperazioneNonAmmessa, match="FNPS 2025 di € 0,01"):
        services.salva_azione(
            azione=azione,
            importi={(2025, piano.fondi["FNPS"].pk): Decimal("400.01")},
            conferma_eccedenza=False,
        )
    assert Azione.objects.count() == 1
    assert RisorsaAzione.objects.count() == 1


def test_la_pagina_dell_obiettivo_mostra_obiettivo_azioni_e_differenza(up, piano, obiettivo):
    seconda = AzioneFactory(obiettivo=obiettivo, avanzamento=100)
    RisorsaAzioneFactory(azione=seconda, anno=2025, fondo=piano.fondi["FNPS"], importo="400.10")
    RisorsaAzioneFactory(azione=seconda, anno=2026, fondo=piano.fondi["FSR"], importo="50.00")
    risposta = up.get(_url("dettaglio", obiettivo.pk))
    righe = _righe(risposta, "azioni-fondo")
    assert ["2025", "€ 1.000,00", "€ 1.000,10", "€ -0,10", "⚠ Oltre di € 0,10"] in righe
    assert ["2026", "€ 0,00", "€ 50,00", "€ -50,00", "⚠ Oltre di € 50,00"] in righe
    totale = _righe(risposta, "azioni-anni")[-1]
    assert totale == ["Totale", "€ 1.000,00", "€ 1.050,10", "€ -50,10", "⚠ Oltre di € 50,10"]
    assert trova(risposta, "div", data_testid="avviso-azioni")


def test_il_totale_delle_righe_pesa_ancora_l_avanzamento(up, piano, obiettivo):
    """600,00 at 10% and 3.000,00 at 100%: (600·10 + 3000·100) / 3600 = 85,0%."""
    RisorsaFactory(
        obiettivo=obiettivo, anno=2026, fondo=piano.fondi["FNPS"], importo=Decimal("5000")
    )
    dati = _azione(piano, "", **{f"a_2026_{piano.fondi['FNPS'].pk}": "3.000,00"})
    assert up.post(_url("azione-nuova", obiettivo.pk), dati).status_code == 302
    Azione.objects.filter(descrizione="Sportello").update(avanzamento=100)
    obiettivo.refresh_from_db()
    assert obiettivo.avanzamento == Decimal("85.0")


# --- The data migration ------------------------------------------------------------------------


def test_la_migrazione_ripartisce_l_importo_unico(piano):
    """100,00 on an objective with FNPS 2025 2.000,00 and FSR 2026 1.000,00: 66,67 and 33,33."""
    migrazione = importlib.import_module(
        "obiettivi.migrations.0006_disponibilita_e_risorse_delle_azioni"
    )
    obiettivo = ObiettivoFactory(ambito=piano.ambito)
    RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=piano.fondi["FNPS"], importo=2000)
    RisorsaFactory(obiettivo=obiettivo, anno=2026, fondo=piano.fondi["FSR"], importo=1000)
    azione = AzioneFactory(obiettivo=obiettivo, risorse_assegnate=Decimal("100.00"))
    senza = AzioneFactory(
        obiettivo=ObiettivoFactory(ambito=piano.ambito), risorse_assegnate=Decimal("7.00")
    )
    migrazione.ripartisci_risorse_assegnate(apps, None)
    assert sorted(azione.risorse.values_list("anno", "fondo__sigla", "importo")) == [
        (2025, "FNPS", Decimal("66.67")),
        (2026, "FSR", Decimal("33.33")),
    ]
    senza.refresh_from_db()
    assert (senza.risorse.count(), senza.risorse_assegnate) == (0, Decimal("7.00"))
