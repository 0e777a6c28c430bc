"""How the session's page, its agenda and its calendar event read: dates in one style, each
message once, each agenda item numbered once."""

import datetime

import pytest
from django.template.loader import render_to_string

from assemblea import notifiche, services
from assemblea.models import Presenza, PuntoOdg, Seduta
from assemblea.verbale import contesto_verbale
from piani.models import VersionePiano
from tests.assemblea.test_views_sedute import ROMA, crea_regola, crea_seduta, crea_versione, url
from tests.utils.html import testo as leggi
from tests.utils.html import trova

pytestmark = pytest.mark.django_db


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema):
    return crea_seduta(cremasco, ufficio_piano_crema)


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


def test_le_date_della_seduta_in_un_solo_stile(up, seduta):
    quando = datetime.datetime(2026, 3, 2, 9, 15, tzinfo=ROMA)
    Seduta.objects.filter(pk=seduta.pk).update(inviti_inviati_il=quando)
    pagina = up.get(url("seduta", seduta))
    date = [
        leggi(trova(pagina, data_testid=chiave)[0])
        for chiave in ("prima-convocazione", "seconda-convocazione", "inviti")
    ]
    assert date[0] == "martedì 10 marzo 2026, 17:30"
    assert date[1] == "mercoledì 11 marzo 2026, 17:30"
    assert date[2] == "inviata ai sindaci e ai delegati il lunedì 2 marzo 2026, 09:15"
    # One capitalisation of the month on the whole page: Italian writes it in lowercase.
    assert "Marzo" not in pagina.content.decode()


def test_punto_rifiutato_con_htmx_dice_il_messaggio_una_volta(up, seduta, cremasco):
    crea_regola(cremasco, None)
    services.apri_seduta(seduta, utente=None, convocazione="prima")
    risposta = up.post(
        url("punto-aggiungi", seduta),
        {"ordine": 1, "titolo": "Comunicazioni"},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    html = risposta.content.decode()
    assert "<html" not in html
    assert html.count("La seduta è già stata aperta: l&#x27;ordine del giorno non cambia più.") == 1
    assert not PuntoOdg.objects.exists()


def test_punto_eliminato_con_htmx_dice_il_messaggio_una_volta(up, seduta):
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni")
    risposta = up.post(url("punto-elimina", seduta, punto=punto.pk), HTTP_HX_REQUEST="true")
    assert risposta.content.decode().count("Punto eliminato dall&#x27;ordine del giorno.") == 1
    # The next full page does not say it again.
    assert "Punto eliminato" not in up.get(url("seduta", seduta)).content.decode()


def _punti(seduta):
    PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Presentazione")
    PuntoOdg.objects.create(seduta=seduta, ordine=3, titolo="Bilancio")
    return list(seduta.punti.order_by("ordine"))


def test_evento_del_calendario_numera_i_punti_una_volta(seduta):
    evento = notifiche.evento_seduta(seduta, _punti(seduta))
    assert "Ordine del giorno:\n1. Presentazione\n2. Bilancio" in evento.descrizione
    assert "1. 1." not in evento.descrizione


def test_verbale_numera_i_punti_con_il_loro_numero(seduta):
    _punti(seduta)
    html = render_to_string("assemblea/stampa/verbale.html", contesto_verbale(seduta))
    assert '<li value="1">Presentazione' in html
    assert '<li value="3">Bilancio' in html


def test_punto_su_una_versione_superata_e_segnalato(up, seduta, cremasco, ufficio_piano_crema):
    versione = crea_versione(cremasco, ufficio_piano_crema)
    PuntoOdg.objects.create(seduta=seduta, ordine=2, titolo="Approvazione", versione_piano=versione)
    assert not trova(up.get(url("seduta", seduta)), data_testid="versione-superata")

    VersionePiano.objects.create(
        piano=versione.piano, numero=2, html="<p>v2</p>", sha256_html="0" * 64
    )
    pagina = up.get(url("seduta", seduta))
    [avviso] = trova(pagina, data_testid="versione-superata")
    testo = leggi(avviso)
    assert "Il punto 2 (Approvazione) porta al voto la versione 1" in testo
    assert "una versione più recente: la versione 2." in testo


def test_il_sindaco_registra_la_sua_presenza_dalla_pagina_della_seduta(
    client, seduta, cremasco, sindaco_crema
):
    crea_regola(cremasco, None)
    client.force_login(sindaco_crema)
    pagina = client.get(url("seduta", seduta))
    [pulsante] = trova(pagina, data_testid="checkin-comune")
    assert leggi(pulsante) == "Registra la mia presenza per Crema"
    # Before the links of the page: the first thing a sindaco sees.
    html = pagina.content.decode()
    assert html.index('data-testid="checkin-seduta"') < html.index('data-testid="presenti-ora"')

    risposta = client.post(
        url("checkin", seduta), {"comune": pulsante_comune(pagina), "da": "seduta"}
    )
    assert risposta["Location"] == url("seduta", seduta)
    presenza = Presenza.objects.get()
    assert (presenza.comune.nome, presenza.via, presenza.utente) == (
        "Crema",
        "online",
        sindaco_crema,
    )
    pagina = client.get(url("seduta", seduta))
    assert leggi(trova(pagina, data_testid="checkin-fatto")[0]) == "Sei presente per Crema."
    assert not trova(pagina, data_testid="checkin-comune")


def pulsante_comune(pagina):
    [campo] = [
        el
        for el in trova(pagina)
        if el.name == "input" and dict(el.attributes).get("name") == "comune"
    ]
    return dict(campo.attributes)["value"]


def test_chi_non_rappresenta_un_comune_non_ha_il_pulsante(
    client, up, seduta, cremasco, delegato_pandino
):
    crea_regola(cremasco, None)
    assert not trova(up.get(url("seduta", seduta)), data_testid="checkin-seduta")
    # A delegato with no delegation recorded for this session does not speak for the comune.
    client.force_login(delegato_pandino)
    assert not trova(client.get(url("seduta", seduta)), data_testid="checkin-seduta")
