"""An ambito may require a strong login to vote online (Ambito.voto_online_accesso): SPID/CIE of
level 2, or a session confirmed with the second factor. A sindaco who logged in with the password
alone sees why and where to go instead of the ballot, and a ballot she posts is refused with
nothing recorded; the Ufficio di Piano sets the requirement for its own ambito only."""

from binascii import unhexlify
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts import otp, sessione
from ambiti.models import Ambito, Comune
from assemblea.models import EventoVoto, Presenza, Voto
from tests.assemblea.test_views_voto import _punto, _regola, _seduta, _url, _votazione
from tests.utils.fotografia import fotografia
from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno

FORTE = Ambito.AccessoVoto.FORTE
QUALSIASI = Ambito.AccessoVoto.QUALSIASI


@pytest.fixture
def orologio():
    with time_machine.travel(datetime.now(UTC), tick=False) as viaggiatore:
        yield viaggiatore


@pytest.fixture
def punto(cremasco, ufficio_piano_crema):
    cremasco.voto_online_accesso = FORTE
    cremasco.save(update_fields=["voto_online_accesso"])
    regola = _regola(cremasco, ufficio_piano_crema)
    punto = _punto(_seduta(cremasco, ufficio_piano_crema))
    _votazione(punto, regola, ufficio_piano_crema)
    return punto


@pytest.fixture
def crema(territorio):
    return Comune.objects.get(nome="Crema")


def _codice(chiave_hex):
    return f"{TOTP(unhexlify(chiave_hex)).token():06d}"


def _vota(client, punto, crema, **extra):
    return client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "favorevole"}, **extra)


def _niente_registrato():
    return fotografia(Voto, EventoVoto, Presenza)


def _livello_spid(client, livello):
    dati = client.session
    dati[sessione.METODO] = "spid"
    dati[sessione.LIVELLO_SPID] = livello
    dati.save()


def test_con_la_sola_password_niente_scheda_ma_la_spiegazione(client, punto, sindaco_crema):
    client.force_login(sindaco_crema)
    pagina = client.get(_url("votazione", punto))
    assert pagina.status_code == 200
    assert not trova(pagina, data_testid="scheda-voto")
    assert not trova(pagina, data_testid="pulsanti-voto")
    avviso = uno(pagina, data_testid="accesso-forte-richiesto")
    assert "SPID o CIE di livello 2, oppure con il secondo fattore" in _testo(avviso)
    # No app yet: the link sets one up and comes back here.
    attiva = dict(uno(avviso, "a", data_testid="link-attiva").attributes)["href"]
    assert attiva == f"{reverse('accounts:sicurezza')}?next={_url('votazione', punto)}"
    assert uno(avviso, "button", data_testid="accedi-spid")


def test_il_voto_di_chi_ha_la_sola_password_e_rifiutato_e_nulla_e_registrato(
    client, punto, sindaco_crema, crema
):
    client.force_login(sindaco_crema)
    prima = _niente_registrato()
    risposta = _vota(client, punto, crema)
    assert risposta.status_code == 403
    assert "serve un accesso con SPID o CIE di livello 2" in risposta.content.decode()
    assert _vota(client, punto, crema, HTTP_HX_REQUEST="true").status_code == 403
    assert _niente_registrato() == prima


def test_spid_di_livello_1_non_basta(client, punto, sindaco_crema, crema):
    client.force_login(sindaco_crema)
    _livello_spid(client, 1)
    prima = _niente_registrato()
    assert _vota(client, punto, crema).status_code == 403
    assert _niente_registrato() == prima


def test_con_spid_o_cie_di_livello_2_si_vota(client, punto, sindaco_crema, crema):
    client.force_login(sindaco_crema)
    _livello_spid(client, 2)
    assert uno(client.get(_url("votazione", punto)), data_testid="scheda-voto")
    assert _vota(client, punto, crema).status_code == 303
    assert Voto.objects.get(comune=crema).scelta == "favorevole"


def test_dopo_il_codice_del_secondo_fattore_si_vota(client, punto, sindaco_crema, crema, orologio):
    app = TOTPDevice.objects.create(
        user=sindaco_crema, name="App", key=default_key(), confirmed=True
    )
    client.force_login(sindaco_crema)
    pagina = client.get(_url("votazione", punto))
    verifica = dict(uno(pagina, "a", data_testid="link-verifica").attributes)["href"]
    assert verifica.startswith(reverse("accounts:otp-verifica") + "?next=")
    risposta = client.post(verifica, {"codice": _codice(app.key)})
    assert risposta["Location"] == _url("votazione", punto)
    assert uno(client.get(_url("votazione", punto)), data_testid="scheda-voto")
    assert _vota(client, punto, crema).status_code == 303
    assert Voto.objects.filter(comune=crema).count() == 1


