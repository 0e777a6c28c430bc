"""The Ufficio di Piano triages a proposal in a real browser: the counters above the table
follow the row, without a reload."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tavoli.models import Esito
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD
from tests.factories import IncontroFactory, TavoloFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_i_contatori_seguono_la_valutazione(page, cremasco, ufficio_piano_crema):
    incontro = IncontroFactory(tavolo=TavoloFactory(ambito=cremasco, titolo="Fragilità"))
    for testo in ("Trasporto sociale di ambito", "Albo delle assistenti familiari"):
        Esito.objects.create(incontro=incontro, tipo=Esito.Tipo.PROPOSTA, testo=testo)
    accedi(page, "up_crema", PASSWORD)
    page.goto(reverse("tavoli:proposte", args=["cremasco"]))
    contatori = page.get_by_test_id("conteggi-proposte")
    expect(contatori).to_contain_text("Da valutare: 2")
    expect(contatori).to_contain_text("Accolta: 0")

    riga = page.get_by_test_id("proposta").filter(has_text="Trasporto sociale")
    riga.get_by_role("button", name="Valuta").click()
    modulo = page.locator("form[hx-post*='/valuta/']")
    modulo.get_by_label("Valutazione").select_option("accolta")
    modulo.get_by_role("button", name="Salva la valutazione").click()

    expect(page.get_by_test_id("valutazione").first).to_be_visible()
    expect(contatori).to_contain_text("Da valutare: 1")
    expect(contatori).to_contain_text("Accolta: 1")
    # The counters were swapped in place: one block, not a second one in the table.
    expect(page.get_by_test_id("conteggi-proposte")).to_have_count(1)
