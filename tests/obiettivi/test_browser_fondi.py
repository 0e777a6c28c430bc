"""The Cremasco Ufficio di Piano enters the FNPS available for 2025, then an action that goes
past its objective, on a phone: the pages fit 390 and 320 px and pass axe-core."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from obiettivi.demo import carica_fondi
from obiettivi.models import Azione, Disponibilita
from tests.browser_fixtures import accedi, descrivi_violazioni_axe, violazioni_axe
from tests.conftest import PASSWORD
from tests.factories import ObiettivoFactory, RisorsaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sta_nello_schermo(page):
    for larghezza in (390, 320):
        page.set_viewport_size({"width": larghezza, "height": 800})
        pagina = page.evaluate("() => document.documentElement.scrollWidth")
        assert pagina <= larghezza, f"{page.url} a {larghezza} px: larga {pagina} px"
    violazioni = violazioni_axe(page)
    assert not violazioni, descrivi_violazioni_axe(violazioni)


def test_disponibilita_e_azione_oltre_l_obiettivo(page, cremasco, ufficio_piano_crema):
    fnps = carica_fondi()[0]
    obiettivo = ObiettivoFactory(ambito=cremasco, codice="1.1", titolo="Domiciliarità")
    RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=fnps, importo=Decimal("1000.00"))
    page.set_viewport_size({"width": 390, "height": 800})
    accedi(page, "up_crema", PASSWORD)

    page.goto("/ambiti/cremasco/obiettivi/")
    page.get_by_role("link", name="Inserisci le risorse disponibili").click()
    _sta_nello_schermo(page)
    page.get_by_label("FNPS 2025: importo disponibile").fill("900,00")
    page.get_by_label("FNPS 2025: atto di assegnazione").fill("Decreto di riparto")
    page.get_by_role("button", name="Salva le risorse disponibili").click()
    expect(page.get_by_test_id("eccedenza")).to_contain_text("Oltre di € 100,00")
    _sta_nello_schermo(page)
    assert Disponibilita.objects.get().importo == Decimal("900.00")

    page.goto(f"/ambiti/cremasco/obiettivi/{obiettivo.pk}/azioni/nuova/")
    page.get_by_label("Descrizione").fill("Trasporto sociale")
    page.get_by_label("Altro responsabile").fill("Ufficio di Piano")
    page.get_by_label("FNPS 2025", exact=True).fill("1.000,01")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_test_id("conferma-eccedenza")).to_contain_text("FNPS 2025 di € 0,01")
    _sta_nello_schermo(page)
    assert not Azione.objects.exists()
    # Bootstrap Italia draws the checkbox with its label, which takes the click.
    page.get_by_text("Confermo: le azioni superano le risorse dell'obiettivo", exact=True).click()
    expect(
        page.get_by_label("Confermo: le azioni superano le risorse dell'obiettivo")
    ).to_be_checked()
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_test_id("avviso-azioni")).to_be_visible()
    _sta_nello_schermo(page)
    assert Azione.objects.get().risorse_assegnate == Decimal("1000.01")
