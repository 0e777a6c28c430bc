"""The Ufficio di Piano of Cremasco filters its comuni and registers an ente, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from ambiti.models import Iscrizione
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ufficio_di_piano_filtra_i_comuni_e_iscrive_un_ente(page, ufficio_piano_crema):
    accedi(page, "up_crema", PASSWORD)
    expect(page).to_have_url(re.compile(r"/ambiti/cremasco/$"))
    expect(page.get_by_test_id("numero-comuni")).to_have_text("48")

    page.get_by_role("link", name="Comuni", exact=True).click()
    expect(page.get_by_test_id("conteggio")).to_contain_text("48 comuni")
    page.evaluate("window.__stessaPagina = true")
    page.get_by_label("Cerca").fill("pand")
    expect(page.get_by_test_id("conteggio")).to_contain_text("1 comune, 9.022 residenti")
    expect(page.locator("#risultati tbody tr")).to_have_count(1)
    expect(page.locator("#risultati tbody")).to_contain_text("019067")
    assert page.evaluate("window.__stessaPagina") is True, "la pagina è stata ricaricata"
    expect(page).to_have_url(re.compile(r"q=pand"))

    page.get_by_label("Cerca").fill("")
    page.get_by_label("Ordina per").select_option(label="Popolazione (decrescente)")
    expect(page.locator("#risultati tbody tr").first).to_contain_text("Crema")

    page.get_by_role("link", name="Gestione registro enti").click()
    page.get_by_role("link", name="Iscrivi un ente").first.click()
    page.get_by_label("Denominazione").fill("Associazione Amici del Serio")
    page.get_by_label("Tipo di ente").select_option(label="Organizzazione di volontariato (ODV)")
    page.get_by_label("Codice fiscale").fill("91234500197")
    page.get_by_text("Politiche abitative").check()
    page.get_by_role("button", name="Salva").click()

    errore = page.locator("#error_1_id_ente-codice_fiscale")
    expect(errore).to_contain_text("Codice fiscale non valido")
    expect(page.get_by_label("Codice fiscale")).to_have_class(re.compile("is-invalid"))
    expect(page.get_by_label("Denominazione")).to_have_value("Associazione Amici del Serio")
    assert not Iscrizione.objects.filter(ente__denominazione__contains="Serio").exists()

    page.get_by_label("Codice fiscale").fill("91234500196")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Associazione Amici del Serio")
    expect(page.locator("main")).to_contain_text("Politiche abitative")
    expect(page.get_by_role("alert")).to_contain_text("Ente iscritto al registro")

    iscrizione = Iscrizione.objects.get(ente__codice_fiscale="91234500196")
    assert iscrizione.ambito.slug == "cremasco"

    risposta = page.goto("/ambiti/cremonese/registro/")
    assert risposta.status == 404


def test_ufficio_di_piano_collega_un_ente_del_cremonese_senza_vederne_i_recapiti(
    page, ufficio_piano_crema, iscrizione_cremona
):
    ente = iscrizione_cremona.ente
    ente.email, ente.telefono = "riservata@larete.example.org", "0372 998877"
    ente.save()
    accedi(page, "up_crema", PASSWORD)
    page.goto("/ambiti/cremasco/registro/nuovo/")
    page.get_by_label("Denominazione").fill("La Rete")
    page.get_by_label("Tipo di ente").select_option(label="Organizzazione di volontariato (ODV)")
    page.get_by_label("Codice fiscale").fill(ente.codice_fiscale)
    page.get_by_role("button", name="Salva").click()

    avviso = page.get_by_test_id("ente-esistente")
    expect(avviso).to_contain_text("Cooperativa La Rete")
    expect(page.locator("main")).not_to_contain_text("riservata@larete.example.org")
    expect(page.locator("main")).not_to_contain_text("0372 998877")
    page.get_by_text("Politiche abitative").check()
    avviso.get_by_role("button", name="Collega questo ente al registro dell'ambito").click()

    expect(page.get_by_role("alert")).to_contain_text("Ente collegato al registro dell'ambito")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cooperativa La Rete")
    iscrizione = Iscrizione.objects.get(ambito__slug="cremasco")
    assert iscrizione.ente == ente
    assert [a.nome for a in iscrizione.aree_policy.all()] == ["Politiche abitative"]
