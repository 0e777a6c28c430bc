import pytest
from django.core.cache import cache

from api.models import TokenPersonale
from tests.pubblico.conftest import pubblicato  # noqa: F401 - the published Cremasco


@pytest.fixture(autouse=True)
def _limiti_azzerati():
    # The throttle counts in the cache: each test starts with none of its requests counted.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_di(db):
    def crea(utente, **kwargs):
        _token, segreto = TokenPersonale.crea(utente=utente, nome="prova", **kwargs)
        return segreto

    return crea


@pytest.fixture
def api_get(client):
    def get(url, token=None, **kwargs):
        if token:
            kwargs["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client.get(url, **kwargs)

    return get
