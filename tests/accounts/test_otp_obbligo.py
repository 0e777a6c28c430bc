"""The second factor is compulsory for the Ufficio di Piano and administrators who log in with a
password (accounts/middleware_otp.py): until they set it up or type a code they reach only the
second factor's pages and the logout, the admin included. Sindaci, operatori and enti are not
asked; a SPID/CIE login of level 2 counts as strong; the setting turns it all off."""

import os
import subprocess
import sys
from binascii import unhexlify
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts import sessione
from accounts.models import Ruolo
from ambiti.demo import carica_enti_demo
from ambiti.models import Iscrizione
from pdz.demo import CHIAVE_TOTP_DEMO, carica_account_demo
from tests.conftest import PASSWORD
from tests.factories import RuoloFactory

LOGIN = "/account/accesso/"
SICUREZZA = "/account/sicurezza/"
VERIFICA = "/account/verifica/"
CRUSCOTTO = "/ambiti/cremasco/"
ADMIN = "/admin/"
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def obbligatorio(settings):
    settings.PDZ_SECONDO_FATTORE_OBBLIGATORIO = True


@pytest.fixture
def orologio():
    with time_machine.travel(datetime.now(UTC), tick=False) as viaggiatore:
        yield viaggiatore


def _codice(app):
    return f"{TOTP(unhexlify(app.key)).token():06d}"


def _con_app(user):
    return TOTPDevice.objects.create(user=user, name="App", key=default_key(), confirmed=True)


def _livello_spid(client, livello):
    sessione_client = client.session
    sessione_client[sessione.METODO] = "spid"
    sessione_client[sessione.LIVELLO_SPID] = livello
    sessione_client.save()


def test_ufficio_di_piano_senza_app_deve_attivarla(client, ufficio_piano_crema):
    client.post(LOGIN, {"username": "up_crema", "password": PASSWORD})
    risposta = client.get(CRUSCOTTO)
    assert risposta.status_code == 302
    assert risposta["Location"] == f"{SICUREZZA}?next=%2Fambiti%2Fcremasco%2F"
    # Every other page of the ambito, too, and a POST changes nothing.
    assert client.get(reverse("ambiti:registro", args=["cremasco"])).status_code == 302
    nuova = client.post(
        reverse("ambiti:iscrizione-nuova", args=["cremasco"]), {"denominazione": "Ente nuovo"}
    )
    assert nuova.status_code == 302
    assert nuova["Location"] == SICUREZZA
    assert not Iscrizione.objects.exists()
    # The set-up page itself answers, and says why.
    pagina = client.get(SICUREZZA)
    assert pagina.status_code == 200
    assert "l'accesso con password richiede un secondo fattore" in pagina.content.decode()


def test_ufficio_di_piano_con_app_deve_digitare_il_codice(client, ufficio_piano_crema, orologio):
    app = _con_app(ufficio_piano_crema)
    client.post(LOGIN, {"username": "up_crema", "password": PASSWORD})
    risposta = client.get(CRUSCOTTO)
    assert risposta["Location"] == f"{VERIFICA}?next=%2Fambiti%2Fcremasco%2F"
    assert client.get(VERIFICA).status_code == 200
    client.post(VERIFICA, {"codice": _codice(app)})
    assert client.get(CRUSCOTTO).status_code == 200


def test_l_amministratore_non_entra_nell_admin_senza_secondo_fattore(
    client, amministratore, orologio
):
    client.force_login(amministratore)
    risposta = client.get(ADMIN)
    assert risposta.status_code == 302
    assert risposta["Location"] == f"{SICUREZZA}?next=%2Fadmin%2F"
    assert client.get("/admin/accounts/user/").status_code == 302

    app = _con_app(amministratore)
    client.force_login(amministratore)
    assert client.get(ADMIN)["Location"] == f"{VERIFICA}?next=%2Fadmin%2F"
    client.post(VERIFICA, {"codice": _codice(app)})
    assert client.get(ADMIN).status_code == 200


