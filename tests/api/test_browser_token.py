"""On a phone, a sindaca creates an API token from her profile, copies it, and revokes it; the
page fits 390 and 320 px and is axe-clean."""

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import accedi, descrivi_violazioni_axe, violazioni_axe
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sta_nello_schermo(page):
    larghezza = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert larghezza[0] <= larghezza[1], larghezza


def _pulita(page):
    violazioni = violazioni_axe(page)
    assert not violazioni, descrivi_violazioni_axe(violazioni)


@pytest.mark.parametrize("larghezza", [390, 320])
def test_un_token_dal_telefono(nuovo_contesto, sindaco_crema, larghezza):
    contesto = nuovo_contesto(viewport={"width": larghezza, "height": 800})
    contesto.set_default_timeout(15_000)
    page = contesto.new_page()
    accedi(page, sindaco_crema.username, PASSWORD)
    page.goto("/account/profilo/")
    page.get_by_test_id("link-token").click()
    expect(page.get_by_role("heading", name="Token per l'API")).to_be_visible()
    _sta_nello_schermo(page)
    _pulita(page)
    page.get_by_label("Nome").fill("Foglio del monitoraggio")
    page.get_by_label("Validità").select_option(label="un anno")
    page.get_by_role("button", name="Crea il token").click()
    nuovo = page.get_by_test_id("token-nuovo")
    expect(nuovo).to_contain_text("pdz_")
    _sta_nello_schermo(page)
    _pulita(page)
    page.get_by_role("button", name="Revoca «Foglio del monitoraggio»").click()
    expect(page.get_by_text("Token «Foglio del monitoraggio» revocato.")).to_be_visible()
    expect(page.get_by_test_id("elenco-token")).to_contain_text("Revocato")
    expect(page.get_by_test_id("token-nuovo")).to_have_count(0)
