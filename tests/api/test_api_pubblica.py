"""The public data through the API: what the public pages show, nothing they hide."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import TokenPersonale
from piani.firma import firma_pdf_votato
from tests.pubblico.conftest import PRIVATI, PUBBLICI

pytestmark = pytest.mark.django_db


def _tutte(api_get, dati, token=None):
    slug = dati.ambito.slug
    base = f"/api/v1/ambiti/{slug}"
    urls = [
        "/api/v1/ambiti",
        base,
        base + "/comuni",
        base + "/piani",
        f"{base}/piani/{dati.piano.pk}",
        f"{base}/piani/{dati.piano.pk}/obiettivi",
        base + "/enti",
        base + "/sedute",
        f"{base}/sedute/{dati.seduta.pk}",
        f"{base}/sedute/{dati.seduta_segreta.pk}",
        base + "/tavoli",
        f"{base}/tavoli/{dati.extra['incontro'].tavolo_id}",
    ]
    return {url: api_get(url, token) for url in urls}


def test_every_public_endpoint_shows_the_public_data_and_nothing_private(api_get, pubblicato):
    risposte = _tutte(api_get, pubblicato)
    assert {r.status_code for r in risposte.values()} == {200}
    tutto = "".join(r.content.decode() for r in risposte.values())
    for valore in PUBBLICI.values():
        if valore != PUBBLICI["testo"]:
            assert valore in tutto
    for privato in PRIVATI:
        assert privato not in tutto, privato


def test_the_approved_plan_lists_its_sections_and_its_pdfs_with_their_fingerprints(
    api_get, pubblicato
):
    dati = api_get(f"/api/v1/ambiti/cremasco/piani/{pubblicato.piano.pk}").json()
    assert dati["pubblico"] is True and dati["stato"] == "approvato"
    assert dati["versione"] == pubblicato.versione.numero
    assert dati["sezioni"] and all(s["titolo"] for s in dati["sezioni"])
    assert dati["pdf"]["sha256"] == pubblicato.render.sha256_pdf
    assert dati["pdf"]["url"].endswith(f"/pubblico/cremasco/piani/{pubblicato.piano.pk}/piano.pdf")
    assert dati["approvato_il"] is not None


def test_the_approved_document_is_the_voted_pdf_and_once_sealed_its_signed_fingerprint(
    api_get, client, sigillo, pubblicato
):
    url = f"/api/v1/ambiti/cremasco/piani/{pubblicato.piano.pk}"
    assert api_get(url).json()["pdf"]["sha256_firmato"] is None
    firmato = firma_pdf_votato(pubblicato.versione.pk)

    dati = api_get(url).json()
    assert dati["pdf"]["sha256"] == pubblicato.render.sha256_pdf
    assert dati["pdf"]["sha256_firmato"] == firmato.sha256_firmato
    # The link serves the signed file, whose fingerprint is the one the API gives.
    scaricato = client.get(dati["pdf"]["url"].removeprefix("http://testserver"))
    contenuto = b"".join(scaricato.streaming_content)
    assert hashlib.sha256(contenuto).hexdigest() == firmato.sha256_firmato
    assert dati["copia_approvata"] is None


def test_an_open_ballot_names_each_comune_s_vote_a_secret_one_never(api_get, pubblicato):
    aperta = api_get(f"/api/v1/ambiti/cremasco/sedute/{pubblicato.seduta.pk}").json()
    (punto,) = aperta["punti"]
    assert {(v["comune"], v["scelta"]) for v in punto["votazione"]["nominali"]} == {
        ("Crema", "favorevole"),
        ("Pandino", "contrario"),
    }
    assert punto["piano_id"] == pubblicato.piano.pk
    segreta = api_get(f"/api/v1/ambiti/cremasco/sedute/{pubblicato.seduta_segreta.pk}")
    (punto,) = segreta.json()["punti"]
    assert punto["votazione"]["segreta"] is True
    assert punto["votazione"]["nominali"] == []
    assert punto["votazione"]["contrari"]["teste"] == 2
    # Nor the people who voted, in either.
    for risposta in (aperta, segreta.json()):
        assert "sindaco" not in str(risposta) and "delegato" not in str(risposta)


def test_the_register_has_no_contact_and_the_comuni_their_population_source(api_get, pubblicato):
    enti = api_get("/api/v1/ambiti/cremasco/enti").json()
    (ente,) = [e for e in enti["items"] if e["denominazione"] == PUBBLICI["ente"]]
    assert set(ente) == {
        "denominazione",
        "tipo",
        "sito_web",
        "aree_policy",
        "aderisce_adp",
        "data_adesione_adp",
    }
    comuni = api_get("/api/v1/ambiti/cremasco/comuni?page_size=200").json()
    assert comuni["count"] == len(comuni["items"]) > 40
    crema = next(c for c in comuni["items"] if c["nome"] == "Crema")
    assert crema["popolazione"] > 0 and crema["popolazione_fonte"]


def test_what_is_not_public_is_not_found(api_get, pubblicato, cremonese):
    from piani.models import Piano

    bozza = Piano.objects.get(ambito=cremonese)
    assert api_get(f"/api/v1/ambiti/cremonese/piani/{bozza.pk}").status_code == 404
    assert api_get(f"/api/v1/ambiti/cremonese/piani/{bozza.pk}/obiettivi").status_code == 404
    assert api_get("/api/v1/ambiti/nessuno").status_code == 404
    # Only the table the Ufficio di Piano made public, with its public meeting and minutes.
    tavoli = api_get("/api/v1/ambiti/cremasco/tavoli").json()["items"]
    assert [t["titolo"] for t in tavoli] == [PUBBLICI["tavolo"]]
    (tavolo,) = tavoli
    dettaglio = api_get(f"/api/v1/ambiti/cremasco/tavoli/{tavolo['id']}").json()
    (aperto,) = [i for i in dettaglio["incontri"] if i["titolo"] == PUBBLICI["incontro"]]
    assert PUBBLICI["verbale"] in aperto["verbale"]


def test_lists_are_paginated(api_get, pubblicato):
    pagina = api_get("/api/v1/ambiti/cremasco/comuni?page=2&page_size=10").json()
    assert len(pagina["items"]) == 10 and pagina["count"] > 20
    assert api_get("/api/v1/ambiti/cremasco/comuni?page=0").status_code == 422


@pytest.mark.parametrize("guasto", ["sbagliato", "revocato", "scaduto", "disattivato"])
def test_a_wrong_revoked_or_expired_token_is_refused_with_401(
    api_get, token_di, ufficio_piano_crema, guasto
):
    segreto = token_di(ufficio_piano_crema)
    token = TokenPersonale.objects.get()
    if guasto == "sbagliato":
        segreto += "x"
    elif guasto == "revocato":
        TokenPersonale.objects.update(revocato_il=timezone.now())
    elif guasto == "scaduto":
        TokenPersonale.objects.update(scade_il=timezone.now() - timedelta(minutes=1))
    else:
        type(ufficio_piano_crema).objects.filter(pk=ufficio_piano_crema.pk).update(is_active=False)
    risposta = api_get("/api/v1/ambiti", segreto)
    assert risposta.status_code == 401
    token.refresh_from_db()
    assert token.usato_il is None


def test_a_valid_token_records_its_use(api_get, token_di, ufficio_piano_crema):
    segreto = token_di(ufficio_piano_crema)
    assert api_get("/api/v1/ambiti", segreto).status_code == 200
    assert TokenPersonale.objects.get().usato_il is not None


def test_too_many_requests_get_429_with_retry_after(
    api_get, token_di, settings, cremasco, sindaco_crema
):
    settings.API_LIMITI = {"anonimo": "3/m", "token": "5/m"}
    stati = [api_get("/api/v1/ambiti").status_code for _ in range(4)]
    assert stati == [200, 200, 200, 429]
    risposta = api_get("/api/v1/ambiti")
    assert risposta.status_code == 429 and 0 < int(risposta["Retry-After"]) <= 60
    # A token has its own, larger allowance.
    segreto = token_di(sindaco_crema)
    assert [api_get("/api/v1/ambiti", segreto).status_code for _ in range(6)] == [200] * 5 + [429]


def test_the_openapi_document_describes_every_operation(client):
    documento = client.get("/api/v1/openapi.json").json()
    assert documento["openapi"].startswith("3.")
    assert "/api/v1/ambiti/{slug}/piani/{pk}" in documento["paths"]
    # No interactive page: it would need scripts the CSP does not allow.
    assert client.get("/api/v1/docs").status_code == 404
