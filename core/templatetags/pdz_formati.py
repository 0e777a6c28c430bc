"""Numbers as Italian readers expect them: € 1.234,50 and 45,5%."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


def _vuoto(valore):
    # A missing value reaches the filter as None or, through a failed lookup, as "".
    return valore is None or valore == ""


@register.filter
def euro(valore):
    if _vuoto(valore):
        return "—"
    return f"€ {number_format(Decimal(valore), 2, use_l10n=True, force_grouping=True)}"


@register.filter
def percentuale(valore):
    if _vuoto(valore):
        return "—"
    valore = Decimal(valore)
    decimali = 0 if valore == valore.to_integral_value() else 1
    return f"{number_format(valore, decimali, use_l10n=True)}%"


@register.filter
def numero(valore):
    """A measured or target value: grouping, and only the decimals it has."""
    if _vuoto(valore):
        return "—"
    valore = Decimal(valore).normalize()
    decimali = max(0, -valore.as_tuple().exponent)
    return number_format(valore, decimali, use_l10n=True, force_grouping=True)
