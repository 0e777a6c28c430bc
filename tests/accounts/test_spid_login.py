"""SPID and CIE login end to end against a real SAML identity provider running on this machine
(tests/accounts/spid_idp.py): the signed AuthnRequest, the signed response, the session and its
role, the single logout; and every response the portal must refuse."""

import base64
from datetime import timedelta
from urllib.parse import urlsplit

import requests
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import sessione
from accounts.models import User
from tests.accounts.spid_fixtures import *  # noqa: F403 (fixtures)
from tests.accounts.spid_fixtures import (
    CODICE_FISCALE,
    ENTITY_ID_SP,
    accedi_con_spid,
    posta_all_acs,
    verso_idp,
)
from tests.accounts.spid_idp import ALTRO_SP
from tests.factories import RuoloFactory, UserFactory
from tests.utils.html import albero
from tests.utils.html import testo_visibile as leggi


def _connesso(client):
    return "_auth_user_id" in client.session


def _rifiutato(risposta, caplog, motivo):
    """Refused with the page in Italian, and for that reason (the log line says it)."""
    assert risposta.status_code == 403, risposta.content.decode()
    assert "Accesso con SPID o CIE non riuscito" in leggi(albero(risposta))
    motivi = [r.getMessage() for r in caplog.records if r.name == "accounts.views_spid"]
    assert any(motivo in m for m in motivi), motivi


