"""Login, logout, throttling of failed logins, password change and reset."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = "/account/accesso/"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_pagina_di_accesso_in_italiano(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "Accedi al portale" in response.content.decode()


def test_accesso_porta_al_cruscotto_del_proprio_ambito(client, ufficio_piano_crema):
    response = _login(client, "up_crema", PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("cruscotto", kwargs={"slug": "cremasco"})


def test_credenziali_errate_messaggio_in_italiano(client, ufficio_piano_crema):
    response = _login(client, "up_crema", "sbagliata")
    assert response.status_code == 200
    assert "Inserisci nome utente e password corretti" in response.content.decode()


def test_troppi_tentativi_bloccano_anche_la_password_giusta(client, ufficio_piano_crema, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "up_crema", "sbagliata")
    response = _login(client, "up_crema", PASSWORD)
    assert response.status_code == 429
    assert "Troppi tentativi" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_il_blocco_riguarda_solo_quell_utente(
    client, ufficio_piano_crema, operatore_crema, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "up_crema", "sbagliata")
    assert _login(client, "operatore_crema", PASSWORD).status_code == 302


def test_uscita_solo_con_post(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    assert client.get("/account/uscita/").status_code == 405
    response = client.post("/account/uscita/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_cambio_password(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Nuova-password-2025",
            "new_password2": "Nuova-password-2025",
        },
    )
    assert response.status_code == 302
    ufficio_piano_crema.refresh_from_db()
    assert ufficio_piano_crema.check_password("Nuova-password-2025")


def test_cambio_password_richiede_accesso(client, db):
    response = client.get("/account/password/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_recupero_password_via_email(client, ufficio_piano_crema):
    response = client.post("/account/password/recupero/", {"email": ufficio_piano_crema.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    messaggio = mail.outbox[0]
    assert messaggio.to == [ufficio_piano_crema.email]
    assert "Recupero della password" in messaggio.subject
    link = re.search(r"https?://[^/]+(/account/password/recupero/\S+/)", messaggio.body).group(1)
    response = client.get(link, follow=True)
    assert "Imposta una nuova password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Recuperata-2025!", "new_password2": "Recuperata-2025!"},
    )
    assert response.status_code == 302
    ufficio_piano_crema.refresh_from_db()
    assert ufficio_piano_crema.check_password("Recuperata-2025!")


def test_recupero_con_email_sconosciuta_non_rivela_nulla(client, db):
    response = client.post("/account/password/recupero/", {"email": "nessuno@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("persona", "visibili"),
    [("amministratore", 3), ("senza_ruolo", 0)],
)
def test_cruscotto_elenca_gli_ambiti_visibili(client, territorio, request, persona, visibili):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert response.status_code == 200
    assert len(response.context["ambiti"]) == visibili
    if not visibili:
        assert "non ha ancora un ruolo" in response.content.decode()


def test_profilo_mostra_i_ruoli(client, sindaco_crema):
    client.force_login(sindaco_crema)
    contenuto = client.get("/account/profilo/").content.decode()
    assert "Sindaco" in contenuto
    assert "Comune di Crema" in contenuto


def test_admin_riservato_all_amministratore(client, ufficio_piano_crema, amministratore):
    client.force_login(ufficio_piano_crema)
    assert client.get("/admin/").status_code == 302
    client.force_login(amministratore)
    for url in ("/admin/", "/admin/ambiti/comune/", "/admin/ambiti/ente/", "/admin/accounts/user/"):
        assert client.get(url).status_code == 200, url
