"""The Cremasco Ufficio di Piano turns two accepted proposals into an objective, in a browser."""

import re

import pytest
from playwright.sync_api import expect

from obiettivi.demo import carica_fondi
from obiettivi.models import Obiettivo, ValoreIndicatore
from tavoli.models import Esito
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD
from tests.factories import IncontroFactory, TavoloFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proposte(cremasco, iscrizione_crema):
    carica_fondi()
    incontro = IncontroFactory(
        tavolo=TavoloFactory(ambito=cremasco, titolo="Fragilità"),
        titolo="Lettura dei bisogni",
        luogo="Crema",
    )
    testi = ("Trasporto sociale di ambito", "Albo delle assistenti familiari", "Ancora da valutare")
    return [
        Esito.objects.create(
            incontro=incontro,
            tipo=Esito.Tipo.PROPOSTA,
            testo=testo,
            valutazione=Esito.Valutazione.ACCOLTA if i < 2 else Esito.Valutazione.DA_VALUTARE,
        )
        for i, testo in enumerate(testi)
    ]


def test_obiettivo_dalle_proposte_al_monitoraggio(page, ufficio_piano_crema, proposte):
    accedi(page, "up_crema", PASSWORD)
    page.get_by_role("link", name="Obiettivi", exact=True).click()
    page.get_by_role("link", name="Nuovo obiettivo").click()
    expect(page.get_by_text("Ancora da valutare")).to_have_count(0)
    page.get_by_label("Codice").fill("4.1")
    page.get_by_label("Titolo").fill("Domiciliarità e trasporto")
    page.get_by_text("Domiciliarità e anziani", exact=True).click()
    page.get_by_text("Trasporto sociale di ambito").click()
    page.get_by_text("Albo delle assistenti familiari").click()
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("4.1 Domiciliarità e trasporto")

    for descrizione in ("Servizio di trasporto sociale", "Albo delle assistenti familiari"):
        page.get_by_role("link", name="Aggiungi azione").click()
        page.get_by_label("Descrizione").fill(descrizione)
        page.get_by_label("Altro responsabile").fill("Ufficio di Piano")
        page.get_by_role("button", name="Salva").click()
    expect(page.get_by_test_id("azione")).to_have_count(2)

    page.get_by_role("link", name="Modifica risorse").click()
    for anno in (2025, 2026, 2027):
        page.get_by_label(f"FNPS {anno}").fill("10.000,50")
        page.get_by_label(f"FSR {anno}").fill("2.500")
    page.get_by_role("button", name="Salva le risorse").click()
    expect(page.get_by_test_id("tabella-risorse").get_by_test_id("totale-generale")).to_have_text(
        "€ 37.501,50"
    )

    page.get_by_role("link", name="Aggiungi indicatore").click()
    page.get_by_label("Nome").fill("Anziani trasportati")
    page.get_by_label("Unità di misura").fill("persone")
    page.get_by_label("Valore di partenza", exact=False).first.fill("220")
    page.get_by_label("Anno del valore di partenza").fill("2024")
    for anno, valore in ((2025, "260"), (2026, "300"), (2027, "340")):
        page.get_by_label(f"Valore atteso {anno}").fill(valore)
    page.get_by_role("button", name="Salva").click()
    page.get_by_role("link", name="registra un valore misurato").click()
    page.get_by_label("Anno").select_option("2025")
    page.get_by_label("Valore misurato").fill("258")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_test_id("indicatore")).to_contain_text("258")

    tracciabilita = page.get_by_test_id("tracciabilita")
    for testo in (
        "Fragilità",
        "Lettura dei bisogni",
        "Trasporto sociale di ambito",
        "Albo delle assistenti familiari",
        "2 azioni",
        "1 indicatore",
    ):
        expect(tracciabilita).to_contain_text(testo)

    page.get_by_role("link", name="Obiettivi", exact=True).first.click()
    expect(page.get_by_test_id("risorse-ambito").get_by_test_id("totale-generale")).to_have_text(
        "€ 37.501,50"
    )
    expect(page.get_by_test_id("obiettivo")).to_contain_text("Domiciliarità e trasporto")
    expect(page).to_have_url(re.compile(r"/ambiti/cremasco/obiettivi/$"))

    obiettivo = Obiettivo.objects.get(codice="4.1")
    assert {p.testo for p in obiettivo.proposte.all()} == {
        "Trasporto sociale di ambito",
        "Albo delle assistenti familiari",
    }
    misura = ValoreIndicatore.objects.get(tipo="misura")
    assert (misura.anno, str(misura.valore)) == (2025, "258.00")
