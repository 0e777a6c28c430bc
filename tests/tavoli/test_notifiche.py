"""Invitations to the meetings: who receives them, what they contain, the background task."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from accounts.models import Ruolo
from tavoli.notifiche import destinatari_incontro, invia_inviti
from tavoli.tasks import invia_inviti_incontro
from tests.factories import (
    EnteFactory,
    IncontroFactory,
    IscrizioneFactory,
    MembroFactory,
    RuoloFactory,
    TavoloFactory,
    UserFactory,
)

ROMA = ZoneInfo("Europe/Rome")


@pytest.fixture
def tavolo(cremasco, operatore_crema):
    coordinatrice = UserFactory(username="coordinatrice", email="coordinatrice@example.org")
    return TavoloFactory(
        ambito=cremasco,
        titolo="Anziani e fragilità",
        operatori=[operatore_crema, UserFactory(username="senza_email", email="")],
        coordinatori=[
            coordinatrice,
            UserFactory(username="disattivato", email="disattivato@example.org", is_active=False),
        ],
    )


@pytest.fixture
def incontro(tavolo):
    return IncontroFactory(
        tavolo=tavolo,
        titolo="Primo incontro",
        inizio=datetime.datetime(2025, 10, 14, 17, 30, tzinfo=ROMA),
        fine=datetime.datetime(2025, 10, 14, 19, 0, tzinfo=ROMA),
        luogo="Sala Ricevimenti, Crema",
        link_online="https://meet.example.org/anziani",
        ordine_del_giorno="Presentazione del tavolo\nAnalisi dei bisogni",
    )


@pytest.fixture
def membri(tavolo, ente_crema, iscrizione_crema, cremonese):
    """Every kind of member and of representative, with the addresses they should bring."""
    ente = iscrizione_crema.ente
    ente.email = "ponte@example.org"
    ente.save()
    MembroFactory(tavolo=tavolo, ente=ente)
    # A representative of the same ente whose role is over, and one acting in another ambito.
    ex = UserFactory(username="ex_ponte", email="ex@example.org")
    RuoloFactory(user=ex, tipo=Ruolo.Tipo.ENTE, ambito=tavolo.ambito, ente=ente, attivo=False)
    IscrizioneFactory(ambito=cremonese, ente=ente)
    altrove = UserFactory(username="ponte_cremona", email="altrove@example.org")
    RuoloFactory(user=altrove, tipo=Ruolo.Tipo.ENTE, ambito=cremonese, ente=ente)
    # A member ente without an address of its own.
    MembroFactory(tavolo=tavolo, ente=EnteFactory(email=""))
    # A person by address, the same person with her account: one message only.
    anna = UserFactory(username="anna", email="anna.rossi@example.org")
    MembroFactory(tavolo=tavolo, nome="Anna Rossi", email="Anna.Rossi@example.org", utente=anna)
    MembroFactory(tavolo=tavolo, nome="Bruno Bianchi", email="bruno@example.org")
    MembroFactory(tavolo=tavolo, nome="Senza recapito")
    # The coordinator is also listed as a member.
    MembroFactory(tavolo=tavolo, nome="Coordinatrice", email="coordinatrice@example.org")
    # Someone at another table.
    MembroFactory(tavolo=TavoloFactory(ambito=tavolo.ambito), nome="Altro", email="x@example.org")


ATTESI = [
    "Anna.Rossi@example.org",
    "bruno@example.org",
    "coordinatrice@example.org",
    "ente_crema@example.org",
    "operatore_crema@example.org",
    "ponte@example.org",
]


def test_destinatari(incontro, membri, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert destinatari_incontro(incontro) == ATTESI


def test_destinatari_tavolo_vuoto(cremasco):
    assert destinatari_incontro(IncontroFactory(tavolo=TavoloFactory(ambito=cremasco))) == []


def _allegato(messaggio):
    (allegato,) = messaggio.attachments
    assert allegato.get_filename() == "invito.ics"
    assert allegato.get_content_type() == "text/calendar"
    assert allegato.get_param("method") == "REQUEST"
    assert allegato.get_content_charset() == "utf-8"
    return Calendar.from_ical(allegato.get_payload(decode=True))


def test_invia_un_messaggio_per_destinatario(incontro, membri, mailoutbox):
    inviati = invia_inviti(incontro)

    assert inviati == len(ATTESI)
    assert sorted((m.to for m in mailoutbox), key=lambda to: to[0].casefold()) == [
        [a] for a in ATTESI
    ]
    for messaggio in mailoutbox:
        assert messaggio.cc == messaggio.bcc == []
        assert messaggio.subject == (
            "Invito: Anziani e fragilità — Primo incontro, martedì 14 ottobre 2025"
        )
        assert "martedì 14 ottobre 2025, 17:30–19:00" in messaggio.body
        assert "Sala Ricevimenti, Crema" in messaggio.body
        assert "1. Presentazione del tavolo\n2. Analisi dei bisogni" in messaggio.body
        assert "https://meet.example.org/anziani" in messaggio.body
        pagina = (
            f"http://127.0.0.1:8000/ambiti/cremasco/tavoli/{incontro.tavolo.pk}"
            f"/incontri/{incontro.pk}/"
        )
        assert pagina in messaggio.body

        cal = _allegato(messaggio)
        assert str(cal["method"]) == "REQUEST"
        (evento,) = cal.walk("VEVENT")
        assert str(evento["uid"]) == f"{incontro.uid}@pdz"
        assert evento["dtstart"].params["TZID"] == "Europe/Rome"
        assert evento.decoded("dtstart") == incontro.inizio
        assert evento.decoded("dtend") == incontro.fine
        assert str(evento["summary"]) == "Anziani e fragilità — Primo incontro"
        assert str(evento["location"]) == "Sala Ricevimenti, Crema"
        assert str(evento["attendee"]) == f"mailto:{messaggio.to[0]}"
        assert str(evento["url"]) == pagina


def test_aggiornamento_e_indirizzo_del_portale(incontro, membri, mailoutbox, settings):
    settings.PDZ_BASE_URL = "https://pdz.example.org/"
    incontro.sequenza_ics = 1
    incontro.save()

    invia_inviti(incontro, aggiornamento=True)

    messaggio = mailoutbox[0]
    assert messaggio.subject.startswith("Aggiornamento: Anziani e fragilità — Primo incontro")
    assert "https://pdz.example.org/ambiti/cremasco/tavoli/" in messaggio.body
    (evento,) = _allegato(messaggio).walk("VEVENT")
    assert evento["sequence"] == 1

    mailoutbox.clear()
    invia_inviti(incontro, base_url="https://altro.example.org")
    assert "https://altro.example.org/ambiti/cremasco/" in mailoutbox[0].body


def test_nessun_destinatario_nessun_messaggio(cremasco, mailoutbox):
    incontro = IncontroFactory(tavolo=TavoloFactory(ambito=cremasco))
    assert invia_inviti(incontro) == 0
    assert mailoutbox == []


def test_task_invia_subito_in_sviluppo(incontro, membri, mailoutbox):
    risultato = invia_inviti_incontro.delay(incontro.pk)
    assert risultato.get() == len(ATTESI)
    assert len(mailoutbox) == len(ATTESI)
    (evento,) = _allegato(mailoutbox[0]).walk("VEVENT")
    assert str(evento["uid"]) == f"{incontro.uid}@pdz"


def test_task_incontro_cancellato(incontro, membri, mailoutbox):
    pk = incontro.pk
    incontro.delete()
    assert invia_inviti_incontro.delay(pk).get() == 0
    assert mailoutbox == []
