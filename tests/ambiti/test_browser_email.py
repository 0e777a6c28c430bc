"""On a phone, the Ufficio di Piano finds a convocation that did not go out in the ambito's
e-mail log, sends it again with "Riprova" and sees it sent; the sindaco chooses her reminders.
Both pages fit 390 and 320 px and are axe-clean."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as Locmem
from playwright.sync_api import expect

from core import posta
from tests.browser_fixtures import accedi, descrivi_violazioni_axe, violazioni_axe
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Rifiuta(Locmem):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Server di posta irraggiungibile")


def _sta_nello_schermo(page):
    larghezza = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert larghezza[0] <= larghezza[1], larghezza


def _pulita(page):
    violazioni = violazioni_axe(page)
    assert not violazioni, descrivi_violazioni_axe(violazioni)


@pytest.mark.parametrize("larghezza", [390, 320])
def test_riprova_dal_telefono(nuovo_contesto, cremasco, ufficio_piano_crema, settings, larghezza):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": f"{__name__}.Rifiuta"}}
    posta.invia(
        [posta.messaggio("Convocazione dell'Assemblea", "Testo", "sindaco@example.org")],
        ambito_id=cremasco.pk,
    )
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    contesto = nuovo_contesto(viewport={"width": larghezza, "height": 800})
    contesto.set_default_timeout(15_000)
    page = contesto.new_page()
    accedi(page, ufficio_piano_crema.username, PASSWORD)
    page.goto("/ambiti/cremasco/email/")
    riga = page.get_by_test_id("email")
    expect(riga).to_have_attribute("data-stato", "non_riuscita")
    expect(riga).to_contain_text("Server di posta irraggiungibile")
    _sta_nello_schermo(page)
    _pulita(page)
    riga.get_by_role("button", name="Riprova").click()
    expect(page.get_by_text("Messaggio inviato.")).to_be_visible()
    expect(page.get_by_test_id("email")).to_have_attribute("data-stato", "inviata")


def test_le_preferenze_dal_telefono(nuovo_contesto, sindaco_crema):
    contesto = nuovo_contesto(viewport={"width": 320, "height": 800})
    contesto.set_default_timeout(15_000)
    page = contesto.new_page()
    accedi(page, sindaco_crema.username, PASSWORD)
    page.goto("/account/profilo/")
    page.get_by_role("link", name="Scegli quali promemoria ricevere e quando").click()
    gruppo = page.get_by_test_id("preferenza-promemoria_incontro")
    # Bootstrap Italia draws the radio on its label: a person clicks the label.
    gruppo.locator("label", has_text="Nel riepilogo giornaliero").click()
    expect(gruppo.get_by_label("Nel riepilogo giornaliero")).to_be_checked()
    _sta_nello_schermo(page)
    _pulita(page)
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Preferenze delle notifiche salvate.")).to_be_visible()
    expect(
        page.get_by_test_id("preferenza-promemoria_incontro").get_by_label(
            "Nel riepilogo giornaliero"
        )
    ).to_be_checked()
    expect(page.get_by_test_id("preferenza-convocazioni")).to_contain_text("Sempre")
