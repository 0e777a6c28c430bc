"""The second factor from the user's side: set up the app with a real code, see the recovery
codes once, complete a password login with a code or a recovery code (used once), be slowed down
after wrong codes, regenerate the codes, remove the factor with a current code."""

from binascii import unhexlify
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts import otp
from tests.conftest import PASSWORD
from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno

LOGIN = "/account/accesso/"
SICUREZZA = "/account/sicurezza/"
VERIFICA = "/account/verifica/"
CODICI = "/account/sicurezza/codici/"

pytestmark = pytest.mark.django_db


def codice_app(chiave_hex: str) -> str:
    """What the authenticator app shows now (the clock is frozen by time-machine)."""
    totp = TOTP(unhexlify(chiave_hex))
    return f"{totp.token():06d}"


def con_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="App", key=default_key(), confirmed=True)


@pytest.fixture
def orologio():
    # Today (the personas' roles start today), stopped: each code is computed at a known moment.
    with time_machine.travel(datetime.now(UTC), tick=False) as viaggiatore:
        yield viaggiatore


@pytest.fixture
def obbligatorio(settings):
    settings.PDZ_SECONDO_FATTORE_OBBLIGATORIO = True


def _attiva(client):
    """Sets up the app from the page, with the code computed from the key it shows."""
    pagina = client.get(SICUREZZA)
    chiave = client.session[otp.CHIAVE_NUOVA]
    risposta = client.post(SICUREZZA, {"codice": codice_app(chiave)})
    return pagina, chiave, risposta


# --- Setting up -------------------------------------------------------------------------------


def test_attivazione_con_qr_chiave_e_primo_codice_poi_codici_mostrati_una_volta(
    client, sindaco_crema, orologio
):
    client.force_login(sindaco_crema)
    pagina = client.get(SICUREZZA)
    assert pagina.status_code == 200
    qr = uno(uno(pagina, data_testid="qr"), "svg")
    assert dict(qr.attributes)["role"] == "img"
    assert dict(qr.attributes)["aria-label"]
    chiave = client.session[otp.CHIAVE_NUOVA]
    # The key in text, as the apps ask for it when typed by hand.
    assert _testo(uno(pagina, data_testid="segreto")) == otp.segreto_leggibile(chiave)
    # Opening the page creates nothing; reloading it shows the same key.
    assert not TOTPDevice.objects.filter(user=sindaco_crema).exists()
    client.get(SICUREZZA)
    assert client.session[otp.CHIAVE_NUOVA] == chiave

    sbagliato = client.post(SICUREZZA, {"codice": "000000"})
    assert sbagliato.status_code == 200
    assert "Il codice non corrisponde" in sbagliato.content.decode()
    assert not TOTPDevice.objects.filter(user=sindaco_crema).exists()

    risposta = client.post(SICUREZZA, {"codice": codice_app(chiave)})
    assert risposta.status_code == 302
    assert risposta["Location"] == CODICI
    dispositivo = TOTPDevice.objects.get(user=sindaco_crema)
    assert dispositivo.confirmed and dispositivo.key == chiave
    # The session that set it up counts as verified.
    assert client.session["otp_device_id"] == dispositivo.persistent_id

    codici = client.get(CODICI)
    mostrati = [_testo(li) for li in trova(uno(codici, data_testid="codici-recupero"), "li")]
    assert len(mostrati) == 10
    salvati = StaticToken.objects.filter(device__user=sindaco_crema)
    assert sorted(mostrati) == sorted(salvati.values_list("token", flat=True))
    # Shown once: the page does not show them again.
    assert client.get(CODICI)["Location"] == SICUREZZA
    stato = client.get(SICUREZZA)
    assert "Ti restano 10 codici di recupero non usati." in _testo(
        uno(stato, data_testid="codici-rimasti")
    )


def test_la_pagina_di_attivazione_non_ha_script_ne_stili_inline(client, sindaco_crema):
    client.force_login(sindaco_crema)
    html = client.get(SICUREZZA).content.decode()
    assert "style=" not in html
    assert "<script>" not in html
    svg = uno(client.get(SICUREZZA), data_testid="qr")
    assert "<svg" in str(svg)


