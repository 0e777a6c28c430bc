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


# --- Dates: Django's named formats, names in lowercase ------------------------------------------


def test_date_con_i_formati_del_progetto(settings):
    import datetime

    from django.utils import timezone

    settings.TIME_ZONE = "Europe/Rome"
    momento = timezone.make_aware(datetime.datetime(2026, 3, 3, 14, 5))
    assert _rendi("{{ d|data }}", d=momento) == "3 marzo 2026"
    assert _rendi('{{ d|data:"DATETIME_FORMAT" }}', d=momento) == "martedì 3 marzo 2026, 14:05"
    assert _rendi('{{ d|data:"SHORT_DATETIME_FORMAT" }}', d=momento) == "03/03/2026 14:05"
    assert _rendi('{{ d|data:"SHORT_DATE_FORMAT" }}', d=momento.date()) == "03/03/2026"
    assert _rendi('{{ d|data:"YEAR_MONTH_FORMAT" }}', d=momento.date()) == "marzo 2026"
    # In the local time: 23:30 UTC of the 3rd is already the 4th in Rome.
    tardi = datetime.datetime(2026, 3, 3, 23, 30, tzinfo=datetime.UTC)
    assert _rendi('{{ d|data:"SHORT_DATETIME_FORMAT" }}', d=tardi) == "04/03/2026 00:30"
    assert _rendi("{{ d|data }}", d=None) == ""
    assert _rendi("{{ d|giorno }}", d=momento) == "martedì 3 marzo 2026"


def test_le_date_ricordate_seguono_fuso_e_lingua():
    """`data` keeps what it has formatted (issue 16): the same moment in another zone, a date
    equal to a moment, another language must still come out as their own."""
    import datetime
    import zoneinfo

    from django.utils import timezone
    from django.utils.formats import date_format

    momento = datetime.datetime(2026, 3, 3, 23, 30, tzinfo=datetime.UTC)
    formato = '{{ d|data:"SHORT_DATETIME_FORMAT" }}'
    with timezone.override(zoneinfo.ZoneInfo("Europe/Rome")):
        assert _rendi(formato, d=momento) == "04/03/2026 00:30"
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        assert _rendi(formato, d=momento) == "03/03/2026 18:30"
    giorno = datetime.date(2026, 3, 3)
    assert _rendi("{{ d|data }}", d=giorno) == "3 marzo 2026"
    with translation.override("de"):
        tedesco = Template("{% load pdz_formati %}{{ d|data }}").render(Context({"d": giorno}))
        assert tedesco == date_format(giorno).lower() == "3. märz 2026"


def test_intero_come_intcomma():
    """`intero` writes what humanize's intcomma writes, remembered or not."""
    for valore in (0, 7, 1234, 1234567, -45000):
        assert _rendi("{{ n|intero }}", n=valore) == _rendi(
            "{% load humanize %}{{ n|intcomma }}", n=valore
        )
    assert _rendi("{{ n|intero }}", n=1234567) == "1.234.567"
    assert _rendi("{{ n|intero }}", n=None) == "None"


def test_etichetta_come_get_display():
    """`etichetta` says what get_<field>_display says, in the active language, and leaves a value
    with no choice as it is."""
    from ambiti.models import Ente

    for tipo in ("aps", "cooperativa", "valore-senza-scelta", ""):
        ente = Ente(tipo=tipo)
        assert _rendi('{{ e|etichetta:"tipo" }}', e=ente) == _rendi(
            "{{ e.get_tipo_display }}", e=ente
        )
    assert _rendi('{{ e|etichetta:"tipo" }}', e=Ente(tipo="aps")) == (
        "Associazione di promozione sociale (APS)"
    )
