"""The plan's review deadline: set where the Ufficio di Piano sends the plan to review, and the
reviewers reminded N days before and on the day (piani.tasks), with a frozen clock."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Ruolo
from ambiti.demo import carica_periodo
from ambiti.models import Comune
from obiettivi.demo import carica_fondi
from piani import services
from piani.models import Piano
from piani.tasks import promemoria_scadenze_revisione
from tests.factories import RuoloFactory, UserFactory

ROMA = ZoneInfo("Europe/Rome")
SCADENZA = datetime.date(2027, 3, 20)


def _alle(giorno, ora=8):
    return time_machine.travel(
        datetime.datetime.combine(giorno, datetime.time(ora, 30), tzinfo=ROMA), tick=False
    )


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    carica_fondi()
    piano = services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )
    services.invia_in_revisione(piano=piano, utente=ufficio_piano_crema)
    Piano.objects.filter(pk=piano.pk).update(scadenza_revisione=SCADENZA)
    piano.refresh_from_db()
    return piano


@pytest.fixture
def persone(
    cremasco, sindaco_crema, delegato_pandino, ente_crema, operatore_crema, sindaco_cremona
):
    # A sindaco whose role is over.
    ex = UserFactory(username="ex_sindaco")
    RuoloFactory(
        user=ex,
        tipo=Ruolo.Tipo.SINDACO,
        ambito=cremasco,
        comune=Comune.objects.get(nome="Offanengo"),
        attivo=False,
    )


def _destinatari(outbox):
    return sorted(m.to[0] for m in outbox)


def test_n_giorni_prima_e_il_giorno_stesso_ai_sindaci(piano, persone, mailoutbox):
    with _alle(SCADENZA - datetime.timedelta(days=4)):
        assert promemoria_scadenze_revisione() == 0
    with _alle(SCADENZA - datetime.timedelta(days=3)):
        assert promemoria_scadenze_revisione() == 2
    assert _destinatari(mailoutbox) == ["delegato_pandino@example.org", "sindaco_crema@example.org"]
    assert "scade il" in mailoutbox[0].subject
    # The days between: nothing new (the reminder before went already).
    for giorni in (2, 1):
        with _alle(SCADENZA - datetime.timedelta(days=giorni)):
            assert promemoria_scadenze_revisione() == 0
    with _alle(SCADENZA):
        assert promemoria_scadenze_revisione() == 2
        assert promemoria_scadenze_revisione() == 0
    assert "Oggi scade" in mailoutbox[-1].subject
    with _alle(SCADENZA + datetime.timedelta(days=1)):
        assert promemoria_scadenze_revisione() == 0
    assert len(mailoutbox) == 4


def test_agli_enti_solo_con_la_revisione_aperta_a_loro(
    piano, persone, ufficio_piano_crema, mailoutbox
):
    services.apri_revisione_enti(piano=piano, utente=ufficio_piano_crema)
    with _alle(SCADENZA):
        promemoria_scadenze_revisione()
    assert _destinatari(mailoutbox) == [
        "delegato_pandino@example.org",
        "ente_crema@example.org",
        "sindaco_crema@example.org",
    ]


def test_un_piano_non_piu_in_revisione_non_ricorda(piano, persone, mailoutbox):
    Piano.objects.filter(pk=piano.pk).update(stato=Piano.Stato.PER_ASSEMBLEA)
    with _alle(SCADENZA):
        assert promemoria_scadenze_revisione() == 0


def test_una_scadenza_spostata_si_ricorda_di_nuovo(piano, persone, mailoutbox):
    with _alle(SCADENZA):
        promemoria_scadenze_revisione()
    nuova = SCADENZA + datetime.timedelta(days=10)
    Piano.objects.filter(pk=piano.pk).update(scadenza_revisione=nuova)
    with _alle(nuova - datetime.timedelta(days=3)):
        assert promemoria_scadenze_revisione() == 2


# --- Where the Ufficio di Piano sets it -------------------------------------------------------


def _transizione(piano, azione):
    return reverse(
        "piani:transizione", kwargs={"slug": piano.ambito.slug, "pk": piano.pk, "azione": azione}
    )


@pytest.fixture
def bozza(cremasco, ufficio_piano_crema):
    carica_fondi()
    return services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )


def test_la_scadenza_si_fissa_inviando_in_revisione(client, bozza, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    pagina = client.get(reverse("piani:dettaglio", kwargs={"slug": "cremasco", "pk": bozza.pk}))
    assert 'name="scadenza_revisione"' in pagina.content.decode()
    client.post(_transizione(bozza, "invia"), {"scadenza_revisione": "2030-05-31"})
    bozza.refresh_from_db()
    assert bozza.stato == Piano.Stato.IN_REVISIONE
    assert bozza.scadenza_revisione == datetime.date(2030, 5, 31)
    # Changed while the review lasts, and removed.
    client.post(_transizione(bozza, "scadenza"), {"scadenza_revisione": "2030-06-30"})
    bozza.refresh_from_db()
    assert bozza.scadenza_revisione == datetime.date(2030, 6, 30)
    client.post(_transizione(bozza, "scadenza"), {"scadenza_revisione": ""})
    bozza.refresh_from_db()
    assert bozza.scadenza_revisione is None


def test_una_scadenza_passata_e_rifiutata(client, bozza, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    risposta = client.post(
        _transizione(bozza, "invia"), {"scadenza_revisione": "2020-01-01"}, follow=True
    )
    assert "La scadenza non può essere già passata." in risposta.content.decode()
    bozza.refresh_from_db()
    assert bozza.stato == Piano.Stato.BOZZA
    assert bozza.scadenza_revisione is None


@pytest.mark.parametrize("persona", ["sindaco_crema", "ufficio_piano_cremona"])
def test_solo_l_ufficio_di_piano_dell_ambito(client, bozza, persona, request):
    client.force_login(request.getfixturevalue(persona))
    risposta = client.post(_transizione(bozza, "scadenza"), {"scadenza_revisione": "2030-05-31"})
    assert risposta.status_code == 404
    bozza.refresh_from_db()
    assert bozza.scadenza_revisione is None
