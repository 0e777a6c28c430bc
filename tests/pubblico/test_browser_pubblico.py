"""A citizen reads the public pages from a phone: at 390 and 320 px every page fits the screen
and axe-core finds nothing against WCAG 2.1 AA, with the body's name and logo in the header."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser_fixtures import descrivi_violazioni_axe, violazioni_axe

from .conftest import pdf_completato
from .test_accesso_pubblico import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# What sticks out of the screen, to say which element widened the page.
SPORGENTI = """() => [...document.querySelectorAll("*")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map((e) => `${e.tagName}.${e.className}`).slice(0, 10)"""


def _pagine(dati):
    piano = dati.piano.pk
    incontro = dati.extra["incontro"]
    return [
        reverse("pubblico:indice"),
        reverse("pubblico:ambito", args=["cremasco"]),
        reverse("pubblico:piano", args=["cremasco", piano]),
        reverse("pubblico:obiettivi", args=["cremasco", piano]),
        reverse("pubblico:registro", args=["cremasco"]),
        reverse("pubblico:sedute", args=["cremasco"]),
        reverse("pubblico:seduta", args=["cremasco", dati.seduta.pk]),
        reverse("pubblico:seduta", args=["cremasco", dati.seduta_segreta.pk]),
        reverse("pubblico:tavoli", args=["cremasco"]),
        reverse("pubblico:incontro-tavolo", args=["cremasco", incontro.tavolo_id, incontro.pk]),
        reverse("pubblico:accessibilita", args=["cremasco"]),
        reverse("pubblico:privacy", args=["cremasco"]),
        reverse("pubblico:note-legali", args=["cremasco"]),
        reverse("pubblico:cookie", args=["cremasco"]),
    ]


@pytest.mark.parametrize("larghezza", [390, 320])
def test_pagine_pubbliche_dal_telefono(nuovo_contesto, pubblicato, larghezza):
    ambito = pubblicato.ambito
    ambito.gestore_sito = "Comune di Crema — Ufficio di Piano"
    ambito.indirizzo_gestore = "Piazza Duomo 25, 26013 Crema"
    ambito.email_ufficio_piano = "ufficio.piano@comune.crema.example.org"
    ambito.logo.save("logo.png", ContentFile(PNG), save=False)
    ambito.save()
    # The copy printed after the vote: the page then lists it next to the voted one.
    pdf_completato(pubblicato.versione, None)
    contesto = nuovo_contesto(viewport={"width": larghezza, "height": 800})
    contesto.set_default_timeout(15_000)
    page = contesto.new_page()
    for url in _pagine(pubblicato):
        page.goto(url)
        expect(page.locator("h1")).to_have_count(1)
        larghezze = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        larghi = page.evaluate(SPORGENTI)
        assert larghezze[0] <= larghezze[1], (url, larghezze, larghi)
        violazioni = violazioni_axe(page)
        assert not violazioni, f"{url}\n{descrivi_violazioni_axe(violazioni)}"
    page.goto(reverse("pubblico:ambito", args=["cremasco"]))
    expect(page.get_by_test_id("gestore")).to_have_text("Comune di Crema — Ufficio di Piano")
    expect(page.get_by_role("img", name="Logo: Comune di Crema — Ufficio di Piano")).to_be_visible()
    assert contesto.cookies() == []
