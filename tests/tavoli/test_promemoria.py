"""The tables' reminders (tavoli.tasks), with a frozen clock: the meeting the day before, the
minutes waiting in review; to the table's people only, once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Frequenza, PreferenzaNotifica, Ruolo, TipoNotifica
from tavoli import services
from tavoli.models import Commento, Incontro
from tavoli.tasks import promemoria_incontri, promemoria_verbali
from tests.factories import IncontroFactory, MembroFactory, RuoloFactory, TavoloFactory, UserFactory

ROMA = ZoneInfo("Europe/Rome")
INIZIO = datetime.datetime(2027, 3, 12, 17, 30, tzinfo=ROMA)


@pytest.fixture
def tavolo(cremasco, operatore_crema, ente_crema, iscrizione_crema):
    coordinatrice = UserFactory(username="coordinatrice")
    RuoloFactory(user=coordinatrice, tipo=Ruolo.Tipo.OPERATORE, ambito=cremasco)
    tavolo = TavoloFactory(
        ambito=cremasco, titolo="Anziani", operatori=[operatore_crema], coordinatori=[coordinatrice]
    )
    MembroFactory(tavolo=tavolo, ente=iscrizione_crema.ente)
    MembroFactory(tavolo=tavolo, nome="Anna", utente=UserFactory(username="anna"))
    return tavolo


@pytest.fixture
def altrove(cremonese):
    """A table of another ambito meeting the same day, with its own member."""
    tavolo = TavoloFactory(ambito=cremonese)
    MembroFactory(tavolo=tavolo, nome="Zeno", utente=UserFactory(username="zeno"))
    IncontroFactory(tavolo=tavolo, inizio=INIZIO, fine=INIZIO + datetime.timedelta(hours=1))
    return tavolo


@pytest.fixture
def incontro(tavolo):
    return IncontroFactory(
        tavolo=tavolo, titolo="Bisogni", inizio=INIZIO, fine=INIZIO + datetime.timedelta(hours=2)
    )


def _destinatari(outbox):
    return sorted(m.to[0] for m in outbox)


TAVOLO = sorted(
    f"{u}@example.org" for u in ["anna", "coordinatrice", "ente_crema", "operatore_crema"]
)


def test_il_giorno_prima_a_chi_e_del_tavolo(incontro, altrove, mailoutbox):
    with time_machine.travel(datetime.datetime(2027, 3, 11, 9, 15, tzinfo=ROMA), tick=False):
        assert promemoria_incontri() == 5
    # Each meeting to its own table's people: Zeno sits at the other ambito's table only.
    bisogni = [m for m in mailoutbox if "Bisogni" in m.subject]
    assert _destinatari(bisogni) == TAVOLO
    (di_zeno,) = [m for m in mailoutbox if m not in bisogni]
    assert di_zeno.to == ["zeno@example.org"]
    assert altrove.titolo in di_zeno.subject
    messaggio = next(m for m in mailoutbox if m.to == ["anna@example.org"])
    assert "Domani" in messaggio.subject and "Bisogni" in messaggio.subject
    assert "17:30" in messaggio.body


def test_non_prima_e_non_il_giorno_stesso(incontro, mailoutbox):
    # Two days before, late in the evening; and on the day (00:05 in Rome, still the 11th UTC).
    for momento in (
        datetime.datetime(2027, 3, 10, 23, 55, tzinfo=ROMA),
        datetime.datetime(2027, 3, 12, 0, 5, tzinfo=ROMA),
    ):
        with time_machine.travel(momento, tick=False):
            assert promemoria_incontri() == 0
    assert mailoutbox == []


def test_una_volta_anche_se_il_lavoro_gira_due_volte(incontro, mailoutbox):
    with time_machine.travel(datetime.datetime(2027, 3, 11, 9, 15, tzinfo=ROMA), tick=False):
        promemoria_incontri()
    with time_machine.travel(datetime.datetime(2027, 3, 11, 10, 15, tzinfo=ROMA), tick=False):
        assert promemoria_incontri() == 0
    assert len(mailoutbox) == 4


def test_un_incontro_spostato_si_ricorda_di_nuovo(incontro, mailoutbox):
    with time_machine.travel(datetime.datetime(2027, 3, 11, 9, 15, tzinfo=ROMA), tick=False):
        promemoria_incontri()
    incontro.inizio += datetime.timedelta(days=7)
    incontro.fine += datetime.timedelta(days=7)
    incontro.save()
    with time_machine.travel(datetime.datetime(2027, 3, 18, 9, 15, tzinfo=ROMA), tick=False):
        assert promemoria_incontri() == 4


def test_le_preferenze(incontro, mailoutbox):
    anna = incontro.tavolo.membri.get(nome="Anna").utente
    PreferenzaNotifica.objects.create(
        utente=anna, tipo=TipoNotifica.PROMEMORIA_INCONTRO, frequenza=Frequenza.NESSUNA
    )
    PreferenzaNotifica.objects.create(
        utente=incontro.tavolo.coordinatori.get(),
        tipo=TipoNotifica.PROMEMORIA_INCONTRO,
        frequenza=Frequenza.RIEPILOGO,
    )
    with time_machine.travel(datetime.datetime(2027, 3, 11, 9, 15, tzinfo=ROMA), tick=False):
        promemoria_incontri()
    assert _destinatari(mailoutbox) == ["ente_crema@example.org", "operatore_crema@example.org"]


@pytest.fixture
def in_revisione(incontro, operatore_crema):
    incontro.verbale = "Verbale"
    incontro.save()
    with time_machine.travel(datetime.datetime(2027, 3, 13, 10, 0, tzinfo=ROMA), tick=False):
        services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    incontro.refresh_from_db()
    assert incontro.stato == Incontro.Stato.IN_REVISIONE
    return incontro


def test_verbale_in_attesa_ai_membri_che_non_lo_hanno_commentato(in_revisione, mailoutbox):
    mailoutbox.clear()
    anna = in_revisione.tavolo.membri.get(nome="Anna").utente
    Commento.objects.create(
        incontro=in_revisione, revisione=in_revisione.revisione, autore=anna, testo="Ok"
    )
    # Two days in review: not yet (PDZ_PROMEMORIA_VERBALE_GIORNI is 3).
    with time_machine.travel(datetime.datetime(2027, 3, 15, 10, 0, tzinfo=ROMA), tick=False):
        assert promemoria_verbali() == 0
    with time_machine.travel(datetime.datetime(2027, 3, 16, 10, 5, tzinfo=ROMA), tick=False):
        assert promemoria_verbali() == 1
        assert promemoria_verbali() == 0
    # The ente's representative; not Anna, who commented, nor the staff who wrote them.
    assert _destinatari(mailoutbox) == ["ente_crema@example.org"]
    assert "Verbale da rivedere" in mailoutbox[0].subject


def test_verbale_approvato_nessun_promemoria(in_revisione, mailoutbox):
    mailoutbox.clear()
    Incontro.objects.filter(pk=in_revisione.pk).update(stato=Incontro.Stato.APPROVATO)
    with time_machine.travel(datetime.datetime(2027, 3, 20, 10, 0, tzinfo=ROMA), tick=False):
        assert promemoria_verbali() == 0
    assert mailoutbox == []
