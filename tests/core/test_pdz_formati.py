"""The number filters of every template ({% load pdz_formati %}), served by core."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation


def _rendi(espressione, **contesto):
    with translation.override("it"):
        return Template("{% load pdz_formati %}" + espressione).render(Context(contesto))


@pytest.mark.parametrize(
    ("filtro", "valore", "atteso"),
    [
        ("euro", Decimal("1234.5"), "€ 1.234,50"),
        ("euro", None, "—"),
        ("percentuale", Decimal("45.5"), "45,5%"),
        ("percentuale", Decimal("100.0"), "100%"),
        ("percentuale", "", "—"),
        ("numero", Decimal("12000.250"), "12.000,25"),
        ("numero", Decimal("3"), "3"),
        ("numero", None, "—"),
    ],
)
def test_filtri(filtro, valore, atteso):
    assert _rendi(f"{{{{ v|{filtro} }}}}", v=valore) == atteso


def test_valore_mancante_da_un_lookup():
    assert _rendi("{{ assente.campo|euro }}") == "—"
