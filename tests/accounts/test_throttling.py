"""The limits on failed logins (accounts/throttling.py): per username and address a lockout
with a stated end, per address a lockout, per username across addresses only a capped delay, so
that an attacker cannot keep a sindaco out."""

import math
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.db.models import F
from django.utils import timezone

from accounts import throttling
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.utils.html import testo as _testo
from tests.utils.html import trova

LOGIN = "/account/accesso/"
UFFICIO = "192.0.2.10"  # the sindaco's own office, where she has signed in before


def _accedi(client, username, password, indirizzo, url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=indirizzo)


def _entrato(risposta):
    return risposta.status_code == 302


def _attaccante(n):
    return f"203.0.113.{n}"


def _indietro(secondi):
    """As if every recorded login, failed or not, had happened `secondi` earlier."""
    for modello in (AccessAttempt, AccessLog):
        modello.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=secondi))


def _registro():
    return sorted(
        AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")
    )


@pytest.fixture
def sindaco_gia_entrato_dall_ufficio(client, sindaco_crema):
    assert _entrato(_accedi(client, "sindaco_crema", PASSWORD, UFFICIO))
    client.logout()
    return sindaco_crema


def _errore_del_modulo(risposta):
    """The error crispy shows above the login form (not about one field)."""
    (riquadro,) = [
        div
        for div in trova(risposta, "div")
        if dict(div.attributes).get("class") == "alert alert-block alert-danger"
    ]
    return _testo(riquadro)


# --- (a) one username from one address --------------------------------------------------------


