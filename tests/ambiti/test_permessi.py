"""The permission matrix of the ambito pages: every view, every persona, the forbidden paths."""

import pytest
from django.urls import reverse

from ambiti.models import Ente, Iscrizione

LETTURA = ["cruscotto", "comuni", "registro", "iscrizione-dettaglio"]
GESTIONE = ["iscrizione-nuova", "iscrizione-modifica"]

LETTORI = ["operatore_crema", "ente_crema", "sindaco_crema", "delegato_pandino"]
GESTORI = ["ufficio_piano_crema", "amministratore"]
ESTRANEI = ["ufficio_piano_cremona", "sindaco_cremona", "senza_ruolo"]


def _url(nome, iscrizione):
    kwargs = {"slug": "cremasco"}
    if nome in ("iscrizione-dettaglio", "iscrizione-modifica"):
        kwargs["pk"] = iscrizione.pk
    # The ambito's home page composes every app: it is the project's, outside the namespace.
    return reverse(nome if nome == "cruscotto" else f"ambiti:{nome}", kwargs=kwargs)


@pytest.fixture
def persone(
    request,
    ufficio_piano_crema,
    ufficio_piano_cremona,
    operatore_crema,
    ente_crema,
    sindaco_crema,
    delegato_pandino,
    sindaco_cremona,
    amministratore,
    senza_ruolo,
):
    return {nome: request.getfixturevalue(nome) for nome in [*LETTORI, *GESTORI, *ESTRANEI]}


@pytest.mark.parametrize("nome", LETTURA + GESTIONE)
def test_anonimo_va_al_login(client, iscrizione_crema, nome):
    url = _url(nome, iscrizione_crema)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("nome", LETTURA + GESTIONE)
def test_permessi_in_lettura(client, persone, iscrizione_crema, nome):
    url = _url(nome, iscrizione_crema)
    attesi = {p: 200 for p in GESTORI}
    attesi |= {p: (200 if nome in LETTURA else 403) for p in LETTORI}
    attesi |= {p: 404 for p in ESTRANEI}
    ottenuti = {}
    for persona, user in persone.items():
        client.force_login(user)
        ottenuti[persona] = client.get(url).status_code
    assert ottenuti == attesi


def _dati_iscrizione(**ente):
    dati = {
        "ente-denominazione": "Associazione Nuova",
        "ente-tipo": Ente.Tipo.ODV,
        "ente-codice_fiscale": "",
        "iscrizione-data_iscrizione": "2025-02-01",
        "iscrizione-stato": Iscrizione.Stato.ATTIVA,
    }
    dati.update({f"ente-{k}": v for k, v in ente.items()})
    return dati


@pytest.mark.parametrize("persona", LETTORI + ESTRANEI)
def test_chi_non_gestisce_non_iscrive_enti(client, persone, iscrizione_crema, persona):
    client.force_login(persone[persona])
    response = client.post(_url("iscrizione-nuova", iscrizione_crema), _dati_iscrizione())
    assert response.status_code in (403, 404)
    assert not Ente.objects.filter(denominazione="Associazione Nuova").exists()


@pytest.mark.parametrize("persona", LETTORI + ESTRANEI)
def test_chi_non_gestisce_non_modifica(client, persone, iscrizione_crema, persona):
    client.force_login(persone[persona])
    url = _url("iscrizione-modifica", iscrizione_crema)
    response = client.post(url, _dati_iscrizione(denominazione="Nome cambiato"))
    assert response.status_code in (403, 404)
    iscrizione_crema.ente.refresh_from_db()
    assert iscrizione_crema.ente.denominazione == "Cooperativa Il Ponte"


def test_iscrizione_di_altro_ambito_sotto_il_proprio_indirizzo_e_404(
    client, ufficio_piano_crema, iscrizione_cremona
):
    client.force_login(ufficio_piano_crema)
    for nome in ("iscrizione-dettaglio", "iscrizione-modifica"):
        url = reverse(f"ambiti:{nome}", kwargs={"slug": "cremasco", "pk": iscrizione_cremona.pk})
        assert client.get(url).status_code == 404
    url = reverse(
        "ambiti:iscrizione-dettaglio", kwargs={"slug": "cremonese", "pk": iscrizione_cremona.pk}
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("nome", LETTURA + GESTIONE)
@pytest.mark.parametrize("metodo", ["put", "delete", "patch"])
def test_metodo_sbagliato(client, ufficio_piano_crema, iscrizione_crema, nome, metodo):
    client.force_login(ufficio_piano_crema)
    response = getattr(client, metodo)(_url(nome, iscrizione_crema))
    assert response.status_code == 405


@pytest.mark.parametrize("nome", ["cruscotto", "comuni", "registro"])
def test_post_su_pagine_di_sola_lettura(client, ufficio_piano_crema, iscrizione_crema, nome):
    client.force_login(ufficio_piano_crema)
    assert client.post(_url(nome, iscrizione_crema)).status_code == 405


def test_ambito_inesistente_e_404(client, amministratore, territorio):
    client.force_login(amministratore)
    assert client.get("/ambiti/non-esiste/").status_code == 404
