"""Numbers typed the Italian way: «12.500,50», «2.500», but also «1234.5»."""

import re

from django import forms

MIGLIAIA = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def normalizza_numero(testo: str) -> str:
    testo = testo.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if "," in testo:
        return testo.replace(".", "").replace(",", ".")
    if MIGLIAIA.match(testo):
        return testo.replace(".", "")
    return testo


class NumeroItalianoField(forms.DecimalField):
    """Django parses «12.500,50» only with USE_THOUSAND_SEPARATOR, which would also print years
    as «2.025»: this field reads Italian grouping itself and shows values with a decimal comma."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(localize=True, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = normalizza_numero(value)
        return super().to_python(value)
