"""On a phone and without an account, an ente asks to join the Cremasco's register: it fixes the
tax code the form refused, sends the request, opens the link of the e-mail and confirms it; the
Ufficio di Piano finds it from the dashboard, is told a refusal needs a reason, and accepts it.
The pages fit 390 px (the ente's also 320 px) and are axe-clean; the honeypot stays out of sight."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from ambiti.models import AreaPolicy, Candidatura
from tests.browser_fixtures import accedi, descrivi_violazioni_axe, violazioni_axe
from tests.conftest import PASSWORD
from tests.factories import CandidaturaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sta_nello_schermo(page):
    larghezza = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert larghezza[0] <= larghezza[1], larghezza


def _pulita(page):
    violazioni = violazioni_axe(page)
    assert not violazioni, descrivi_violazioni_axe(violazioni)


@pytest.mark.parametrize("larghezza", [390, 320])
def test_un_ente_chiede_l_adesione_dal_telefono(nuovo_contesto, cremasco, live_server, larghezza):
    cache.clear()
    contesto = nuovo_contesto(viewport={"width": larghezza, "height": 800})
    contesto.set_default_timeout(15_000)
    page = contesto.new_page()
    page.goto("/pubblico/cremasco/aderisci/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Manifestazione di interesse")
    expect(page.get_by_label("Non compilare questo campo")).not_to_be_in_viewport()
    _sta_nello_schermo(page)
    _pulita(page)

    page.get_by_label("Denominazione").fill("Associazione Amici del Serio")
    page.get_by_label("Tipo di ente").select_option(label="Organizzazione di volontariato (ODV)")
    page.get_by_label("Codice fiscale dell'ente").fill("91234500197")
    page.get_by_label("E-mail di contatto").fill("amici@example.org")
    # Bootstrap Italia draws the checkbox on its label: a person clicks the label.
    page.locator("label", has_text="Politiche abitative").click()
    page.locator("label", has_text="Dichiaro che l'ente è iscritto").click()
    page.get_by_role("button", name="Invia la richiesta").click()

    campo = page.get_by_label("Codice fiscale dell'ente")
    expect(campo).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#div_id_codice_fiscale")).to_contain_text("cifra di controllo")
    expect(page.locator("#div_id_consenso_privacy")).to_contain_text("informativa")
    expect(page.get_by_label("Denominazione")).to_have_value("Associazione Amici del Serio")
    _sta_nello_schermo(page)
    _pulita(page)
    assert not Candidatura.objects.exists()

    campo.fill("91234500196")
    page.locator("label", has_text="Ho letto l'informativa").click()
    page.get_by_role("button", name="Invia la richiesta").click()
    expect(page.get_by_test_id("richiesta-inviata")).to_be_visible()
    _sta_nello_schermo(page)
    _pulita(page)

    [messaggio] = mail.outbox
    link = re.search(r"http://\S+/conferma/\S+/", messaggio.body).group(0)
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(page.get_by_role("main")).to_contain_text("Associazione Amici del Serio")
    _sta_nello_schermo(page)
    _pulita(page)
    page.get_by_role("button", name="Conferma e invia la richiesta").click()
    expect(page.get_by_test_id("esito")).to_contain_text("inviata all'Ufficio di Piano")
    _pulita(page)

    candidatura = Candidatura.objects.get()
    assert candidatura.stato == Candidatura.Stato.DA_ESAMINARE
    assert [a.nome for a in candidatura.aree_policy.all()] == ["Politiche abitative"]


def test_l_ufficio_di_piano_accoglie_dal_telefono(
    nuovo_contesto, cremasco, ufficio_piano_crema, territorio
):
    CandidaturaFactory(
        ambito=cremasco,
        aree_policy=list(AreaPolicy.objects.correnti().filter(nome="Politiche abitative")),
    )
    contesto = nuovo_contesto(viewport={"width": 390, "height": 800})
    contesto.set_default_timeout(15_000)
    page = contesto.new_page()
    accedi(page, ufficio_piano_crema.username, PASSWORD)
    page.get_by_test_id("candidature-in-esame").click()
    expect(page.get_by_test_id("scheda-da_esaminare")).to_have_text("Da esaminare (1)")
    _sta_nello_schermo(page)
    _pulita(page)
    page.get_by_role("link", name="Associazione Amici del Serio").click()

    page.get_by_role("button", name="Respingi la richiesta").click()
    expect(page.locator("#div_id_motivo")).to_contain_text("Scrivi il motivo del rifiuto")
    _sta_nello_schermo(page)
    _pulita(page)

    page.get_by_role("button", name="Accogli e iscrivi al registro").click()
    expect(page.get_by_role("alert")).to_contain_text("Richiesta accolta")
    expect(page.get_by_role("heading", level=1)).to_have_text("Associazione Amici del Serio")
    expect(page.get_by_role("main")).to_contain_text("Politiche abitative")
    assert [m.to for m in mail.outbox] == [["amici@example.org"]]
