"""From a phone, the Ufficio di Piano publishes a table, its meeting and the approved minutes; a
citizen then reads them on the public pages. Both pages pass axe-core and fit the screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tavoli.models import Incontro
from tests.browser_fixtures import accedi, descrivi_violazioni_axe, violazioni_axe
from tests.conftest import PASSWORD
from tests.factories import IncontroFactory, TavoloFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VERBALE = "Il tavolo propone uno sportello per i caregiver."


def _controlla(page):
    larghezze = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert larghezze[0] <= larghezze[1], (page.url, larghezze)
    violazioni = violazioni_axe(page)
    assert not violazioni, f"{page.url}\n{descrivi_violazioni_axe(violazioni)}"


@pytest.mark.parametrize("larghezza", [390, 320])
def test_l_ufficio_di_piano_pubblica_e_il_cittadino_legge(
    nuovo_contesto, cremasco, ufficio_piano_crema, larghezza
):
    tavolo = TavoloFactory(ambito=cremasco, titolo="Caregiver familiari")
    incontro = IncontroFactory(
        tavolo=tavolo,
        titolo="Incontro sui caregiver",
        stato=Incontro.Stato.APPROVATO,
        verbale=VERBALE,
        testo_approvato=VERBALE,
    )
    contesto = nuovo_contesto(viewport={"width": larghezza, "height": 800})
    contesto.set_default_timeout(15_000)
    page = contesto.new_page()
    accedi(page, ufficio_piano_crema.username, PASSWORD)

    page.goto(reverse("tavoli:dettaglio", args=["cremasco", tavolo.pk]))
    page.get_by_role("button", name="Pubblica il tavolo").click()
    expect(page.get_by_test_id("pubblicazione-tavolo")).to_contain_text("pubblico")
    _controlla(page)

    page.goto(reverse("tavoli:incontro", args=["cremasco", tavolo.pk, incontro.pk]))
    page.get_by_role("button", name="Pubblica l'incontro").click()
    page.get_by_role("button", name="Pubblica il verbale").click()
    expect(page.get_by_role("button", name="Ritira il verbale")).to_be_visible()
    _controlla(page)

    cittadino = nuovo_contesto(viewport={"width": larghezza, "height": 800}).new_page()
    cittadino.goto(reverse("pubblico:tavoli", args=["cremasco"]))
    cittadino.get_by_role("link", name="Incontro sui caregiver").click()
    expect(cittadino.get_by_test_id("verbale")).to_have_text(VERBALE)
    _controlla(cittadino)
