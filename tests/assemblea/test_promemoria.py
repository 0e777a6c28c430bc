"""The votes' reminders (assemblea.tasks.promemoria_votazioni), with a frozen clock: "the vote is
open" and "the vote is closing" to whoever votes for a comune that has not voted, never to a
comune that voted, never a word of how anyone voted; and the convocations, always sent."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from post_office.models import Email

from accounts.models import Frequenza, PreferenzaNotifica, TipoNotifica
from ambiti.models import Comune
from assemblea import services
from assemblea.models import Delega, RegolaVoto
from assemblea.tasks import invia_convocazione_seduta, promemoria_votazioni
from tests.assemblea.test_views_voto import _punto, _regola, _seduta, _votazione
from tests.factories import UserFactory

ROMA = ZoneInfo("Europe/Rome")
APERTURA = datetime.datetime(2027, 1, 20, 10, 0, tzinfo=ROMA)


def _a(minuti):
    return time_machine.travel(APERTURA + datetime.timedelta(minutes=minuti), tick=False)


@pytest.fixture
def scena(cremasco, ufficio_piano_crema, sindaco_crema, delegato_pandino, sindaco_cremona):
    with time_machine.travel(APERTURA, tick=False):
        regola = _regola(cremasco, ufficio_piano_crema, scrutinio=RegolaVoto.Scrutinio.SEGRETO)
        seduta = _seduta(cremasco, ufficio_piano_crema)
        Delega.objects.create(
            seduta=seduta,
            comune=Comune.objects.get(nome="Pandino"),
            delegato=delegato_pandino,
            atto="decreto n. 1",
        )
        votazione = _votazione(_punto(seduta), regola, ufficio_piano_crema)
    return votazione


def _destinatari(outbox):
    return sorted(m.to[0] for m in outbox)


def test_votazione_aperta_a_chi_vota_per_un_comune(scena, mailoutbox):
    with _a(5):
        assert promemoria_votazioni() == 2
        assert promemoria_votazioni() == 0
    # The sindaco of Crema and the delegato of Pandino (delegation recorded for the session);
    # never the sindaco of Cremona, another ambito.
    assert _destinatari(mailoutbox) == [
        "delegato_pandino@example.org",
        "sindaco_crema@example.org",
    ]
    assert "Votazione aperta" in mailoutbox[0].subject


def test_in_chiusura_solo_a_chi_non_ha_votato(scena, sindaco_crema, mailoutbox):
    with _a(5):
        promemoria_votazioni()
        services.vota(
            scena,
            services.Rappresentanza(Comune.objects.get(nome="Crema"), "sindaco", "Sindaco"),
            "favorevole",
            utente=sindaco_crema,
        )
    mailoutbox.clear()
    # Not yet closing (PDZ_PROMEMORIA_VOTO_CHIUSURA_MINUTI is 30).
    with _a(29):
        assert promemoria_votazioni() == 0
    with _a(31):
        assert promemoria_votazioni() == 1
        assert promemoria_votazioni() == 0
    (messaggio,) = mailoutbox
    assert messaggio.to == ["delegato_pandino@example.org"]
    assert "in chiusura" in messaggio.subject
    # A secret ballot: nothing of anyone's choice.
    for parola in ("favorevole", "contrario", "astenuto", "Crema"):
        assert parola not in messaggio.body.replace("Cremasco", "")


def test_votazione_chiusa_nessun_promemoria(scena, ufficio_piano_crema, mailoutbox):
    with _a(1):
        services.chiudi_votazione(scena, utente=ufficio_piano_crema)
    with _a(40):
        assert promemoria_votazioni() == 0
    assert mailoutbox == []


def test_le_preferenze_per_tipo(scena, sindaco_crema, delegato_pandino, mailoutbox):
    PreferenzaNotifica.objects.create(
        utente=sindaco_crema, tipo=TipoNotifica.VOTAZIONE_APERTURA, frequenza=Frequenza.NESSUNA
    )
    with _a(5):
        promemoria_votazioni()
    assert _destinatari(mailoutbox) == ["delegato_pandino@example.org"]
    with _a(35):
        promemoria_votazioni()
    # The closing reminder is another kind: the sindaco did not turn it off.
    assert _destinatari(mailoutbox[1:]) == [
        "delegato_pandino@example.org",
        "sindaco_crema@example.org",
    ]


def test_la_convocazione_parte_sempre_anche_con_nessuna(
    cremasco, ufficio_piano_crema, sindaco_crema, mailoutbox
):
    for tipo in TipoNotifica.values:
        PreferenzaNotifica.objects.create(
            utente=sindaco_crema, tipo=tipo, frequenza=Frequenza.NESSUNA
        )
    seduta = _seduta(cremasco, ufficio_piano_crema, aperta=False)
    invia_convocazione_seduta(seduta.pk)
    assert "sindaco_crema@example.org" in _destinatari(mailoutbox)
    # Recorded for the ambito: its Ufficio di Piano proves it went out.
    registrata = Email.objects.get(to="sindaco_crema@example.org")
    assert registrata.context == {"ambito": cremasco.pk, "tipo": "convocazione"}
    assert registrata.attachments.get().name == "convocazione.ics"


def test_un_utente_disattivato_non_riceve(scena, delegato_pandino, mailoutbox):
    delegato_pandino.is_active = False
    delegato_pandino.save()
    UserFactory(username="estraneo")
    with _a(5):
        promemoria_votazioni()
    assert _destinatari(mailoutbox) == ["sindaco_crema@example.org"]
