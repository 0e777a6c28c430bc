"""accounts.notifiche and the daily digest: each person's choice per kind, each reminder once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from post_office.models import Email

from accounts.models import Frequenza, Notifica, PreferenzaNotifica, TipoNotifica
from accounts.notifiche import notifica
from accounts.tasks import invia_riepiloghi
from tests.factories import UserFactory

ROMA = ZoneInfo("Europe/Rome")
SERA = datetime.datetime(2027, 3, 10, 18, 0, tzinfo=ROMA)
INCONTRO = TipoNotifica.PROMEMORIA_INCONTRO


@pytest.fixture
def anna(db):
    return UserFactory(username="anna")


def _scegli(utente, tipo, frequenza):
    PreferenzaNotifica.objects.create(utente=utente, tipo=tipo, frequenza=frequenza)


def _promemoria(utente, n=1, tipo=INCONTRO, **kwargs):
    return notifica(
        utente,
        tipo,
        f"Domani: incontro {n}",
        f"Testo del promemoria {n}",
        f"https://pdz.example.org/incontri/{n}/",
        f"incontro:{n}",
        **kwargs,
    )


def test_senza_scelta_arriva_subito(anna, mailoutbox):
    assert _promemoria(anna, ambito_id=None) == Frequenza.IMMEDIATA
    (messaggio,) = mailoutbox
    assert messaggio.to == ["anna@example.org"]
    assert messaggio.subject == "Domani: incontro 1"
    assert "Testo del promemoria 1" in messaggio.body
    assert "https://pdz.example.org/incontri/1/" in messaggio.body
    assert "/account/notifiche/" in messaggio.body


def test_lo_stesso_promemoria_non_parte_due_volte(anna, mailoutbox):
    assert _promemoria(anna) == Frequenza.IMMEDIATA
    assert _promemoria(anna) is None
    assert len(mailoutbox) == 1
    assert Notifica.objects.filter(utente=anna).count() == 1


def test_nessuna_non_invia_nulla(anna, mailoutbox):
    _scegli(anna, INCONTRO, Frequenza.NESSUNA)
    assert _promemoria(anna) == Frequenza.NESSUNA
    assert mailoutbox == []
    # The choice is per kind: another kind still arrives.
    _promemoria(anna, 2, tipo=TipoNotifica.VOTAZIONE_APERTURA)
    assert len(mailoutbox) == 1
    with time_machine.travel(SERA + datetime.timedelta(days=1), tick=False):
        assert invia_riepiloghi() == 0
    assert len(mailoutbox) == 1


def test_riepilogo_un_messaggio_la_mattina_dopo(anna, mailoutbox):
    _scegli(anna, INCONTRO, Frequenza.RIEPILOGO)
    _scegli(anna, TipoNotifica.SCADENZA_REVISIONE, Frequenza.RIEPILOGO)
    bruno = UserFactory(username="bruno")
    _scegli(bruno, INCONTRO, Frequenza.RIEPILOGO)
    with time_machine.travel(SERA, tick=False):
        assert _promemoria(anna, 1) == Frequenza.RIEPILOGO
        _promemoria(anna, 2, tipo=TipoNotifica.SCADENZA_REVISIONE)
        _promemoria(bruno, 3)
    assert mailoutbox == []

    # Before the digest hour: still nothing.
    with time_machine.travel(datetime.datetime(2027, 3, 11, 6, 59, tzinfo=ROMA), tick=False):
        assert invia_riepiloghi() == 0
    assert mailoutbox == []

    with time_machine.travel(datetime.datetime(2027, 3, 11, 7, 0, tzinfo=ROMA), tick=False):
        assert invia_riepiloghi() == 2
        assert invia_riepiloghi() == 0
    per_destinatario = {m.to[0]: m for m in mailoutbox}
    assert sorted(per_destinatario) == ["anna@example.org", "bruno@example.org"]
    testo = per_destinatario["anna@example.org"].body
    assert "Domani: incontro 1" in testo and "Domani: incontro 2" in testo
    assert "incontro 3" not in testo
    assert "2 promemoria" in per_destinatario["anna@example.org"].subject


def test_riepilogo_di_quello_arrivato_dopo_l_ora_parte_il_giorno_seguente(anna, mailoutbox):
    _scegli(anna, INCONTRO, Frequenza.RIEPILOGO)
    with time_machine.travel(datetime.datetime(2027, 3, 11, 7, 30, tzinfo=ROMA), tick=False):
        _promemoria(anna)
    with time_machine.travel(datetime.datetime(2027, 3, 11, 20, 0, tzinfo=ROMA), tick=False):
        assert invia_riepiloghi() == 0
    with time_machine.travel(datetime.datetime(2027, 3, 12, 7, 5, tzinfo=ROMA), tick=False):
        assert invia_riepiloghi() == 1
    assert len(mailoutbox) == 1


def test_ogni_promemoria_e_registrato_con_il_suo_ambito(anna, cremasco, mailoutbox):
    _promemoria(anna, ambito_id=cremasco.pk)
    assert Email.objects.get().context == {"ambito": cremasco.pk, "tipo": INCONTRO}


def test_nessun_indirizzo_o_utente_disattivato(db, mailoutbox):
    assert _promemoria(UserFactory(username="senza", email="")) is None
    assert _promemoria(UserFactory(username="via", is_active=False)) is None
    assert mailoutbox == []
    assert not Notifica.objects.exists()


def test_una_chiave_e_obbligatoria(anna):
    with pytest.raises(ValueError):
        notifica(anna, INCONTRO, "O", "T", "", "")
