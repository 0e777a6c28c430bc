"""SPID/CIE and the compulsory second factor together: a strong SPID login replaces a weak
password session of the Ufficio di Piano without a code, a level-1 SPID session can still log out
at the identity provider, and the portal's logout button ends a SPID session there too."""

import re

import pytest
from django.urls import reverse

from accounts import sessione
from tests.accounts.spid_fixtures import *  # noqa: F403 (fixtures)
from tests.accounts.spid_fixtures import CODICE_FISCALE, accedi_con_spid

CRUSCOTTO = "/ambiti/cremasco/"


def _azione_esci(client):
    html = client.get("/", follow=True).content.decode()
    return re.search(r'<form method="post" action="([^"]+)"[^>]*data-esci', html).group(1)


@pytest.fixture(autouse=True)
def obbligatorio(settings):
    settings.PDZ_SECONDO_FATTORE_OBBLIGATORIO = True


@pytest.fixture
def ufficio_piano_spid(ufficio_piano_crema):
    ufficio_piano_crema.codice_fiscale = CODICE_FISCALE
    ufficio_piano_crema.save()
    return ufficio_piano_crema


def test_una_sessione_con_password_diventa_forte_con_spid(client, sp, ufficio_piano_spid):
    client.force_login(ufficio_piano_spid)
    assert client.get(CRUSCOTTO)["Location"].startswith(reverse("accounts:sicurezza"))

    risposta = accedi_con_spid(client, sp, next=CRUSCOTTO)

    assert risposta.status_code == 302
    assert risposta["Location"] == CRUSCOTTO
    assert client.session[sessione.LIVELLO_SPID] == 2
    assert client.get(CRUSCOTTO).status_code == 200


def test_con_spid_di_livello_1_si_esce_presso_l_idp(client, sp, ufficio_piano_spid, settings):
    settings.PDZ_SPID_LIVELLO = 1
    sp.prossima.livello = 1
    accedi_con_spid(client, sp)
    # Level 1 is not strong: the pages ask for the second factor...
    assert client.get(CRUSCOTTO)["Location"].startswith(reverse("accounts:sicurezza"))

    uscita = client.post("/spid/ls/")

    # ...but the single logout is not caught by it.
    assert uscita.status_code == 302
    assert uscita["Location"].startswith(f"{sp.base}/slo?")
    assert "_auth_user_id" not in client.session


def test_il_pulsante_esci_di_una_sessione_spid_chiude_anche_presso_l_idp(
    client, sp, sindaco_spid, settings
):
    settings.PDZ_SECONDO_FATTORE_OBBLIGATORIO = False
    accedi_con_spid(client, sp)

    assert _azione_esci(client) == "/spid/ls/"


def test_il_pulsante_esci_di_una_sessione_con_password_resta_locale(client, sindaco_crema):
    client.force_login(sindaco_crema)

    assert _azione_esci(client) == reverse("accounts:logout")
