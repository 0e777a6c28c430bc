"""The Ufficio di Piano's page of its ambito's users held back by failed logins, and lifting."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.models import SbloccoAccessi
from tests.conftest import PASSWORD
from tests.utils.html import testo as _testo
from tests.utils.html import trova

LOGIN = "/account/accesso/"
ATTACCANTE = "203.0.113.1"


def _blocca(client, username, settings, indirizzo=ATTACCANTE):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": username, "password": "sbagliata"}, REMOTE_ADDR=indirizzo)
    assert AccessAttempt.objects.filter(username=username).exists()


def _elenco(slug="cremasco"):
    return reverse("ambiti:accessi-bloccati", args=[slug])


def _sblocca(utente, slug="cremasco"):
    return reverse("ambiti:sblocca-accessi", args=[slug, utente.pk])


@pytest.fixture
def bloccati(client, sindaco_crema, sindaco_cremona, settings):
    _blocca(client, "sindaco_crema", settings)
    _blocca(client, "sindaco_cremona", settings)
    return client


def _tentativi():
    return sorted(AccessAttempt.objects.values_list("username", "failures_since_start"))


def test_l_ufficio_di_piano_vede_solo_gli_utenti_del_suo_ambito(
    bloccati, ufficio_piano_crema, sindaco_crema, settings
):
    bloccati.force_login(ufficio_piano_crema)
    risposta = bloccati.get(_elenco())
    assert risposta.status_code == 200
    (riga,) = trova(risposta, data_testid="accesso-bloccato")
    html = risposta.content.decode()
    assert "sindaco_crema" in html and "sindaco_cremona" not in html
    assert trova(riga, "form", action=_sblocca(sindaco_crema))
    celle = [_testo(td) for td in trova(riga, "td")]
    assert celle[:2] == [str(settings.AXES_FAILURE_LIMIT), "1"]


def test_l_ufficio_di_piano_sblocca_e_il_sindaco_entra_subito(
    bloccati, client, ufficio_piano_crema, sindaco_crema, cremasco
):
    bloccati.force_login(ufficio_piano_crema)
    risposta = bloccati.post(_sblocca(sindaco_crema))
    assert risposta.status_code == 302
    assert risposta["Location"] == _elenco()
    assert not AccessAttempt.objects.filter(username="sindaco_crema").exists()
    # Another ambito's lockouts stay.
    assert AccessAttempt.objects.filter(username="sindaco_cremona").exists()
    sblocco = SbloccoAccessi.objects.get()
    assert (sblocco.utente, sblocco.ambito, sblocco.sbloccato_da, sblocco.tentativi_rimossi) == (
        sindaco_crema,
        cremasco,
        ufficio_piano_crema,
        1,
    )
    bloccati.logout()
    entra = client.post(
        LOGIN, {"username": "sindaco_crema", "password": PASSWORD}, REMOTE_ADDR=ATTACCANTE
    )
    assert entra.status_code == 302


@pytest.mark.parametrize(
    ("persona", "atteso"),
    [("operatore_crema", 403), ("sindaco_crema", 403), ("ufficio_piano_cremona", 404)],
)
def test_chi_non_e_l_ufficio_di_piano_dell_ambito_non_vede_ne_sblocca(
    bloccati, request, sindaco_crema, persona, atteso
):
    bloccati.force_login(request.getfixturevalue(persona))
    prima = _tentativi()
    assert bloccati.get(_elenco()).status_code == atteso
    assert bloccati.post(_sblocca(sindaco_crema)).status_code == atteso
    assert _tentativi() == prima
    assert not SbloccoAccessi.objects.exists()


def test_un_utente_di_un_altro_ambito_non_si_sblocca_dal_proprio(
    bloccati, ufficio_piano_crema, sindaco_cremona, amministratore
):
    bloccati.force_login(ufficio_piano_crema)
    prima = _tentativi()
    assert bloccati.post(_sblocca(sindaco_cremona)).status_code == 404
    assert bloccati.post(_sblocca(amministratore)).status_code == 404
    assert _tentativi() == prima


def test_anonimo_va_al_login(bloccati, sindaco_crema):
    for risposta in (bloccati.get(_elenco()), bloccati.post(_sblocca(sindaco_crema))):
        assert risposta.status_code == 302
        assert risposta["Location"].startswith(reverse("accounts:login"))
    assert AccessAttempt.objects.filter(username="sindaco_crema").exists()


def test_metodi_sbagliati(bloccati, ufficio_piano_crema, sindaco_crema):
    bloccati.force_login(ufficio_piano_crema)
    prima = _tentativi()
    assert bloccati.get(_sblocca(sindaco_crema)).status_code == 405
    assert bloccati.post(_elenco()).status_code == 405
    assert _tentativi() == prima


def test_il_profilo_dell_ufficio_di_piano_porta_alla_pagina(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    assert trova(client.get("/account/profilo/"), "a", href=_elenco())


def test_l_elenco_non_fa_una_query_per_utente(client, cremasco, ufficio_piano_crema, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Ruolo
    from tests.factories import RuoloFactory, UserFactory

    def _conta():
        client.force_login(ufficio_piano_crema)
        with CaptureQueriesContext(connection) as query:
            risposta = client.get(_elenco())
        return len(query), len(trova(risposta, data_testid="accesso-bloccato"))

    def _operatore_bloccato(n):
        utente = UserFactory(username=f"operatore{n}")
        RuoloFactory(user=utente, tipo=Ruolo.Tipo.OPERATORE, ambito=cremasco)
        client.logout()
        _blocca(client, utente.username, settings, indirizzo=f"198.51.100.{n}")

    _operatore_bloccato(1)
    pochi, righe = _conta()
    assert righe == 1
    for n in range(2, 6):
        _operatore_bloccato(n)
    assert _conta() == (pochi, 5)
