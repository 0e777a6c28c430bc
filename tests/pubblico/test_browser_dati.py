"""A citizen finds the open data from a phone: at 390 and 320 px the page of datasets fits the
screen, axe-core finds nothing against WCAG 2.1 AA, and a download starts without a cookie."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pubblico import dati
from tests.browser_fixtures import descrivi_violazioni_axe, violazioni_axe

from .test_browser_pubblico import SPORGENTI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("larghezza", [390, 320])
def test_dati_aperti_dal_telefono(nuovo_contesto, pubblicato, larghezza):
    contesto = nuovo_contesto(viewport={"width": larghezza, "height": 800})
    contesto.set_default_timeout(15_000)
    page = contesto.new_page()
    page.goto(reverse("pubblico:ambito", args=["cremasco"]))
    page.get_by_role("main").get_by_role("link", name="Dati aperti").click()
    expect(page.locator("h1")).to_have_text("Dati aperti")
    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_count(
        len(dati.DATASET)
    )
    larghezze = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert larghezze[0] <= larghezze[1], (larghezze, page.evaluate(SPORGENTI))
    violazioni = violazioni_axe(page)
    assert not violazioni, descrivi_violazioni_axe(violazioni)
    with page.expect_download() as scaricamento:
        page.get_by_role("link", name="ODS — Risorse per obiettivo, fondo e anno").click()
    assert scaricamento.value.suggested_filename == "cremasco-risorse.ods"
    assert contesto.cookies() == []
