"""Taking a member off a table renews the calendar address, and the page shows the new one at once."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tavoli.models import Membro, Tavolo
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD
from tests.factories import TavoloFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_togliendo_un_membro_la_pagina_mostra_il_nuovo_indirizzo(
    page, cremasco, ufficio_piano_crema
):
    tavolo = TavoloFactory(ambito=cremasco, titolo="Fragilità")
    Membro.objects.create(tavolo=tavolo, nome="Maria Rossi")
    vecchio = tavolo.token_calendario
    accedi(page, "up_crema", PASSWORD)
    page.goto(reverse("tavoli:dettaglio", args=[cremasco.slug, tavolo.pk]))
    page.evaluate("window.__stessaPagina = true")
    link = page.get_by_test_id("url-calendario")
    expect(link).to_have_attribute(
        "href", f"{page.url.split('/ambiti')[0]}/calendario/tavolo/{vecchio}.ics"
    )

    page.get_by_role("button", name="Togli Maria Rossi").click()

    expect(page.locator("#membri")).to_contain_text(
        "Il calendario del tavolo ha un nuovo indirizzo"
    )
    nuovo = Tavolo.objects.get(pk=tavolo.pk).token_calendario
    assert nuovo != vecchio
    expect(page.get_by_test_id("url-calendario")).to_have_attribute(
        "href", f"{page.url.split('/ambiti')[0]}/calendario/tavolo/{nuovo}.ics"
    )
    assert page.evaluate("window.__stessaPagina") is True, "la pagina è stata ricaricata"
    assert page.request.get(f"/calendario/tavolo/{vecchio}.ics").status == 404
    assert page.request.get(f"/calendario/tavolo/{nuovo}.ics").status == 200
