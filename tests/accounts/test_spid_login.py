"""SPID login end to end against a real SAML identity provider running on this machine."""

import pytest

from accounts import sessione
from tests.accounts.spid_fixtures import (  # noqa: F401 (fixtures)
    accedi_con_spid,
    idp,
    sindaco_spid,
    sp,
)


def test_accesso_spid_del_sindaco(client, sp, sindaco_spid):
    risposta = accedi_con_spid(client, sp, next="/")
    assert risposta.status_code == 302, risposta.content.decode()
    assert client.session[sessione.METODO] == "spid"
    assert client.session[sessione.LIVELLO_SPID] == 2
