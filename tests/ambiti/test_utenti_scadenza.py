"""A role that ends stops giving access at its end date without anyone acting; the nightly
task then flags it, once; the users page tells in force from ended."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Ruolo
from accounts.tasks import chiudi_ruoli_scaduti
from ambiti.models import Comune
from tests.factories import RuoloFactory, UserFactory
from tests.utils.html import trova

Tipo = Ruolo.Tipo


def _a_mezzogiorno(giorno):
    return datetime.datetime.combine(giorno, datetime.time(11, 0), tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def inizio(time_machine):
    # Before the personas exist: their roles begin on this day.
    time_machine.move_to(_a_mezzogiorno(datetime.date(2026, 1, 2)), tick=False)


@pytest.fixture
def sindaco_uscente(cremasco):
    persona = UserFactory(username="uscente")
    RuoloFactory(
        user=persona,
        tipo=Tipo.SINDACO,
        ambito=cremasco,
        comune=Comune.objects.get(nome="Crema"),
        dal=datetime.date(2021, 10, 18),
        al=datetime.date(2026, 6, 8),
    )
    return persona


def _stati(risposta, username):
    (riga,) = trova(risposta, "tr", data_testid="utente", data_username=username)
    return [dict(el.attributes)["data-stato"] for el in trova(riga, data_testid="stato-ruolo")]


def test_il_giorno_dopo_la_fine_il_sindaco_non_entra_piu_senza_che_nessuno_agisca(
    client, time_machine, sindaco_uscente, ufficio_piano_crema
):
    cruscotto = reverse("cruscotto", args=["cremasco"])
    piano = reverse("piani:elenco", args=["cremasco"])
    time_machine.move_to(_a_mezzogiorno(datetime.date(2026, 6, 8)), tick=False)
    client.force_login(sindaco_uscente)
    assert client.get(cruscotto).status_code == 200  # the last day counts
    assert client.get(piano).status_code == 200

    time_machine.move_to(_a_mezzogiorno(datetime.date(2026, 6, 9)), tick=False)
    client.force_login(sindaco_uscente)  # a new request, a new reading of the roles
    assert client.get(cruscotto).status_code == 404
    assert client.get(piano).status_code == 404
    ruolo = sindaco_uscente.ruoli.get()
    assert ruolo.attivo  # nothing ran: the date alone stopped it

    client.force_login(ufficio_piano_crema)
    elenco = reverse("ambiti:utenti", args=["cremasco"])
    assert _stati(client.get(elenco), "uscente") == ["concluso"]
    in_corso = client.get(elenco, {"stato": "in_corso"})
    assert not trova(in_corso, "tr", data_testid="utente", data_username="uscente")

    assert chiudi_ruoli_scaduti() == 1
    ruolo.refresh_from_db()
    assert not ruolo.attivo and ruolo.al == datetime.date(2026, 6, 8)
    assert chiudi_ruoli_scaduti() == 0  # idempotent
    assert _stati(client.get(elenco), "uscente") == ["concluso"]


def test_un_ruolo_futuro_comincia_da_solo(client, time_machine, cremasco, ufficio_piano_crema):
    nuovo = UserFactory(username="entrante")
    RuoloFactory(
        user=nuovo,
        tipo=Tipo.SINDACO,
        ambito=cremasco,
        comune=Comune.objects.get(nome="Pandino"),
        dal=datetime.date(2026, 6, 9),
    )
    cruscotto = reverse("cruscotto", args=["cremasco"])
    time_machine.move_to(_a_mezzogiorno(datetime.date(2026, 6, 8)), tick=False)
    client.force_login(nuovo)
    assert client.get(cruscotto).status_code == 404
    client.force_login(ufficio_piano_crema)
    assert _stati(client.get(reverse("ambiti:utenti", args=["cremasco"])), "entrante") == ["futuro"]
    time_machine.move_to(_a_mezzogiorno(datetime.date(2026, 6, 9)), tick=False)
    client.force_login(nuovo)
    assert client.get(cruscotto).status_code == 200
