"""iCalendar of the meetings: the data itself, the subscribable feeds, the single download."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Ruolo
from core.calendario import calendario, vevento
from tavoli.calendario import evento_incontro
from tests.factories import (
    IncontroFactory,
    IscrizioneFactory,
    MembroFactory,
    RuoloFactory,
    TavoloFactory,
    UserFactory,
)

ROMA = ZoneInfo("Europe/Rome")


def _eventi(contenuto):
    cal = Calendar.from_ical(contenuto)
    return cal, {str(e["uid"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def tavolo(cremasco, operatore_crema):
    return TavoloFactory(ambito=cremasco, titolo="Anziani e fragilità", operatori=[operatore_crema])


@pytest.fixture
def incontro(tavolo):
    return IncontroFactory(
        tavolo=tavolo,
        titolo="Primo incontro",
        inizio=datetime.datetime(2025, 10, 14, 17, 30, tzinfo=ROMA),
        fine=datetime.datetime(2025, 10, 14, 19, 0, tzinfo=ROMA),
        luogo="Sala Ricevimenti, Crema",
        link_online="https://meet.example.org/anziani",
        ordine_del_giorno="Presentazione del tavolo\n\n  Analisi dei bisogni  \n",
        sequenza_ics=2,
    )


# --- The data --------------------------------------------------------------------------------


def test_evento_del_incontro(incontro):
    contenuto = calendario([evento_incontro(incontro)], nome="Anziani")
    cal, eventi = _eventi(contenuto)

    assert str(cal["prodid"]) == "-//pdz//Piano di Zona//IT"
    assert str(cal["version"]) == "2.0"
    assert str(cal["x-wr-calname"]) == "Anziani"
    assert "method" not in cal
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Rome"]

    evento = eventi[f"{incontro.uid}@pdz"]
    assert evento["dtstart"].params["TZID"] == "Europe/Rome"
    assert evento["dtend"].params["TZID"] == "Europe/Rome"
    assert evento.decoded("dtstart") == datetime.datetime(2025, 10, 14, 17, 30, tzinfo=ROMA)
    assert evento.decoded("dtend") == datetime.datetime(2025, 10, 14, 19, 0, tzinfo=ROMA)
    assert b"DTSTART;TZID=Europe/Rome:20251014T173000" in contenuto
    assert str(evento["summary"]) == "Anziani e fragilità — Primo incontro"
    assert str(evento["location"]) == "Sala Ricevimenti, Crema"
    assert evento["sequence"] == 2
    assert "dtstamp" in evento
    assert str(evento["organizer"]) == "mailto:noreply@localhost"
    descrizione = str(evento["description"])
    assert "1. Presentazione del tavolo\n2. Analisi dei bisogni" in descrizione
    assert "https://meet.example.org/anziani" in descrizione


def test_senza_luogo_il_link_e_il_luogo(tavolo):
    incontro = IncontroFactory(tavolo=tavolo, luogo="", link_online="https://meet.example.org/x")
    _, eventi = _eventi(calendario([evento_incontro(incontro)], nome="x"))
    assert str(eventi[f"{incontro.uid}@pdz"]["location"]) == "https://meet.example.org/x"


def test_invito_con_metodo_request(incontro):
    cal, eventi = _eventi(
        calendario(
            [evento_incontro(incontro)],
            nome="x",
            metodo="REQUEST",
            partecipante="mario@example.org",
        )
    )
    assert str(cal["method"]) == "REQUEST"
    assert str(eventi[f"{incontro.uid}@pdz"]["attendee"]) == "mailto:mario@example.org"
    assert "attendee" not in vevento(evento_incontro(incontro))


def test_ora_legale_e_solare(tavolo):
    # Both sides of the change of time: the VTIMEZONE must define each offset.
    estate = IncontroFactory(
        tavolo=tavolo,
        inizio=datetime.datetime(2025, 7, 1, 9, 0, tzinfo=ROMA),
        fine=datetime.datetime(2025, 7, 1, 10, 0, tzinfo=ROMA),
    )
    inverno = IncontroFactory(
        tavolo=tavolo,
        inizio=datetime.datetime(2025, 12, 1, 9, 0, tzinfo=ROMA),
        fine=datetime.datetime(2025, 12, 1, 10, 0, tzinfo=ROMA),
    )
    _, eventi = _eventi(calendario([evento_incontro(estate), evento_incontro(inverno)], nome="x"))
    for incontro in (estate, inverno):
        inizio = eventi[f"{incontro.uid}@pdz"].decoded("dtstart")
        assert inizio == incontro.inizio
        assert inizio.hour == 9


# --- Feed of a table -------------------------------------------------------------------------


def test_feed_del_tavolo_per_token(client, tavolo, incontro):
    altro = IncontroFactory(tavolo=tavolo)
    estraneo = IncontroFactory(tavolo=TavoloFactory(ambito=tavolo.ambito))

    response = client.get(reverse("calendario:tavolo", args=[tavolo.token_calendario]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    cal, eventi = _eventi(response.content)
    assert set(eventi) == {f"{incontro.uid}@pdz", f"{altro.uid}@pdz"}
    assert f"{estraneo.uid}@pdz" not in eventi
    assert "Anziani e fragilità" in str(cal["x-wr-calname"])
    url = str(eventi[f"{incontro.uid}@pdz"]["url"])
    assert url.startswith("http://testserver/ambiti/cremasco/tavoli/")


def test_feed_token_sconosciuto(client, tavolo):
    assert client.get(reverse("calendario:tavolo", args=["sconosciuto"])).status_code == 404
    assert client.get(reverse("calendario:utente", args=["sconosciuto"])).status_code == 404


# --- Feed of a user --------------------------------------------------------------------------


@pytest.fixture
def persona_due_ambiti(cremasco, cremonese, territorio, operatore_crema):
    """Operator of a table in Cremasco, ente member of a table in Cremonese; her ente also sits
    at a table of Oglio Po, where she has no role."""
    utente = operatore_crema
    iscrizione = IscrizioneFactory(ambito=cremonese, ente__denominazione="Cooperativa Due")
    IscrizioneFactory(ambito=territorio["oglio-po"], ente=iscrizione.ente)
    RuoloFactory(user=utente, tipo=Ruolo.Tipo.ENTE, ambito=cremonese, ente=iscrizione.ente)

    crema = TavoloFactory(ambito=cremasco, operatori=[utente])
    cremona = TavoloFactory(ambito=cremonese)
    MembroFactory(tavolo=cremona, ente=iscrizione.ente)
    oglio_po = TavoloFactory(ambito=territorio["oglio-po"])
    MembroFactory(tavolo=oglio_po, ente=iscrizione.ente)
    altro_cremona = TavoloFactory(ambito=cremonese)
    altro_crema = TavoloFactory(ambito=cremasco)
    return utente, {
        "visibili": [IncontroFactory(tavolo=crema), IncontroFactory(tavolo=cremona)],
        "nascosti": [
            IncontroFactory(tavolo=oglio_po),
            IncontroFactory(tavolo=altro_cremona),
            IncontroFactory(tavolo=altro_crema),
        ],
    }


def test_feed_utente_tavoli_visibili_in_ogni_ambito(client, persona_due_ambiti):
    utente, incontri = persona_due_ambiti

    response = client.get(reverse("calendario:utente", args=[utente.token_calendario]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    _, eventi = _eventi(response.content)
    assert set(eventi) == {f"{i.uid}@pdz" for i in incontri["visibili"]}


def test_feed_utente_ufficio_piano_vede_ogni_tavolo_dell_ambito(
    client, ufficio_piano_crema, tavolo, incontro, cremonese
):
    IncontroFactory(tavolo=TavoloFactory(ambito=cremonese))
    altro = IncontroFactory(tavolo=TavoloFactory(ambito=tavolo.ambito))
    response = client.get(reverse("calendario:utente", args=[ufficio_piano_crema.token_calendario]))
    _, eventi = _eventi(response.content)
    assert set(eventi) == {f"{incontro.uid}@pdz", f"{altro.uid}@pdz"}


def test_feed_utente_senza_tavoli_e_vuoto(client, senza_ruolo, incontro):
    response = client.get(reverse("calendario:utente", args=[senza_ruolo.token_calendario]))
    assert response.status_code == 200
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_feed_utente_disattivato(client, operatore_crema, incontro):
    operatore_crema.is_active = False
    operatore_crema.save()
    url = reverse("calendario:utente", args=[operatore_crema.token_calendario])
    assert client.get(url).status_code == 404


# --- Download of one meeting -----------------------------------------------------------------


def _url_incontro(incontro):
    tavolo = incontro.tavolo
    return reverse("calendario:incontro", args=[tavolo.ambito.slug, tavolo.pk, incontro.pk])


def test_scarica_invito_operatore(client, operatore_crema, incontro):
    client.force_login(operatore_crema)
    response = client.get(_url_incontro(incontro))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "private" in response["Cache-Control"]
    _, eventi = _eventi(response.content)
    assert list(eventi) == [f"{incontro.uid}@pdz"]


def test_scarica_invito_altro_ambito(client, ufficio_piano_cremona, incontro):
    client.force_login(ufficio_piano_cremona)
    assert client.get(_url_incontro(incontro)).status_code == 404


def test_scarica_invito_utente_dell_ambito_fuori_dal_tavolo(client, sindaco_crema, incontro):
    client.force_login(sindaco_crema)
    assert client.get(_url_incontro(incontro)).status_code == 404


def test_scarica_invito_anonimo_va_al_login(client, incontro):
    response = client.get(_url_incontro(incontro))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_solo_get(client, operatore_crema, incontro):
    client.force_login(operatore_crema)
    tavolo = incontro.tavolo
    for url in (
        reverse("calendario:tavolo", args=[tavolo.token_calendario]),
        reverse("calendario:utente", args=[operatore_crema.token_calendario]),
        _url_incontro(incontro),
    ):
        assert client.post(url).status_code == 405


# --- Queries ---------------------------------------------------------------------------------


def _conta_query(client, url):
    with CaptureQueriesContext(connection) as query:
        response = client.get(url)
    assert response.status_code == 200
    return len(query)


@pytest.mark.parametrize("feed", ["tavolo", "utente", "incontro"])
def test_query_costanti(client, cremasco, cremonese, feed):
    conteggi = []
    for numero in (2, 20):
        utente = UserFactory()
        RuoloFactory(user=utente, tipo=Ruolo.Tipo.OPERATORE, ambito=cremasco)
        iscrizione = IscrizioneFactory(ambito=cremonese)
        RuoloFactory(user=utente, tipo=Ruolo.Tipo.ENTE, ambito=cremonese, ente=iscrizione.ente)
        tavoli = [TavoloFactory(ambito=cremasco, operatori=[utente]) for _ in range(numero)]
        for _ in range(numero // 2):
            membro = MembroFactory(tavolo=TavoloFactory(ambito=cremonese), ente=iscrizione.ente)
            tavoli.append(membro.tavolo)
        incontri = [IncontroFactory(tavolo=tavoli[n % len(tavoli)]) for n in range(numero)]
        client.force_login(utente)
        url = {
            "tavolo": reverse("calendario:tavolo", args=[tavoli[0].token_calendario]),
            "utente": reverse("calendario:utente", args=[utente.token_calendario]),
            "incontro": _url_incontro(incontri[0]),
        }[feed]
        conteggi.append(_conta_query(client, url))
    assert conteggi[0] == conteggi[1]


def test_query_costanti_feed_tavolo_con_piu_incontri(client, tavolo):
    url = reverse("calendario:tavolo", args=[tavolo.token_calendario])
    IncontroFactory.create_batch(2, tavolo=tavolo)
    pochi = _conta_query(client, url)
    IncontroFactory.create_batch(18, tavolo=tavolo)
    assert _conta_query(client, url) == pochi
