"""The users pages run a fixed number of queries, however many people and roles they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Ruolo
from ambiti.models import Comune
from tests.factories import IscrizioneFactory, RuoloFactory, UserFactory

Tipo = Ruolo.Tipo


def _conta(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        risposta = client.get(url, params)
    assert risposta.status_code == 200
    return len(queries)


def _popola(ambito, n, inizio):
    comuni = list(Comune.objects.nell_ambito(ambito)[inizio : inizio + n])
    for i, comune in enumerate(comuni):
        sindaco = UserFactory(username=f"sindaco_{inizio + i}")
        RuoloFactory(
            user=sindaco,
            tipo=Tipo.SINDACO,
            ambito=ambito,
            comune=comune,
            dal=datetime.date(2019, 6, 1),
            al=datetime.date(2024, 6, 9),
            attivo=False,
        )
        RuoloFactory(user=sindaco, tipo=Tipo.DELEGATO, ambito=ambito, comune=comune)
        ente = IscrizioneFactory(ambito=ambito).ente
        RuoloFactory(
            user=UserFactory(username=f"ente_{inizio + i}"),
            tipo=Tipo.ENTE,
            ambito=ambito,
            ente=ente,
        )


@pytest.mark.parametrize("params", [{}, {"stato": "in_corso", "q": "o"}, {"tipo": "ente"}])
def test_l_elenco_degli_utenti(client, cremasco, ufficio_piano_crema, params):
    client.force_login(ufficio_piano_crema)
    url = reverse("ambiti:utenti", args=["cremasco"])
    _popola(cremasco, 2, 0)
    client.get(url, params)
    piccola = _conta(client, url, **params)
    _popola(cremasco, 20, 2)
    grande = _conta(client, url, **params)
    assert grande == piccola, f"{piccola} query con pochi dati, {grande} con molti"


def test_la_pagina_di_una_persona(client, cremasco, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    persona = UserFactory(username="persona")
    comuni = list(Comune.objects.nell_ambito(cremasco)[:12])
    RuoloFactory(user=persona, tipo=Tipo.OPERATORE, ambito=cremasco)
    url = reverse("ambiti:utente", args=["cremasco", persona.pk])
    client.get(url)
    piccola = _conta(client, url)
    for anno, comune in enumerate(comuni):
        RuoloFactory(
            user=persona,
            tipo=Tipo.DELEGATO,
            ambito=cremasco,
            comune=comune,
            dal=datetime.date(2000 + anno, 1, 1),
            al=datetime.date(2000 + anno, 12, 31),
            attivo=False,
        )
        IscrizioneFactory(ambito=cremasco)
    assert _conta(client, url) == piccola