def test_sindaco_operatore_ed_ente_senza_app_non_sono_fermati(
    client, sindaco_crema, operatore_crema, ente_crema
):
    for persona in (sindaco_crema, operatore_crema, ente_crema):
        client.force_login(persona)
        assert client.get(CRUSCOTTO).status_code == 200, persona
        assert client.get(reverse("accounts:profilo")).status_code == 200


def test_chi_ha_attivato_l_app_la_usa_anche_da_sindaco(client, sindaco_crema, orologio):
    app = _con_app(sindaco_crema)
    client.post(LOGIN, {"username": "sindaco_crema", "password": PASSWORD})
    assert client.get(CRUSCOTTO)["Location"].startswith(VERIFICA)
    client.post(VERIFICA, {"codice": _codice(app)})
    assert client.get(CRUSCOTTO).status_code == 200


def test_spid_o_cie_di_livello_2_non_chiedono_il_codice(client, ufficio_piano_crema):
    _con_app(ufficio_piano_crema)
    client.force_login(ufficio_piano_crema)
    _livello_spid(client, 2)
    assert client.get(CRUSCOTTO).status_code == 200


def test_spid_di_livello_1_non_basta(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    _livello_spid(client, 1)
    assert client.get(CRUSCOTTO)["Location"].startswith(SICUREZZA)


def test_restano_aperte_uscita_e_file_statici(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    assert client.get("/static/css/pdz.css").status_code == 200
    uscita = client.post(reverse("accounts:logout"))
    assert uscita.status_code == 302
    assert "_auth_user_id" not in client.session


def test_una_richiesta_htmx_va_alla_pagina_intera(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    risposta = client.get(CRUSCOTTO, HTTP_HX_REQUEST="true")
    assert risposta["HX-Redirect"] == f"{SICUREZZA}?next=%2Fambiti%2Fcremasco%2F"


def test_un_ruolo_di_ufficio_di_piano_dato_durante_la_sessione_vale_subito(
    client, operatore_crema, cremasco
):
    client.force_login(operatore_crema)
    assert client.get(CRUSCOTTO).status_code == 200
    RuoloFactory(user=operatore_crema, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=cremasco)
    assert client.get(CRUSCOTTO)["Location"].startswith(SICUREZZA)


def test_senza_l_obbligo_nessuno_e_fermato(client, settings, ufficio_piano_crema, amministratore):
    settings.PDZ_SECONDO_FATTORE_OBBLIGATORIO = False
    _con_app(ufficio_piano_crema)
    client.force_login(ufficio_piano_crema)
    assert client.get(CRUSCOTTO).status_code == 200
    client.force_login(amministratore)
    assert client.get(ADMIN).status_code == 200


def _impostazione(**env) -> str:
    ambiente = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PDZ_"))}
    ambiente |= {"DJANGO_SETTINGS_MODULE": "pdz.settings", "DJANGO_READ_DOT_ENV": "0", **env}
    codice = "from django.conf import settings; print(settings.PDZ_SECONDO_FATTORE_OBBLIGATORIO)"
    risultato = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", codice],
        cwd=ROOT,
        env=ambiente,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert risultato.returncode == 0, risultato.stderr
    return risultato.stdout.split()[-1]


def test_l_impostazione_di_default_segue_debug():
    """On in production (DEBUG off), off in `make run`'s demo (DEBUG on), or as the env says."""
    produzione = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50}
    assert _impostazione(**produzione) == "True"
    assert _impostazione(DJANGO_DEBUG="true") == "False"
    assert _impostazione(**produzione, PDZ_SECONDO_FATTORE_OBBLIGATORIO="false") == "False"


def test_la_demo_da_l_app_all_ufficio_di_piano_e_all_amministratore(territorio):
    """Without DEBUG their password logins need a code: seed_demo gives them the demo key."""
    carica_account_demo(carica_enti_demo())
    carica_account_demo(carica_enti_demo())
    con_app = TOTPDevice.objects.filter(confirmed=True, key=CHIAVE_TOTP_DEMO)
    assert sorted(con_app.values_list("user__username", flat=True)) == [
        "admin",
        "up.cremasco",
        "up.cremonese",
        "up.ogliopo",
    ]
