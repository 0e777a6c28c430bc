"""On a 390 px phone: the Ufficio di Piano's first password login asks to set up the app; she
scans (here: reads) the key, confirms a code, keeps her recovery codes; the next login asks for
a code. Every page is axe-clean and keeps its Content-Security-Policy."""

from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from tests.browser_fixtures import accedi, descrivi_violazioni_axe, violazioni_axe
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TELEFONO = {"width": 390, "height": 844}


def _pulita(page):
    violazioni = violazioni_axe(page)
    assert not violazioni, page.url + "\n" + descrivi_violazioni_axe(violazioni)
    larghezza = page.evaluate("() => document.documentElement.scrollWidth")
    assert larghezza <= TELEFONO["width"], f"{page.url}: {larghezza} px"


def test_attivazione_e_verifica_al_telefono(page, settings, ufficio_piano_crema):
    settings.PDZ_SECONDO_FATTORE_OBBLIGATORIO = True
    page.set_viewport_size(TELEFONO)
    accedi(page, "up_crema", PASSWORD)
    page.wait_for_url("**/account/sicurezza/**")
    page.get_by_role("img", name="Codice QR da inquadrare con l'app di autenticazione").wait_for()
    _pulita(page)

    segreto = page.get_by_test_id("segreto").inner_text().replace(" ", "")
    chiave = b32decode(segreto + "=" * (-len(segreto) % 8))
    page.get_by_label("Codice di 6 cifre mostrato dall'app").fill(f"{TOTP(chiave).token():06d}")
    page.get_by_role("button", name="Attiva il secondo fattore").click()
    page.get_by_test_id("codici-recupero").wait_for()
    assert page.get_by_test_id("codici-recupero").locator("li").count() == 10
    _pulita(page)
    page.get_by_role("link", name="Li ho conservati, continua").click()
    page.wait_for_url(f"**{reverse('cruscotto', args=['cremasco'])}")

    page.context.clear_cookies()
    accedi(page, "up_crema", PASSWORD)
    page.wait_for_url("**/account/verifica/**")
    campo = page.get_by_label("Codice")
    campo.wait_for()
    _pulita(page)
    # The code of the next step: the one typed at set-up may not be used twice.
    campo.fill(f"{TOTP(chiave, drift=1).token():06d}")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"**{reverse('cruscotto', args=['cremasco'])}")
