"""The secretary ticks the comuni present in the room and records them in one go."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ambiti.models import Comune
from assemblea import services
from assemblea.models import Presenza, RegolaVoto, Seduta
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_presenze_in_sala_di_molti_comuni(page, cremasco, ufficio_piano_crema, sindaco_crema):
    services.nuova_regola(RegolaVoto(ambito=cremasco, peso=RegolaVoto.Peso.UNO), utente=None)
    seduta = Seduta.objects.create(
        ambito=cremasco,
        titolo="Seduta in sala",
        modalita=Seduta.Modalita.PRESENZA,
        luogo="Sala degli Ostaggi",
        prima_convocazione=timezone.now() + timedelta(hours=1),
    )
    accedi(page, "up_crema", PASSWORD)
    page.goto(f"/ambiti/cremasco/assemblea/sedute/{seduta.pk}/presenze/")
    modulo = page.get_by_test_id("form-presenza")
    offanengo = Comune.objects.get(nome="Offanengo")

    # Offanengo has no sindaco on record: without a name nothing is recorded, the row says why.
    modulo.get_by_label("Crema presente in sala").check()
    modulo.get_by_label("Offanengo presente in sala").check()
    modulo.get_by_role("button", name="Registra le presenze").click()
    expect(page.get_by_test_id("errori-presenze")).to_be_visible()
    expect(page.locator(f"#id_persona_{offanengo.pk}-errore")).to_contain_text(
        "indica il nome di chi è presente"
    )
    assert not Presenza.objects.exists()

    page.get_by_label("Nome e cognome, per Offanengo").fill("Gianni Rossoni")
    page.get_by_role("button", name="Registra le presenze").click()
    expect(page.get_by_test_id("presenze-registrate")).to_contain_text("Offanengo, Gianni Rossoni")
    for nome in ("Crema", "Offanengo"):
        riga = page.locator(f'[data-testid="riga-presenza"][data-comune="{nome}"]')
        expect(riga).to_have_attribute("data-presente", "si")
    expect(page.get_by_test_id("conteggi")).to_contain_text("2 comuni su 48")
    assert set(Presenza.objects.values_list("persona", flat=True)) == {
        sindaco_crema.get_full_name(),
        "Gianni Rossoni",
    }
