"""The demo's budget: objectives with amounts of their own, the ambiti's available funds, one
fund over-allocated for the overview to flag, the actions within their objectives."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from ambiti.demo import carica_periodo
from obiettivi.calcoli import riconcilia_azioni
from obiettivi.models import Disponibilita, Fondo, Obiettivo, RisorsaAzione
from tests.utils.html import trova


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    return carica_periodo()


def test_gli_obiettivi_hanno_importi_diversi(demo):
    obiettivi = list(Obiettivo.objects.filter(periodo=demo).prefetch_related("risorse"))
    totali = [o.totale_risorse for o in obiettivi]
    assert len(obiettivi) == 16
    assert len(set(totali)) == len(totali)
    importi = {r.importo for o in obiettivi for r in o.risorse.all()}
    assert len(importi) > 50


def test_il_fondo_poverta_del_cremasco_nel_2026_e_scoperto(demo, client):
    """FP 2026 of the Cremasco: 1.1 has 62.400,00 × 0,96 × 1,035 = 62.000,64 and 6.1 has
    27.400,00 × 0,96 × 1,035 = 27.224,64, so 89.225,28 allocated; 95% of it rounded up to the
    hundred is 84.800,00 available, 4.425,28 short."""
    fp = Fondo.objects.get(sigla="FP")
    disponibile = Disponibilita.objects.get(ambito__slug="cremasco", fondo=fp, anno=2026)
    assert disponibile.importo == Decimal("84800.00")
    client.force_login(User.objects.get(username="up.cremasco"))
    risposta = client.get(reverse("obiettivi:panoramica", args=["cremasco"]))
    cella = risposta.context["riconciliazione"].cella(2026, fp)
    assert (cella.impegnato, cella.eccedenza) == (Decimal("89225.28"), Decimal("4425.28"))
    assert [e[:2] for e in risposta.context["riconciliazione"].eccedenze()] == [(fp, 2026)]
    assert len(trova(risposta, "tr", data_testid="eccedenza")) == 1


def test_ogni_ambito_ha_le_sue_disponibilita_e_le_azioni_stanno_negli_obiettivi(demo):
    assert set(Disponibilita.objects.values_list("ambito__slug", flat=True)) == {
        "cremasco",
        "cremonese",
        "oglio-po",
    }
    fondi = list(Fondo.objects.all())
    for obiettivo in Obiettivo.objects.filter(periodo=demo).prefetch_related("risorse", "azioni"):
        righe = RisorsaAzione.objects.filter(azione__obiettivo=obiettivo)
        assert righe.exists()
        assert riconcilia_azioni(obiettivo.risorse.all(), righe, {}, fondi=fondi).eccedenze() == []
        for azione in obiettivo.azioni.all():
            assert azione.risorse_assegnate == sum(r.importo for r in azione.risorse.all())
