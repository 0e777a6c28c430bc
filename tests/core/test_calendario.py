"""core.calendario: any app's event as iCalendar, and the session of the Assemblea built on it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from assemblea.models import PuntoOdg, Seduta
from assemblea.notifiche import evento_seduta, nome_calendario
from core.calendario import Evento, calendario, descrizione, vevento

ROMA = ZoneInfo("Europe/Rome")
INIZIO = datetime.datetime(2026, 3, 10, 17, 30, tzinfo=ROMA)


def _evento(**campi):
    return Evento(
        **{
            "uid": "prova-1",
            "titolo": "Assemblea — Piano",
            "inizio": INIZIO,
            "fine": INIZIO + datetime.timedelta(hours=2),
        }
        | campi
    )


def _vevento(contenuto):
    [evento] = Calendar.from_ical(contenuto).walk("VEVENT")
    return evento


def test_evento_minimo():
    contenuto = calendario([_evento()], nome="Prova")
    cal = Calendar.from_ical(contenuto)
    evento = _vevento(contenuto)
    assert str(evento["uid"]) == "prova-1@pdz"
    assert evento["sequence"] == 0
    assert str(evento["status"]) == "CONFIRMED"
    assert b"DTSTART;TZID=Europe/Rome:20260310T173000" in contenuto
    assert b"DTEND;TZID=Europe/Rome:20260310T193000" in contenuto
    for assente in ("location", "description", "url", "created", "attendee"):
        assert assente not in evento
    assert "method" not in cal
    assert str(cal["x-wr-timezone"]) == "Europe/Rome"


def test_campi_facoltativi():
    creato = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    evento = _vevento(
        calendario(
            [
                _evento(
                    sequenza=4,
                    luogo="Sala",
                    descrizione="Testo",
                    url="https://pdz.example.org/x/",
                    creato_il=creato,
                )
            ],
            nome="Prova",
        )
    )
    assert evento["sequence"] == 4
    assert str(evento["location"]) == "Sala"
    assert str(evento["description"]) == "Testo"
    assert str(evento["url"]) == "https://pdz.example.org/x/"
    assert evento.decoded("created") == creato


def test_titolo_e_nome_su_una_riga():
    contenuto = calendario([_evento(titolo="Due\r\nrighe")], nome="Nome\ncon a capo")
    assert str(_vevento(contenuto)["summary"]) == "Due righe"
    assert str(Calendar.from_ical(contenuto)["x-wr-calname"]) == "Nome con a capo"


def test_partecipante_solo_negli_inviti():
    invito = calendario([_evento()], nome="x", metodo="REQUEST", partecipante="a@example.org")
    assert str(Calendar.from_ical(invito)["method"]) == "REQUEST"
    partecipante = _vevento(invito)["attendee"]
    assert str(partecipante) == "mailto:a@example.org"
    assert partecipante.params["RSVP"] == "FALSE"
    assert "attendee" not in _vevento(calendario([_evento()], nome="x", partecipante="a@b.it"))
    assert "attendee" not in vevento(_evento())


def test_organizzatore_con_nome(settings):
    settings.DEFAULT_FROM_EMAIL = "Piano di Zona <pdz@example.org>"
    organizzatore = vevento(_evento())["organizer"]
    assert str(organizzatore) == "mailto:pdz@example.org"
    assert organizzatore.params["CN"] == "Piano di Zona"


def test_fusi_orari_solo_per_gli_anni_degli_eventi():
    contenuto = calendario([_evento()], nome="x")
    [fuso] = Calendar.from_ical(contenuto).walk("VTIMEZONE")
    anni = {componente.decoded("dtstart").year for componente in fuso.subcomponents}
    assert anni and min(anni) >= 2025 and max(anni) <= 2028
    assert Calendar.from_ical(calendario([], nome="x")).walk("VTIMEZONE") == []


def test_descrizione():
    assert descrizione() == ""
    assert descrizione(["Uno", "Due"]) == "Ordine del giorno:\n1. Uno\n2. Due"
    assert descrizione(["Uno"], link_online="https://meet/x", url="https://pdz/y") == (
        "Ordine del giorno:\n1. Uno\n\n"
        "Partecipazione online: https://meet/x\nPagina dell'incontro: https://pdz/y"
    )


# --- The session of the Assemblea as an Evento ---------------------------------------------


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema):
    return Seduta.objects.create(
        ambito=cremasco,
        titolo="Approvazione del Piano",
        convocata_da=ufficio_piano_crema,
        modalita=Seduta.Modalita.MISTA,
        luogo="",
        link_online="https://meet.example.org/assemblea",
        prima_convocazione=INIZIO,
    )


def test_evento_della_seduta(seduta):
    PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni")
    punti = list(seduta.punti.order_by("ordine"))
    url = f"https://pdz.example.org/ambiti/cremasco/assemblea/sedute/{seduta.pk}/"

    evento = evento_seduta(seduta, punti, url=url)

    assert evento.uid == f"assemblea-seduta-{seduta.pk}"
    assert evento.titolo == "Assemblea dei Sindaci Cremasco — Approvazione del Piano"
    assert nome_calendario(seduta) == "Assemblea dei Sindaci Cremasco"
    assert evento.fine - evento.inizio == datetime.timedelta(hours=2)
    # Without a place the online link is where it happens.
    assert evento.luogo == "https://meet.example.org/assemblea"
    assert evento.url == url
    assert evento.sequenza == 0
    assert (
        evento.descrizione.startswith("Ordine del giorno:\n")
        and "Comunicazioni" in evento.descrizione
    )
    assert url in evento.descrizione

    vevento_ = _vevento(calendario([evento], nome=nome_calendario(seduta)))
    assert str(vevento_["uid"]) == f"assemblea-seduta-{seduta.pk}@pdz"


def test_ogni_nuovo_invio_della_seduta_ha_sequence_maggiore(seduta):
    seduta.inviti_inviati_il = seduta.creata_il + datetime.timedelta(minutes=5)
    prima = evento_seduta(seduta, []).sequenza
    seduta.inviti_inviati_il += datetime.timedelta(days=1)
    dopo = evento_seduta(seduta, []).sequenza
    assert 0 < prima < dopo
    assert evento_seduta(seduta, []).url == seduta.link_online