def test_il_sindaco_entra_con_spid_e_vede_il_suo_ambito(client, sp, sindaco_spid):
    client.get(reverse("accounts:login"))
    chiave_anonima = client.session.session_key

    risposta = accedi_con_spid(client, sp, next="/")

    assert risposta.status_code == 302
    assert risposta["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == sindaco_spid.pk
    assert client.session.session_key != chiave_anonima
    assert client.session[sessione.METODO] == "spid"
    assert client.session[sessione.LIVELLO_SPID] == 2
    cruscotto = client.get("/", follow=True)
    assert cruscotto.status_code == 200
    assert cruscotto.redirect_chain[-1][0] == reverse("cruscotto", kwargs={"slug": "cremasco"})
    assert "Cremasco" in cruscotto.content.decode()


def test_la_richiesta_segue_le_regole_spid(client, sp, sindaco_spid):
    accedi_con_spid(client, sp)

    richiesta = sp.richieste[-1]  # parsed by the IdP after checking its RSA-SHA256 signature
    assert richiesta.issuer.text == ENTITY_ID_SP
    assert richiesta.issuer.name_qualifier == ENTITY_ID_SP
    assert richiesta.issuer.format == "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
    assert richiesta.force_authn == "true"
    assert richiesta.requested_authn_context.comparison == "minimum"
    assert [r.text for r in richiesta.requested_authn_context.authn_context_class_ref] == [
        "https://www.spid.gov.it/SpidL2"
    ]
    assert richiesta.name_id_policy.format == (
        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    )
    assert richiesta.attribute_consuming_service_index == "0"
    assert richiesta.assertion_consumer_service_url == "http://testserver/spid/acs/"


def test_un_azione_chiede_il_livello_3(client, sp, sindaco_spid):
    sp.prossima.livello = 3
    accedi_con_spid(client, sp, livello="3")

    richiesta = sp.richieste[-1]
    assert richiesta.requested_authn_context.authn_context_class_ref[0].text == (
        "https://www.spid.gov.it/SpidL3"
    )
    assert client.session[sessione.LIVELLO_SPID] == 3


def test_mai_sotto_il_livello_minimo_del_portale(client, sp, sindaco_spid):
    accedi_con_spid(client, sp, livello="1")

    richiesta = sp.richieste[-1]
    assert richiesta.requested_authn_context.authn_context_class_ref[0].text == (
        "https://www.spid.gov.it/SpidL2"
    )


def test_livello_1_configurato_senza_force_authn(client, sp, sindaco_spid, settings):
    settings.PDZ_SPID_LIVELLO = 1
    sp.prossima.livello = 1
    accedi_con_spid(client, sp)

    assert sp.richieste[-1].force_authn is None
    assert client.session[sessione.LIVELLO_SPID] == 1


def test_il_primo_accesso_completa_nome_e_email_vuoti(client, sp, sindaco_spid):
    accedi_con_spid(client, sp)

    sindaco_spid.refresh_from_db()
    assert (sindaco_spid.first_name, sindaco_spid.last_name) == ("Mario", "Rossi")
    assert sindaco_spid.email == "mario.rossi@example.org"


def test_l_email_dell_ufficio_di_piano_non_si_sovrascrive(client, sp, sindaco_spid):
    sindaco_spid.email = "sindaco@comune.crema.cr.it"
    sindaco_spid.save()
    accedi_con_spid(client, sp)

    sindaco_spid.refresh_from_db()
    assert sindaco_spid.email == "sindaco@comune.crema.cr.it"


def test_il_codice_fiscale_arriva_con_prefisso_e_minuscolo(client, sp, sindaco_spid):
    sp.prossima.fiscal_number = "tinit-" + CODICE_FISCALE.lower()
    accedi_con_spid(client, sp)

    assert int(client.session["_auth_user_id"]) == sindaco_spid.pk


def test_un_indirizzo_di_ritorno_esterno_e_ignorato(client, sp, sindaco_spid):
    risposta = accedi_con_spid(client, sp, next="https://altro.example/")

    assert risposta.status_code == 302
    assert risposta["Location"] == reverse("home")


def test_l_uscita_chiude_la_sessione_qui_e_presso_l_idp(client, sp, sindaco_spid):
    accedi_con_spid(client, sp)
    assert _connesso(client)

    risposta = client.post("/spid/ls/")

    assert risposta.status_code == 302
    assert not _connesso(client)
    verso_idp_logout = risposta["Location"]
    assert verso_idp_logout.startswith(f"{sp.base}/slo?")
    ritorno = requests.get(verso_idp_logout, allow_redirects=False, timeout=30)
    assert ritorno.status_code == 302, ritorno.text
    logout = sp.richieste_logout[-1]
    assert logout.issuer.text == ENTITY_ID_SP
    parti = urlsplit(ritorno.headers["Location"])
    assert parti.path == "/spid/ls/"
    fine = client.get(f"{parti.path}?{parti.query}")
    assert fine.status_code == 302
    assert fine["Location"] == reverse("accounts:login")
    assert not _connesso(client)
    assert client.get("/").status_code == 302  # back to the login page


def test_l_uscita_avviata_dall_idp_chiude_la_sessione(client, sp, sindaco_spid):
    accedi_con_spid(client, sp)

    parti = urlsplit(sp.logout_da_idp(ENTITY_ID_SP))
    assert parti.path == "/spid/ls/"
    risposta = client.get(f"{parti.path}?{parti.query}")

    assert not _connesso(client)
    assert risposta.status_code == 302
    # Back to the IdP with our signed LogoutResponse.
    assert risposta["Location"].startswith(f"{sp.base}/slo?SAMLResponse=")
    assert "Signature=" in risposta["Location"]


def test_una_richiesta_di_logout_falsa_non_e_eseguita_per_l_idp(client, sp, sindaco_spid):
    accedi_con_spid(client, sp)
    parti = urlsplit(sp.logout_da_idp(ENTITY_ID_SP))
    query = parti.query.replace("Signature=", "Signature=AAAA")

    risposta = client.get(f"{parti.path}?{query}")

    assert risposta.status_code == 400
    assert "Location" not in risposta


def test_uscita_senza_sessione_spid_e_solo_locale(client, sindaco_spid, sp):
    client.force_login(sindaco_spid)

    risposta = client.post("/spid/ls/")

    assert risposta.status_code == 302
    assert risposta["Location"] == reverse("accounts:login")
    assert not _connesso(client)


def test_uscita_con_get_non_chiude_la_sessione(client, sp, sindaco_spid):
    accedi_con_spid(client, sp)

    assert client.get("/spid/ls/").status_code == 405
    assert _connesso(client)


# --- Nobody gets in without a role ---------------------------------------------------------


def _nessun_ruolo(risposta, client):
    assert risposta.status_code == 403
    assert "Nessun ruolo nel portale: contatta l'Ufficio di Piano del tuo ambito" in (
        leggi(albero(risposta))
    )
    assert not _connesso(client)


def test_codice_fiscale_sconosciuto_nessun_ruolo_e_nessun_account(client, sp, sindaco_spid):
    sp.prossima.fiscal_number = "TINIT-VRDGPP70B02D142N"
    utenti = User.objects.count()

    _nessun_ruolo(accedi_con_spid(client, sp), client)
    assert User.objects.count() == utenti


def test_codice_fiscale_non_valido_nessun_ruolo(client, sp, sindaco_spid):
    sp.prossima.fiscal_number = "TINIT-RSSMRA80A01H501X"

    _nessun_ruolo(accedi_con_spid(client, sp), client)


def test_account_disattivato_nessun_ruolo(client, sp, sindaco_spid):
    sindaco_spid.is_active = False
    sindaco_spid.save()

    _nessun_ruolo(accedi_con_spid(client, sp), client)


def test_ruolo_scaduto_nessun_ruolo(client, sp, sindaco_spid):
    oggi = timezone.localdate()
    sindaco_spid.ruoli.update(dal=oggi - timedelta(days=400), al=oggi - timedelta(days=1))

    _nessun_ruolo(accedi_con_spid(client, sp), client)


def test_ruolo_revocato_nessun_ruolo(client, sp, sindaco_spid):
    sindaco_spid.ruoli.update(attivo=False)

    _nessun_ruolo(accedi_con_spid(client, sp), client)


def test_l_amministratore_entra_senza_ruoli(client, sp, db):
    admin = UserFactory(username="admin_spid", codice_fiscale=CODICE_FISCALE, is_superuser=True)

    accedi_con_spid(client, sp)

    assert int(client.session["_auth_user_id"]) == admin.pk


def test_un_ruolo_che_inizia_domani_non_basta(client, sp, cremasco):
    user = UserFactory(username="futuro", codice_fiscale=CODICE_FISCALE)
    RuoloFactory(
        user=user, tipo="ufficio_piano", ambito=cremasco, dal=timezone.localdate() + timedelta(1)
    )

    _nessun_ruolo(accedi_con_spid(client, sp), client)


# --- Responses refused ---------------------------------------------------------------------


def test_risposta_manomessa_rifiutata(client, sp, sindaco_spid, caplog, db):
    altro = UserFactory(username="altro", codice_fiscale="VRDGPP70B02D142N", is_superuser=True)
    azione, campi = verso_idp(client, sp)
    xml = base64.b64decode(campi["SAMLResponse"]).decode()
    assert CODICE_FISCALE in xml
    campi["SAMLResponse"] = base64.b64encode(
        xml.replace(CODICE_FISCALE, altro.codice_fiscale).encode()
    ).decode()

    _rifiutato(posta_all_acs(client, azione, campi), caplog, "SignatureError")
    assert not _connesso(client)


def test_risposta_ripresentata_rifiutata(client, sp, sindaco_spid, caplog):
    azione, campi = verso_idp(client, sp)
    assert posta_all_acs(client, azione, campi).status_code == 302
    client.logout()

    _rifiutato(posta_all_acs(client, azione, campi), caplog, "UnsolicitedResponse")
    assert not _connesso(client)


def test_risposta_ripresentata_da_un_altro_browser_rifiutata(client, sp, sindaco_spid, caplog):
    azione, campi = verso_idp(client, sp)
    assert posta_all_acs(client, azione, campi).status_code == 302

    intruso = Client()
    _rifiutato(posta_all_acs(intruso, azione, campi), caplog, "UnsolicitedResponse")
    assert not _connesso(intruso)


def test_risposta_ripresentata_in_parallelo_rifiutata(client, sp, sindaco_spid, caplog, settings):
    """Two posts of one response racing: the second read the SAML session before the first
    consumed its request. The assertion id, taken in the cache by the first, stops it."""
    azione, campi = verso_idp(client, sp)
    cookie = settings.SAML_SESSION_COOKIE_NAME
    dati_prima = SessionStore(client.cookies[cookie].value).load()
    assert posta_all_acs(client, azione, campi).status_code == 302

    copia = SessionStore()
    copia.update(dati_prima)
    copia.save()
    secondo = Client()
    secondo.cookies[cookie] = copia.session_key
    _rifiutato(posta_all_acs(secondo, azione, campi), caplog, "asserzione già usata")
    assert not _connesso(secondo)


def test_risposta_per_un_altro_sp_rifiutata(client, sp, sindaco_spid, caplog):
    sp.prossima.pubblico = ALTRO_SP

    _rifiutato(accedi_con_spid(client, sp), caplog, "AudienceRestrictions")
    assert not _connesso(client)


def test_asserzione_scaduta_rifiutata(client, sp, sindaco_spid, caplog):
    azione, campi = verso_idp(client, sp)

    # The IdP's assertion lives 5 minutes; the person posts it an hour later.
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        _rifiutato(posta_all_acs(client, azione, campi), caplog, "ResponseLifetimeExceed")
    assert not _connesso(client)


def test_risposta_a_una_richiesta_sconosciuta_rifiutata(client, sp, sindaco_spid, caplog):
    sp.prossima.in_risposta_a = "_una-richiesta-mai-fatta"

    _rifiutato(accedi_con_spid(client, sp), caplog, "UnsolicitedResponse")
    assert not _connesso(client)


def test_risposta_non_chiesta_da_questo_browser_rifiutata(client, sp, sindaco_spid, caplog):
    azione, campi = verso_idp(client, sp)

    intruso = Client()
    _rifiutato(posta_all_acs(intruso, azione, campi), caplog, "UnsolicitedResponse")
    assert not _connesso(intruso)


def test_asserzione_non_firmata_rifiutata(client, sp, sindaco_spid, caplog):
    sp.prossima.firma_asserzione = False

    _rifiutato(accedi_con_spid(client, sp), caplog, "Signature missing for assertion")
    assert not _connesso(client)


def test_livello_inferiore_a_quello_chiesto_rifiutato(client, sp, sindaco_spid, caplog):
    sp.prossima.livello = 1

    _rifiutato(accedi_con_spid(client, sp), caplog, "livello 1 inferiore a 2")
    assert not _connesso(client)


def test_livello_2_quando_l_azione_chiede_3_rifiutato(client, sp, sindaco_spid, caplog):
    sp.prossima.livello = 2

    _rifiutato(accedi_con_spid(client, sp, livello="3"), caplog, "livello 2 inferiore a 3")
    assert not _connesso(client)


def test_acs_senza_risposta(client, sp):
    risposta = client.post("/spid/acs/", {})
    assert risposta.status_code == 400
    assert not _connesso(client)


def test_identity_provider_sconosciuto(client, sp):
    risposta = client.get("/spid/login/", {"idp": "https://idp-sconosciuto.example/"})
    assert risposta.status_code == 400


# --- CIE -----------------------------------------------------------------------------------


def test_il_sindaco_entra_con_cie(client, sp_cie, sindaco_spid):
    risposta = accedi_con_spid(client, sp_cie)

    assert risposta.status_code == 302
    assert int(client.session["_auth_user_id"]) == sindaco_spid.pk
    assert client.session[sessione.METODO] == "cie"
    assert client.session[sessione.LIVELLO_SPID] == 2
    assert sp_cie.richieste[-1].force_authn == "true"
