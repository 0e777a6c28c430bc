"""The API answers each persona as the portal does: for every plan state and every table, the
status of the API with the persona's token is the status of the portal's page with her session
(an anonymous caller, whom the portal sends to the login, is told 404: the API has no login
page, and a private object is not known to exist)."""

import pytest
from django.urls import reverse

from ambiti.demo import carica_periodo
from piani import services
from piani.models import Piano
from tests.factories import MembroFactory, TavoloFactory

PERSONE = [
    "ufficio_piano_crema",
    "operatore_crema",
    "ente_crema",
    "sindaco_crema",
    "delegato_pandino",
    "ufficio_piano_cremona",
    "sindaco_cremona",
    "senza_ruolo",
    "amministratore",
    None,
]
STATI_PRIVATI = [
    Piano.Stato.BOZZA,
    Piano.Stato.IN_REVISIONE,
    Piano.Stato.PER_ASSEMBLEA,
    Piano.Stato.RESPINTO,
]


def _persona(request, nome):
    return request.getfixturevalue(nome) if nome else None


def _confronta(client, utente, token_di, portale, api):
    client.logout()
    if utente is not None:
        client.force_login(utente)
    atteso = client.get(portale).status_code
    client.logout()
    token = token_di(utente) if utente is not None else None
    risposta = client.get(api, HTTP_AUTHORIZATION=f"Bearer {token}") if token else client.get(api)
    if utente is None:
        assert atteso == 302  # to the login
        atteso = 404
    assert atteso in (200, 403, 404)
    assert risposta.status_code == atteso, (portale, atteso, risposta.content[:200])
    return risposta


@pytest.mark.django_db
@pytest.mark.parametrize("stato", STATI_PRIVATI)
@pytest.mark.parametrize("nome", PERSONE)
def test_a_plan_not_yet_public_answers_as_the_portal_s_plan_page(
    request, client, token_di, cremasco, iscrizione_crema, stato, nome
):
    utente = _persona(request, nome)
    piano = services.crea_piano(ambito=cremasco, periodo=carica_periodo("2025-2027"), utente=None)
    Piano.objects.filter(pk=piano.pk).update(stato=stato)
    risposta = _confronta(
        client,
        utente,
        token_di,
        reverse("piani:dettaglio", args=[cremasco.slug, piano.pk]),
        f"/api/v1/ambiti/{cremasco.slug}/piani/{piano.pk}",
    )
    elenco = client.get(
        f"/api/v1/ambiti/{cremasco.slug}/piani",
        **({"HTTP_AUTHORIZATION": f"Bearer {token_di(utente)}"} if utente else {}),
    ).json()["items"]
    # The list names it exactly when its page may be read.
    assert (piano.pk in [p["id"] for p in elenco]) == (risposta.status_code == 200)
    if risposta.status_code == 200:
        assert risposta.json()["stato"] == stato and risposta.json()["pubblico"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("nome", PERSONE)
def test_a_table_answers_as_the_portal_s_table_page(
    request, client, token_di, cremasco, operatore_crema, ente_crema, iscrizione_crema, nome
):
    utente = _persona(request, nome)
    tavolo = TavoloFactory(ambito=cremasco, titolo="Tavolo anziani", operatori=[operatore_crema])
    MembroFactory(tavolo=tavolo, ente=iscrizione_crema.ente)
    risposta = _confronta(
        client,
        utente,
        token_di,
        reverse("tavoli:dettaglio", args=[cremasco.slug, tavolo.pk]),
        f"/api/v1/ambiti/{cremasco.slug}/tavoli/{tavolo.pk}",
    )
    token = token_di(utente) if utente else None
    elenco = client.get(
        f"/api/v1/ambiti/{cremasco.slug}/tavoli",
        **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}),
    ).json()["items"]
    assert ([t["titolo"] for t in elenco] == ["Tavolo anziani"]) == (risposta.status_code == 200)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nome", "vede_le_proposte"),
    [
        ("ufficio_piano_crema", True),
        ("operatore_crema", True),
        ("sindaco_crema", True),
        ("ufficio_piano_cremona", False),
        (None, False),
    ],
)
def test_the_objectives_include_the_proposals_for_who_reads_them_in_the_portal(
    request, client, token_di, pubblicato, nome, vede_le_proposte
):
    utente = _persona(request, nome)
    url = f"/api/v1/ambiti/cremasco/piani/{pubblicato.piano.pk}/obiettivi"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_di(utente)}"} if utente else {}
    titoli = {o["titolo"] for o in client.get(url, **headers).json()["items"]}
    assert ("OBIETTIVO-PROPOSTO-RISERVATO" in titoli) == vede_le_proposte
    assert "Casa per chi non ne ha" in titoli
    if utente is not None:
        client.force_login(utente)
        pagina = client.get(reverse("obiettivi:panoramica", args=["cremasco"]))
        assert pagina.status_code == (200 if vede_le_proposte else 404)
