"""The secretary's side of the first and second call on the session's page: what it offers at each
moment, the first call declared deserted with its confirmation dialog, the opening in second call,
the dates that no longer change, and the minutes.

The Cremasco has 48 comuni. One vote per comune, quorum in heads: the first call needs 25
(2 x presenti > 48), the second 16 (3 x presenti >= 48). 20 comuni are present."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.urls import reverse

from ambiti.models import Comune
from assemblea import services
from assemblea.models import Presenza, PuntoOdg, RegolaVoto, Seduta
from tests.utils.html import testo_visibile as visibile
from tests.utils.html import trova, uno

ROMA = ZoneInfo("Europe/Rome")
PRIMA = datetime(2027, 3, 12, 9, 0, tzinfo=ROMA)
SECONDA = datetime(2027, 3, 12, 18, 0, tzinfo=ROMA)
DESERTA = PRIMA + timedelta(minutes=30)


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema):
    services.nuova_regola(
        RegolaVoto(
            ambito=cremasco,
            peso=RegolaVoto.Peso.UNO,
            quorum=RegolaVoto.Misura.TESTE,
            quorum_seconda=RegolaVoto.QuorumSeconda.UN_TERZO,
        ),
        utente=ufficio_piano_crema,
    )
    seduta = Seduta.objects.create(
        ambito=cremasco,
        titolo="Approvazione del Piano di Zona 2025-2027",
        modalita=Seduta.Modalita.PRESENZA,
        luogo="Crema, Sala degli Ostaggi",
        prima_convocazione=PRIMA,
        seconda_convocazione=SECONDA,
        convocata_da=ufficio_piano_crema,
    )
    PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni del Presidente")
    return seduta


@pytest.fixture
def venti(seduta):
    comuni = list(Comune.objects.filter(ambito=seduta.ambito).order_by("nome")[:20])
    for comune in comuni:
        Presenza.objects.create(
            seduta=seduta, comune=comune, persona="Sindaco", qualita="sindaco", via="segreteria"
        )
    return comuni


def _url(nome, seduta):
    return reverse(f"assemblea:{nome}", kwargs={"slug": "cremasco", "pk": seduta.pk})


def _messaggi(risposta):
    return [str(m) for m in risposta.context["messages"]]


def _note(pagina):
    return [visibile(n) for n in trova(pagina, data_testid="nota-apertura")]


def _radio(pagina):
    return [dict(r.attributes)["value"] for r in trova(pagina, "input", name="convocazione")]


def _alle(client, utente, momento):
    """The clock at `momento`, and the secretary logged in then (a login from today's clock
    would have expired by 2027)."""
    viaggio = time_machine.travel(momento, tick=False)
    viaggio.start()
    client.force_login(utente)
    return viaggio


@pytest.fixture
def orologio(client, ufficio_piano_crema):
    viaggi = []

    def alle(momento):
        if viaggi:
            viaggi.pop().stop()
        viaggi.append(_alle(client, ufficio_piano_crema, momento))
        return client

    yield alle
    for viaggio in viaggi:
        viaggio.stop()


def test_tre_giorni_prima_la_pagina_dice_quando_e_l_apertura_e_rifiutata(orologio, seduta, venti):
    up = orologio(SECONDA - timedelta(days=3))
    pagina = up.get(_url("seduta", seduta))
    assert not trova(pagina, data_testid="prima-deserta")
    assert not trova(pagina, data_testid="apri-seduta")
    assert _note(pagina) == [
        "La seduta potrà essere aperta in prima convocazione dalle 09:00 del 12 marzo 2027.",
        "In seconda convocazione la seduta potrà essere aperta dalle 18:00 del 12 marzo 2027, "
        "solo dopo aver dichiarato deserta la prima (quorum non raggiunto).",
    ]
    # The form hidden is not the guard: a POST is refused by the service, with the time.
    risposta = up.post(_url("seduta-apri", seduta), {"convocazione": "seconda"}, follow=True)
    assert _messaggi(risposta) == [
        "La seconda convocazione è fissata per le 18:00 del 12 marzo 2027: la seduta non può "
        "essere aperta prima."
    ]
    risposta = up.post(_url("seduta-prima-deserta", seduta), follow=True)
    assert _messaggi(risposta) == [
        "La prima convocazione è fissata per le 09:00 del 12 marzo 2027: non può essere "
        "dichiarata deserta prima."
    ]
    seduta.refresh_from_db()
    assert seduta.stato == Seduta.Stato.CONVOCATA and seduta.prima_deserta_il is None


def test_prima_deserta_poi_aperta_in_seconda(orologio, seduta, venti, ufficio_piano_crema):
    up = orologio(DESERTA)
    pagina = up.get(_url("seduta", seduta))
    # From the first call's time: open in first call, or declare it deserted.
    assert _radio(pagina) == ["prima"]
    modulo = uno(pagina, "form", data_testid="prima-deserta")
    assert dict(modulo.attributes)["data-conferma-dialogo"] == "conferma-prima-deserta"
    dialogo = uno(modulo, id="conferma-prima-deserta")
    assert dict(dialogo.attributes)["role"] == "dialog"
    assert "Dichiarare deserta la prima convocazione?" in visibile(dialogo)
    assert "Non si può annullare:" in visibile(dialogo)

    risposta = up.post(_url("seduta-prima-deserta", seduta), follow=True)
    popolazione = sum(c.popolazione for c in venti)
    totale = sum(c.popolazione for c in Comune.objects.filter(ambito=seduta.ambito))
    cifra, cifra_totale = (f"{n:,}".replace(",", ".") for n in (popolazione, totale))
    assert totale == 162287
    assert _messaggi(risposta) == [
        "Prima convocazione dichiarata deserta alle 09:30: quorum costitutivo non raggiunto: "
        f"presenti 20 comuni su 48, {cifra} abitanti su {cifra_totale}."
    ]
    assert "presenti 20 comuni su 48" in visibile(uno(risposta, data_testid="prima-deserta-il"))
    # Between the two calls: nothing to open yet, and the page says from when.
    assert not trova(risposta, data_testid="prima-deserta")
    assert not trova(risposta, data_testid="apri-seduta")
    assert _note(risposta) == [
        "La seduta potrà essere aperta in seconda convocazione dalle 18:00 del 12 marzo 2027."
    ]

    up = orologio(SECONDA)
    pagina = up.get(_url("seduta", seduta))
    assert _radio(pagina) == ["seconda"]
    assert _note(pagina) == []
    risposta = up.post(_url("seduta-apri", seduta), {"convocazione": "seconda"}, follow=True)
    [messaggio] = _messaggi(risposta)
    assert messaggio.startswith(
        "Seduta aperta in seconda convocazione: quorum costitutivo raggiunto: presenti 20 comuni"
    )
    seduta.refresh_from_db()
    assert seduta.convocazione == Seduta.Convocazione.SECONDA and seduta.aperta_il == SECONDA

    # The minutes: the first call deserted with its time and presences, the opening in second.
    services.chiudi_seduta(seduta, utente=ufficio_piano_crema)
    pdf = up.get(_url("verbale-pdf", seduta))
    contenuto = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    lettore = pypdf.PdfReader(io.BytesIO(contenuto))
    testo = " ".join(" ".join(p.extract_text() for p in lettore.pages).split())
    assert (
        "La prima convocazione è andata deserta: alle 09:30 del 12 marzo 2027 erano presenti 20 "
        f"comuni su 48, che rappresentano {cifra} abitanti su {cifra_totale}"
    ) in testo
    assert "La seduta è stata aperta in seconda convocazione alle 18:00 del 12 marzo 2027." in testo


def test_col_quorum_la_prima_non_si_dichiara_deserta(orologio, seduta, venti):
    for comune in Comune.objects.filter(ambito=seduta.ambito).order_by("nome")[20:25]:
        Presenza.objects.create(
            seduta=seduta, comune=comune, persona="Sindaco", qualita="sindaco", via="segreteria"
        )
    up = orologio(DESERTA)
    risposta = up.post(_url("seduta-prima-deserta", seduta), follow=True)
    assert _messaggi(risposta) == [
        "Il quorum della prima convocazione è raggiunto (presenti 25 comuni su 48): la prima "
        "convocazione non è deserta, la seduta si apre in prima convocazione."
    ]
    seduta.refresh_from_db()
    assert seduta.prima_deserta_il is None
    assert _radio(risposta) == ["prima"]


def test_dopo_la_prima_deserta_le_date_non_cambiano(orologio, seduta, venti):
    up = orologio(DESERTA)
    up.post(_url("seduta-prima-deserta", seduta), follow=True)
    dati = {
        "titolo": "Approvazione del Piano di Zona 2025-2027 (rinviata)",
        "modalita": "presenza",
        "luogo": "Crema, Sala degli Ostaggi",
        "link_online": "",
        "prima_convocazione": "2027-03-19T09:00",
        "seconda_convocazione": "2027-03-19T18:00",
    }
    risposta = up.post(_url("seduta-modifica", seduta), dati, follow=True)
    assert _messaggi(risposta) == [
        "La prima convocazione è già stata dichiarata deserta: le date di convocazione non si "
        "modificano più."
    ]
    seduta.refresh_from_db()
    assert (seduta.prima_convocazione, seduta.seconda_convocazione) == (PRIMA, SECONDA)
    assert seduta.titolo == "Approvazione del Piano di Zona 2025-2027"
    # The rest of the session's data still changes.
    dati |= {"prima_convocazione": "2027-03-12T09:00", "seconda_convocazione": "2027-03-12T18:00"}
    risposta = up.post(_url("seduta-modifica", seduta), dati, follow=True)
    assert _messaggi(risposta) == ["Seduta modificata."]
    seduta.refresh_from_db()
    assert seduta.titolo.endswith("(rinviata)")


def test_il_sindaco_non_vede_i_pulsanti_della_segreteria(client, seduta, venti, sindaco_crema):
    with time_machine.travel(DESERTA, tick=False):
        client.force_login(sindaco_crema)
        pagina = client.get(_url("seduta", seduta))
        assert pagina.status_code == 200
        assert not trova(pagina, data_testid="prima-deserta")
        assert not trova(pagina, data_testid="nota-apertura")
        assert client.post(_url("seduta-prima-deserta", seduta)).status_code == 403
    seduta.refresh_from_db()
    assert seduta.prima_deserta_il is None