def test_il_profilo_porta_alla_pagina_sicurezza(client, sindaco_crema):
    client.force_login(sindaco_crema)
    profilo = client.get(reverse("accounts:profilo"))
    assert dict(uno(profilo, data_testid="link-sicurezza").attributes)["href"] == SICUREZZA


def test_la_pagina_sicurezza_chiede_l_accesso(client, db):
    risposta = client.get(SICUREZZA)
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(LOGIN)


# --- Completing a password login --------------------------------------------------------------


def test_accesso_con_password_poi_codice_dell_app(
    client, ufficio_piano_crema, orologio, obbligatorio
):
    app = con_app(ufficio_piano_crema)
    risposta = client.post(LOGIN, {"username": "up_crema", "password": PASSWORD})
    assert risposta.status_code == 302
    cruscotto = reverse("cruscotto", kwargs={"slug": "cremasco"})
    risposta = client.get(cruscotto)
    assert risposta.status_code == 302
    assert risposta["Location"] == f"{VERIFICA}?next=%2Fambiti%2Fcremasco%2F"

    pagina = client.get(risposta["Location"])
    assert pagina.status_code == 200
    form = uno(pagina, "form", data_testid="form-verifica")
    assert dict(uno(form, "input", name="next").attributes)["value"] == cruscotto

    sbagliato = client.post(VERIFICA, {"codice": "123456", "next": cruscotto})
    assert sbagliato.status_code == 400
    assert "Codice non valido: controlla e riprova." in sbagliato.content.decode()
    assert client.get(cruscotto).status_code == 302

    orologio.shift(5)
    giusto = client.post(VERIFICA, {"codice": codice_app(app.key), "next": cruscotto})
    assert giusto.status_code == 302
    assert giusto["Location"] == cruscotto
    assert client.get(cruscotto).status_code == 200
    # The same code cannot be typed again, in another login.
    client.post(reverse("accounts:logout"))
    client.post(LOGIN, {"username": "up_crema", "password": PASSWORD})
    rifiutato = client.post(VERIFICA, {"codice": codice_app(app.key)})
    assert rifiutato.status_code == 400


def test_un_codice_di_recupero_vale_una_volta(client, ufficio_piano_crema, orologio, obbligatorio):
    con_app(ufficio_piano_crema)
    client.force_login(ufficio_piano_crema)
    codici = otp.rigenera_codici(ufficio_piano_crema)
    client.post(reverse("accounts:logout"))

    client.post(LOGIN, {"username": "up_crema", "password": PASSWORD})
    # Typed as people copy it: upper case, with a space.
    risposta = client.post(VERIFICA, {"codice": f"{codici[0][:4].upper()} {codici[0][4:]}"})
    assert risposta.status_code == 302
    messaggi = [m.message for m in risposta.wsgi_request._messages]
    assert any("te ne restano 9" in m for m in messaggi)
    assert StaticToken.objects.filter(device__user=ufficio_piano_crema).count() == 9
    assert client.get(reverse("cruscotto", kwargs={"slug": "cremasco"})).status_code == 200

    client.post(reverse("accounts:logout"))
    client.post(LOGIN, {"username": "up_crema", "password": PASSWORD})
    orologio.shift(60)
    di_nuovo = client.post(VERIFICA, {"codice": codici[0]})
    assert di_nuovo.status_code == 400
    assert "Codice non valido" in di_nuovo.content.decode()
    orologio.shift(60)
    assert client.post(VERIFICA, {"codice": codici[1]}).status_code == 302