def test_attivare_il_secondo_fattore_dalla_pagina_del_voto_e_votare(
    client, punto, sindaco_crema, crema, orologio
):
    client.force_login(sindaco_crema)
    pagina = client.get(_url("votazione", punto))
    attiva = dict(uno(pagina, "a", data_testid="link-attiva").attributes)["href"]
    client.get(attiva)
    chiave = client.session[otp.CHIAVE_NUOVA]
    risposta = client.post(
        reverse("accounts:sicurezza"),
        {"codice": _codice(chiave), "next": _url("votazione", punto)},
    )
    codici = client.get(risposta["Location"])
    continua = [a for a in trova(codici, "a") if "continua" in _testo(a)]
    assert dict(continua[0].attributes)["href"] == _url("votazione", punto)
    assert _vota(client, punto, crema).status_code == 303


def test_senza_requisito_basta_la_password(client, punto, cremasco, sindaco_crema, crema):
    Ambito.objects.filter(pk=cremasco.pk).update(voto_online_accesso=QUALSIASI)
    client.force_login(sindaco_crema)
    pagina = client.get(_url("votazione", punto))
    assert not trova(pagina, data_testid="accesso-forte-richiesto")
    assert uno(pagina, data_testid="scheda-voto")
    assert _vota(client, punto, crema).status_code == 303


def test_la_segreteria_vede_la_pagina_come_prima(client, punto, ufficio_piano_crema):
    """The requirement is for ballots: the Ufficio di Piano still runs the vote."""
    client.force_login(ufficio_piano_crema)
    pagina = client.get(_url("votazione", punto))
    assert pagina.status_code == 200
    assert not trova(pagina, data_testid="accesso-forte-richiesto")
    assert uno(pagina, data_testid="chiudi-votazione")


# --- The Ufficio di Piano sets it -------------------------------------------------------------


def _impostazioni(ambito):
    return reverse("ambiti:impostazioni", args=[ambito.slug])


def test_l_ufficio_di_piano_imposta_il_requisito_del_suo_ambito(
    client, cremasco, ufficio_piano_crema
):
    client.force_login(ufficio_piano_crema)
    pagina = client.get(_impostazioni(cremasco))
    assert pagina.status_code == 200
    scelte = trova(pagina, "input", name="voto_online_accesso")
    assert [dict(s.attributes)["value"] for s in scelte] == ["qualsiasi", "forte"]
    risposta = client.post(_impostazioni(cremasco), {"voto_online_accesso": "forte"})
    assert risposta.status_code == 302
    cremasco.refresh_from_db()
    assert cremasco.voto_online_accesso == FORTE
    profilo = client.get(reverse("accounts:profilo"))
    assert _impostazioni(cremasco) in [dict(a.attributes).get("href") for a in trova(profilo, "a")]


def test_nessun_altro_cambia_il_requisito(
    client, cremasco, ufficio_piano_cremona, sindaco_crema, operatore_crema
):
    attesi = {ufficio_piano_cremona: 404, sindaco_crema: 403, operatore_crema: 403}
    for persona, stato in attesi.items():
        client.force_login(persona)
        assert client.get(_impostazioni(cremasco)).status_code == stato, persona
        risposta = client.post(_impostazioni(cremasco), {"voto_online_accesso": "forte"})
        assert risposta.status_code == stato, persona
    client.logout()
    anonimo = client.post(_impostazioni(cremasco), {"voto_online_accesso": "forte"})
    assert anonimo.status_code == 302
    cremasco.refresh_from_db()
    assert cremasco.voto_online_accesso == QUALSIASI


def test_una_scelta_inesistente_e_un_errore_accanto_al_campo(client, cremasco, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    risposta = client.post(_impostazioni(cremasco), {"voto_online_accesso": "nessuno"})
    assert risposta.status_code == 200
    assert "Scegli un'opzione valida" in _testo(uno(risposta, data_testid="form-impostazioni"))
    cremasco.refresh_from_db()
    assert cremasco.voto_online_accesso == QUALSIASI
