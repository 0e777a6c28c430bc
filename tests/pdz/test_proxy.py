"""Proxy headers are believed only from the proxies in DJANGO_TRUSTED_PROXIES (pdz/proxy.py)."""

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from pdz.proxy import PROXY_HEADERS, TrustedProxyMiddleware

LOGIN = "/account/accesso/"
INTESTAZIONI_FALSE = {
    "HTTP_X_FORWARDED_FOR": "198.51.100.99",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_HOST": "evil.example.org",
    "HTTP_X_FORWARDED_PORT": "443",
    "HTTP_X_REAL_IP": "198.51.100.98",
    "HTTP_FORWARDED": "for=198.51.100.97;proto=https",
}


def _attraverso(remote_addr, **meta):
    """The request as the views see it after the middleware."""
    visto = {}

    def vista(request):
        visto["meta"] = dict(request.META)
        visto["https"] = request.is_secure()
        return HttpResponse()

    richiesta = RequestFactory().get("/", REMOTE_ADDR=remote_addr, **meta)
    TrustedProxyMiddleware(vista)(richiesta)
    return visto


def test_di_norma_nessuna_intestazione_e_creduta(settings):
    assert settings.TRUSTED_PROXIES == []
    visto = _attraverso("203.0.113.5", **INTESTAZIONI_FALSE)
    assert visto["meta"]["REMOTE_ADDR"] == "203.0.113.5"
    assert not set(PROXY_HEADERS) & set(visto["meta"])
    assert visto["https"] is False


def test_da_un_indirizzo_non_fidato_le_intestazioni_spariscono(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    visto = _attraverso("203.0.113.5", **INTESTAZIONI_FALSE)
    assert visto["meta"]["REMOTE_ADDR"] == "203.0.113.5"
    assert not set(PROXY_HEADERS) & set(visto["meta"])
    assert visto["https"] is False


def test_dal_proxy_fidato_valgono_indirizzo_e_schema(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.1"]
    visto = _attraverso(
        "10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.1",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert visto["meta"]["REMOTE_ADDR"] == "198.51.100.7"
    assert visto["https"] is True


def test_dal_proxy_fidato_vale_l_ultimo_indirizzo_non_fidato(settings):
    """What the client wrote itself sits left of what our proxy appended."""
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    visto = _attraverso("10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert visto["meta"]["REMOTE_ADDR"] == "198.51.100.7"


def test_una_voce_sbagliata_ferma_l_avvio(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured):
        TrustedProxyMiddleware(lambda r: HttpResponse())


def _fallisci(client, **meta):
    client.post(LOGIN, {"username": "sindaco_crema", "password": "sbagliata"}, **meta)
    return list(AccessAttempt.objects.values_list("ip_address", flat=True))


def test_un_x_forwarded_for_falso_non_cambia_l_indirizzo_contato(client, sindaco_crema):
    falso = {"HTTP_X_FORWARDED_FOR": "198.51.100.99", "HTTP_X_REAL_IP": "198.51.100.98"}
    assert _fallisci(client, REMOTE_ADDR="203.0.113.5", **falso) == ["203.0.113.5"]


def test_dal_proxy_fidato_axes_conta_il_cliente(client, sindaco_crema, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    indirizzi = _fallisci(
        client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    assert indirizzi == ["198.51.100.7"]


@pytest.mark.parametrize(
    ("fidati", "atteso"), [([], 301), (["10.0.0.2"], 200)], ids=["non-fidato", "fidato"]
)
def test_lo_schema_https_solo_dal_proxy_fidato(client, db, settings, fidati, atteso):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = fidati
    risposta = client.get(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_PROTO="https")
    assert risposta.status_code == atteso
