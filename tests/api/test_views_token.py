"""The user's page of API tokens: a token is shown once, kept only as a fingerprint, revoked by
its owner and nobody else."""

import hashlib
import re

import pytest
from django.urls import reverse

from api.models import TokenPersonale

pytestmark = pytest.mark.django_db

URL = reverse("api-token:elenco")


def _crea(client, nome="Foglio del monitoraggio"):
    risposta = client.post(URL, {"nome": nome, "durata": "30"})
    assert risposta.status_code == 200
    (segreto,) = re.findall(r"<code>(pdz_[\w-]+)</code>", risposta.content.decode())
    return risposta, segreto


def test_the_profile_links_the_page(client, sindaco_crema):
    client.force_login(sindaco_crema)
    assert URL in client.get(reverse("accounts:profilo")).content.decode()


def test_a_new_token_is_shown_once_and_stored_only_as_its_fingerprint(client, sindaco_crema):
    client.force_login(sindaco_crema)
    _risposta, segreto = _crea(client)
    token = TokenPersonale.objects.get()
    assert token.utente == sindaco_crema and token.scade_il is not None
    assert token.impronta == hashlib.sha256(segreto.encode()).hexdigest()
    assert segreto not in str(TokenPersonale.objects.values().get())
    pagina = client.get(URL).content.decode()
    assert segreto not in pagina
    assert "Foglio del monitoraggio" in pagina
    # The token reads the API as its owner.
    risposta = client.get("/api/v1/ambiti", HTTP_AUTHORIZATION=f"Bearer {segreto}")
    assert risposta.status_code == 200


def test_a_name_is_required(client, sindaco_crema):
    client.force_login(sindaco_crema)
    risposta = client.post(URL, {"nome": "", "durata": "30"})
    assert "Questo campo è obbligatorio" in risposta.content.decode()
    assert not TokenPersonale.objects.exists()


def test_the_owner_revokes_a_token_and_it_stops_working(client, sindaco_crema):
    client.force_login(sindaco_crema)
    _risposta, segreto = _crea(client)
    token = TokenPersonale.objects.get()
    risposta = client.post(reverse("api-token:revoca", args=[token.pk]), follow=True)
    assert "Token «Foglio del monitoraggio» revocato." in risposta.content.decode()
    token.refresh_from_db()
    assert token.revocato_il is not None
    client.logout()
    assert client.get("/api/v1/ambiti", HTTP_AUTHORIZATION=f"Bearer {segreto}").status_code == 401


def test_nobody_else_sees_or_revokes_a_token(client, sindaco_crema, ufficio_piano_crema):
    client.force_login(sindaco_crema)
    _crea(client, nome="Token della sindaca")
    token = TokenPersonale.objects.get()
    client.force_login(ufficio_piano_crema)
    assert "Token della sindaca" not in client.get(URL).content.decode()
    assert client.post(reverse("api-token:revoca", args=[token.pk])).status_code == 404
    assert client.get(reverse("api-token:revoca", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revocato_il is None


def test_the_page_needs_a_login(client):
    risposta = client.get(URL)
    assert risposta.status_code == 302 and reverse("accounts:login") in risposta["Location"]
