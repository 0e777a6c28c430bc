"""Numbers and dates as Italian readers expect them: € 1.234,50, 45,5%, 3 marzo 2026."""

from decimal import Decimal
from functools import lru_cache

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language

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


@register.filter(expects_localtime=True)
def data(valore, formato="DATE_FORMAT"):
    """A date or a moment (in the local time) through one of Django's named formats:
    DATE_FORMAT by default, "DATETIME_FORMAT" for an event, "SHORT_DATETIME_FORMAT" for a
    record's timestamp, "SHORT_DATE_FORMAT" in a table. Month and day names in lowercase, as
    Italian writes them ("martedì 3 marzo 2026"): one page never mixes "Marzo" and "marzo"."""
    if _vuoto(valore):
        return ""
    return _data(type(valore), valore, getattr(valore, "tzinfo", None), formato, get_language())


# A table shows the same few dates on every row (250 comuni counted on the same day): Django's
# date_format looks up the format and the month names again each time. Aware moments that are
# equal compare equal whatever their zone, so the zone is part of the key, and so are the type
# (a date is never a datetime) and the language.
@lru_cache(maxsize=4096)
def _data(_tipo, valore, _zona, formato, _lingua):
    return date_format(valore, formato).lower()


@register.filter(expects_localtime=True)
def giorno(valore):
    """The day with its weekday, "martedì 14 ottobre 2025": DATE_FORMAT after the day's name."""
    if _vuoto(valore):
        return ""
    return f"{date_format(valore, 'l')} {date_format(valore, 'DATE_FORMAT')}".lower()


@register.filter
def etichetta(istanza, campo):
    """What `istanza.get_<campo>_display()` says, for a table's rows: Django's method rebuilds
    and hashes the field's choices at every call, each lazy label translated again (issue 16:
    a page of 50 enti spent more on their type and state than on the rest of the table)."""
    valore = getattr(istanza, campo)
    scelte = _etichette(type(istanza)._meta.get_field(campo), get_language())
    try:
        return scelte.get(valore, valore)
    except TypeError:
        # An unhashable value, which no choice can match.
        return valore


@lru_cache(maxsize=512)
def _etichette(campo, _lingua):
    return {valore: str(testo) for valore, testo in campo.flatchoices}


@register.filter
def intero(valore):
    """A whole number with its thousands grouped, "12.345", as humanize's intcomma writes it; a
    table of 250 comuni shows the same populations on every request, so each is formatted once
    per process and language."""
    if isinstance(valore, int) and not isinstance(valore, bool):
        return _intero(valore, get_language())
    return intcomma(valore)


@lru_cache(maxsize=8192)
def _intero(valore, _lingua):
    return number_format(valore, use_l10n=True, force_grouping=True)