def test_il_blocco_per_utente_e_indirizzo_dice_quando_riprovare(client, sindaco_crema, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _accedi(client, "sindaco_crema", "sbagliata", _attaccante(1))
    ultimo = AccessAttempt.objects.get().attempt_time
    risposta = _accedi(client, "sindaco_crema", PASSWORD, _attaccante(1))
    assert risposta.status_code == 429
    assert "_auth_user_id" not in client.session
    messaggio = _testo(trova(risposta, data_testid="blocco")[0])
    ora = timezone.localtime(ultimo + settings.AXES_COOLOFF_TIME).strftime("%H:%M")
    assert f"questo nome utente da questo indirizzo è sospeso: riprova dopo le {ora}" in messaggio
    assert "Ufficio di Piano" in messaggio


def test_i_tentativi_durante_il_blocco_non_lo_allungano(client, sindaco_crema, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _accedi(client, "sindaco_crema", "sbagliata", _attaccante(1))
    prima = list(AccessAttempt.objects.values("failures_since_start", "attempt_time"))
    for _ in range(10):
        assert _accedi(client, "sindaco_crema", "sbagliata", _attaccante(1)).status_code == 429
    assert list(AccessAttempt.objects.values("failures_since_start", "attempt_time")) == prima


def test_il_blocco_finisce_all_ora_detta(client, sindaco_crema, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _accedi(client, "sindaco_crema", "sbagliata", _attaccante(1))
    _indietro(settings.AXES_COOLOFF_TIME.total_seconds() + 1)
    assert _entrato(_accedi(client, "sindaco_crema", PASSWORD, _attaccante(1)))


def test_il_blocco_di_un_indirizzo_non_tocca_il_sindaco_altrove(
    client, sindaco_gia_entrato_dall_ufficio, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _accedi(client, "sindaco_crema", "sbagliata", _attaccante(1))
    assert _entrato(_accedi(client, "sindaco_crema", PASSWORD, UFFICIO))


# --- (b) one address across usernames ---------------------------------------------------------


def test_troppi_utenti_provati_da_un_indirizzo_lo_bloccano(client, ufficio_piano_crema, settings):
    for n in range(settings.PDZ_LOGIN_ADDRESS_FAILURE_LIMIT):
        _accedi(client, f"utente{n}", "sbagliata", _attaccante(1))
    ultimo = AccessAttempt.objects.order_by("attempt_time").last().attempt_time
    risposta = _accedi(client, "up_crema", PASSWORD, _attaccante(1))
    assert risposta.status_code == 429
    assert "_auth_user_id" not in client.session
    messaggio = _testo(trova(risposta, data_testid="blocco")[0])
    ora = timezone.localtime(ultimo + settings.AXES_COOLOFF_TIME).strftime("%H:%M")
    assert "Da questo indirizzo di rete sono arrivati troppi tentativi" in messaggio
    assert f"riprova dopo le {ora}" in messaggio
    # Refused attempts are not failures: the end stays where it was said to be.
    assert AccessAttempt.objects.filter(username="up_crema").count() == 0
    # Another address is not concerned.
    assert _entrato(_accedi(client, "up_crema", PASSWORD, _attaccante(2)))


def test_sotto_il_limite_l_indirizzo_non_e_bloccato(client, ufficio_piano_crema, settings):
    for n in range(settings.PDZ_LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        _accedi(client, f"utente{n}", "sbagliata", _attaccante(1))
    assert _entrato(_accedi(client, "up_crema", PASSWORD, _attaccante(1)))


# --- (c) one username across addresses --------------------------------------------------------


def _tentativi_distribuiti(client, username, quanti, primo=1):
    """Wrong passwords from `quanti` addresses, each one after the delay due (if any) is over,
    as a patient attacker would."""
    for n in range(primo, primo + quanti):
        attesa = throttling.fine_attesa(username, _attaccante(n))
        if attesa is not None and attesa[0] > timezone.now():
            _indietro(math.ceil((attesa[0] - timezone.now()).total_seconds()) + 1)
        assert _accedi(client, username, "sbagliata", _attaccante(n)).status_code == 200


def test_dopo_troppi_errori_da_molti_indirizzi_ogni_tentativo_attende(
    client, sindaco_crema, settings
):
    _tentativi_distribuiti(client, "sindaco_crema", settings.PDZ_LOGIN_USER_FAILURE_LIMIT)
    # Even the right password waits: otherwise the delay would slow no one.
    risposta = _accedi(client, "sindaco_crema", PASSWORD, "198.51.100.1")
    assert risposta.status_code == 429
    assert "_auth_user_id" not in client.session
    assert _errore_del_modulo(risposta) == (
        "Troppi tentativi per questo utente: riprova tra 1 secondo."
    )
    # It is the login form again, with the username kept.
    assert trova(risposta, "input", name="username", value="sindaco_crema")
    _indietro(2)
    assert _entrato(_accedi(client, "sindaco_crema", PASSWORD, "198.51.100.1"))


def test_l_attesa_raddoppia_a_ogni_errore(client, sindaco_crema, settings):
    limite = settings.PDZ_LOGIN_USER_FAILURE_LIMIT
    _tentativi_distribuiti(client, "sindaco_crema", limite + 3)
    attesa = throttling.attesa_utente("sindaco_crema", "198.51.100.1")
    assert 2**3 - 1 <= attesa.secondi <= 2**3
    risposta = _accedi(client, "sindaco_crema", PASSWORD, "198.51.100.1")
    assert "riprova tra 8 secondi" in _errore_del_modulo(risposta)


def test_finita_l_attesa_passa_un_solo_tentativo_non_una_raffica(client, sindaco_crema, settings):
    _tentativi_distribuiti(client, "sindaco_crema", settings.PDZ_LOGIN_USER_FAILURE_LIMIT + 2)
    _indietro(5)
    # Requests sent in parallel all find the delay over: only the first may try a password.
    assert throttling.attesa_utente("sindaco_crema", _attaccante(90)) is None
    for n in range(91, 96):
        assert throttling.attesa_utente("sindaco_crema", _attaccante(n)).secondi == 1


def test_i_tentativi_respinti_durante_l_attesa_non_contano(client, sindaco_crema, settings):
    _tentativi_distribuiti(client, "sindaco_crema", settings.PDZ_LOGIN_USER_FAILURE_LIMIT + 4)
    prima = _registro()
    # Hammering during the delay, with the right password too.
    assert _accedi(client, "sindaco_crema", PASSWORD, _attaccante(49)).status_code == 429
    for n in range(50, 80):
        assert _accedi(client, "sindaco_crema", "sbagliata", _attaccante(n)).status_code == 429
    assert _registro() == prima


def test_l_attesa_non_supera_il_massimo(client, sindaco_crema, settings):
    # Far beyond the doubling: 2^30 seconds would be 34 years.
    adesso = timezone.now()
    for n in range(1, 9):
        AccessAttempt.objects.create(
            username="sindaco_crema",
            ip_address=_attaccante(n),
            user_agent="<unknown>",
            failures_since_start=settings.PDZ_LOGIN_USER_FAILURE_LIMIT + 30,
            attempt_time=adesso,
        )
    massimo = settings.PDZ_LOGIN_MAX_DELAY.total_seconds()
    attesa = throttling.attesa_utente("sindaco_crema", "198.51.100.1").secondi
    assert massimo - 2 <= attesa <= massimo
    risposta = _accedi(client, "sindaco_crema", PASSWORD, "198.51.100.1")
    assert f"riprova tra {attesa} secondi" in _errore_del_modulo(risposta)
    _indietro(massimo)
    assert _entrato(_accedi(client, "sindaco_crema", PASSWORD, "198.51.100.1"))


def test_il_sindaco_entra_dal_suo_ufficio_mentre_altri_martellano_il_suo_nome(
    client, sindaco_gia_entrato_dall_ufficio, settings
):
    _tentativi_distribuiti(client, "sindaco_crema", settings.PDZ_LOGIN_USER_FAILURE_LIMIT + 5)
    # The attackers meet only delays, at most PDZ_LOGIN_MAX_DELAY...
    risposta = _accedi(client, "sindaco_crema", PASSWORD, _attaccante(200))
    assert risposta.status_code == 429
    assert "Troppi tentativi per questo utente" in _errore_del_modulo(risposta)
    # ...and the sindaco, from the address she always uses, is not held back at all.
    assert _entrato(_accedi(client, "sindaco_crema", PASSWORD, UFFICIO))


def test_un_accesso_riuscito_azzera_il_conteggio(client, sindaco_crema, settings):
    _tentativi_distribuiti(client, "sindaco_crema", settings.PDZ_LOGIN_USER_FAILURE_LIMIT)
    _indietro(2)
    assert _entrato(_accedi(client, "sindaco_crema", PASSWORD, "198.51.100.1"))
    client.logout()
    # From yet another new address: an ordinary wrong password, no delay.
    risposta = _accedi(client, "sindaco_crema", "sbagliata", "198.51.100.2")
    assert risposta.status_code == 200
    assert "Inserisci nome utente e password corretti" in _errore_del_modulo(risposta)
    assert _entrato(_accedi(client, "sindaco_crema", PASSWORD, "198.51.100.3"))


def test_anche_il_login_dell_amministrazione_rispetta_l_attesa(client, db, settings):
    UserFactory(username="capo", is_staff=True, is_superuser=True)
    _tentativi_distribuiti(client, "capo", settings.PDZ_LOGIN_USER_FAILURE_LIMIT)
    risposta = _accedi(client, "capo", PASSWORD, "198.51.100.1", url="/admin/login/")
    assert risposta.status_code == 429
    assert "_auth_user_id" not in client.session
    _indietro(2)
    assert _entrato(_accedi(client, "capo", PASSWORD, "198.51.100.1", url="/admin/login/"))