def test_dopo_codici_errati_un_messaggio_chiaro_e_un_attesa(
    client, ufficio_piano_crema, orologio, obbligatorio
):
    app = con_app(ufficio_piano_crema)
    client.post(LOGIN, {"username": "up_crema", "password": PASSWORD})
    for _tentativo in range(3):
        client.post(VERIFICA, {"codice": "111111"})
        orologio.shift(0.5)
    # django-otp's throttling: after wrong codes, even the right one waits its turn.
    risposta = client.post(VERIFICA, {"codice": codice_app(app.key)})
    assert risposta.status_code == 400
    assert "Troppi codici errati di seguito: per sicurezza riprova tra" in (
        risposta.content.decode()
    )
    app.refresh_from_db()
    assert app.throttling_failure_count >= 1
    assert "otp_device_id" not in client.session

    orologio.shift(30)
    risposta = client.post(VERIFICA, {"codice": codice_app(app.key)})
    assert risposta.status_code == 302
    app.refresh_from_db()
    assert app.throttling_failure_count == 0


def test_verifica_non_rimanda_fuori_dal_portale(client, ufficio_piano_crema, orologio):
    app = con_app(ufficio_piano_crema)
    client.force_login(ufficio_piano_crema)
    risposta = client.post(
        VERIFICA, {"codice": codice_app(app.key), "next": "https://altrove.example/"}
    )
    assert risposta.status_code == 302
    assert risposta["Location"] == reverse("home")


def test_senza_app_la_verifica_porta_all_attivazione(client, sindaco_crema):
    client.force_login(sindaco_crema)
    assert client.get(VERIFICA)["Location"] == SICUREZZA


# --- Regenerating and removing ----------------------------------------------------------------


def test_rigenera_i_codici_invalida_i_precedenti(client, sindaco_crema, orologio):
    client.force_login(sindaco_crema)
    _attiva(client)
    vecchi = set(StaticToken.objects.values_list("token", flat=True))
    client.get(CODICI)
    risposta = client.post(reverse("accounts:otp-rigenera"))
    assert risposta["Location"] == CODICI
    nuovi = [
        _testo(li) for li in trova(uno(client.get(CODICI), data_testid="codici-recupero"), "li")
    ]
    assert len(nuovi) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(nuovi)
    assert not vecchi & set(nuovi)


def test_rigenerare_richiede_una_sessione_verificata(client, sindaco_crema):
    con_app(sindaco_crema)
    otp.rigenera_codici(sindaco_crema)
    prima = set(StaticToken.objects.values_list("token", flat=True))
    client.force_login(sindaco_crema)
    risposta = client.post(reverse("accounts:otp-rigenera"))
    assert risposta["Location"] == f"{VERIFICA}?next=%2Faccount%2Fsicurezza%2F"
    assert set(StaticToken.objects.values_list("token", flat=True)) == prima


def test_rimuovere_richiede_un_codice_attuale(client, sindaco_crema, orologio):
    client.force_login(sindaco_crema)
    _pagina, chiave, _risposta = _attiva(client)
    rimuovi = reverse("accounts:otp-rimuovi")

    sbagliato = client.post(rimuovi, {"rimuovi-codice": "000000"})
    assert sbagliato.status_code == 400
    assert "Codice non valido" in sbagliato.content.decode()
    assert TOTPDevice.objects.filter(user=sindaco_crema).exists()

    orologio.shift(60)
    risposta = client.post(rimuovi, {"rimuovi-codice": codice_app(chiave)})
    assert risposta["Location"] == SICUREZZA
    assert not TOTPDevice.objects.filter(user=sindaco_crema).exists()
    assert not StaticToken.objects.filter(device__user=sindaco_crema).exists()
    # Back to the set-up page, with a new key.
    assert uno(client.get(SICUREZZA), data_testid="qr")
    assert client.session[otp.CHIAVE_NUOVA] != chiave


def test_nessuno_rimuove_il_secondo_fattore_di_un_altro(client, sindaco_crema, sindaco_cremona):
    con_app(sindaco_cremona)
    client.force_login(sindaco_crema)
    # The pages are the user's own: there is no id to point at someone else's device.
    client.post(reverse("accounts:otp-rimuovi"), {"rimuovi-codice": "000000"})
    assert TOTPDevice.objects.filter(user=sindaco_cremona).exists()
