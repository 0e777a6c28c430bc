"""Unsaved minutes kept in the browser belong to one user and leave with her at logout, on a
computer two colleagues share (one Chromium profile, one browser context)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Ruolo
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD
from tests.factories import IncontroFactory, RuoloFactory, TavoloFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TESTO_ANNA = "Appunti riservati di Anna: il Comune di Pandino non aderisce."


@pytest.fixture
def collega(cremasco):
    user = UserFactory(username="operatore_bis", first_name="Bruno", last_name="Neri")
    RuoloFactory(user=user, tipo=Ruolo.Tipo.OPERATORE, ambito=cremasco)
    return user


@pytest.fixture
def incontro(cremasco, operatore_crema, collega):
    tavolo = TavoloFactory(
        ambito=cremasco, titolo="Fragilità", operatori=[operatore_crema, collega]
    )
    return IncontroFactory(tavolo=tavolo, titolo="Primo incontro")


def _url(incontro):
    return reverse(
        "tavoli:incontro",
        kwargs={"slug": incontro.tavolo.ambito.slug, "pk": incontro.tavolo_id, "ipk": incontro.pk},
    )


def _bozze_nel_browser(page):
    return page.evaluate(
        "Object.fromEntries(Object.keys(localStorage)"
        ".filter((k) => k.startsWith('pdz')).map((k) => [k, localStorage.getItem(k)]))"
    )


def _scrivi(page, incontro, testo):
    page.goto(_url(incontro))
    page.get_by_label("Testo del verbale").fill(testo)


def _esci(page):
    page.get_by_role("button", name="Esci").click()
    page.wait_for_url("**/account/accesso/**")


def _nessuna_traccia_di_anna(page, incontro):
    page.goto(_url(incontro))
    expect(page.get_by_label("Testo del verbale")).to_have_value("")
    expect(page.locator("[data-bozza-locale]")).to_be_hidden()
    assert TESTO_ANNA not in page.content()


def test_la_bozza_e_per_utente_e_sparisce_all_uscita(page, incontro, operatore_crema, collega):
    accedi(page, "operatore_crema", PASSWORD)
    _scrivi(page, incontro, TESTO_ANNA)
    chiave = f"pdz:verbale:{operatore_crema.pk}:{incontro.pk}"
    bozze = _bozze_nel_browser(page)
    assert list(bozze) == [chiave]
    assert TESTO_ANNA in bozze[chiave]

    _esci(page)
    assert _bozze_nel_browser(page) == {}

    accedi(page, "operatore_bis", PASSWORD)
    _nessuna_traccia_di_anna(page, incontro)


def test_l_uscita_da_un_altra_pagina_svuota_comunque_il_browser(page, incontro):
    """Clear-Site-Data on the logout response does it without the page's script."""
    accedi(page, "operatore_crema", PASSWORD)
    _scrivi(page, incontro, TESTO_ANNA)
    page.goto(reverse("accounts:profilo"))
    assert len(_bozze_nel_browser(page)) == 1
    _esci(page)
    assert _bozze_nel_browser(page) == {}


def test_a_sessione_scaduta_la_bozza_torna_solo_alla_sua_autrice(
    page, incontro, operatore_crema, collega
):
    accedi(page, "operatore_crema", PASSWORD)
    _scrivi(page, incontro, TESTO_ANNA)
    # The session ends without a logout (it expired, the tab was closed): the text stays here.
    page.context.clear_cookies()

    accedi(page, "operatore_bis", PASSWORD)
    _nessuna_traccia_di_anna(page, incontro)
    assert list(_bozze_nel_browser(page)) == [f"pdz:verbale:{operatore_crema.pk}:{incontro.pk}"]
    page.context.clear_cookies()

    accedi(page, "operatore_crema", PASSWORD)
    page.goto(_url(incontro))
    banner = page.locator("[data-bozza-locale]")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Ripristinalo").click()
    expect(page.get_by_label("Testo del verbale")).to_have_value(TESTO_ANNA)


def test_le_bozze_senza_utente_di_prima_sono_rimosse(page, incontro):
    """Keys written before they named the user cannot be attributed: they are dropped."""
    accedi(page, "operatore_bis", PASSWORD)
    page.goto(_url(incontro))
    page.evaluate(
        f"localStorage.setItem('pdz-verbale-{incontro.pk}', "
        f"JSON.stringify({{testo: {TESTO_ANNA!r}, versione: '1'}}))"
    )
    _nessuna_traccia_di_anna(page, incontro)
    assert _bozze_nel_browser(page) == {}


def test_dopo_il_salvataggio_nessuna_bozza_non_salvata(page, incontro):
    """The browser sends the textarea with "\\r\\n", the autosave with "\\n": once saved, the
    page reloaded offers no draft to restore."""
    accedi(page, "operatore_crema", PASSWORD)
    _scrivi(page, incontro, "Presenti sei enti.\nSi discute del trasporto sociale.\n\nFine.")
    page.get_by_role("button", name="Salva il verbale").click()
    expect(page.locator("[data-stato-salvataggio]")).to_contain_text("Salvato alle")
    # Longer than the autosave's delay: a late autosave would bring the draft back.
    page.wait_for_timeout(2500)
    page.goto(_url(incontro))
    expect(page.get_by_label("Testo del verbale")).to_have_value(
        "Presenti sei enti.\nSi discute del trasporto sociale.\n\nFine."
    )
    expect(page.locator("[data-testid=bozza-server]")).to_have_count(0)
    expect(page.locator("[data-bozza-locale]")).to_be_hidden()
