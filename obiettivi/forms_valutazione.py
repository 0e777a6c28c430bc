"""The grid of what was actually spent on an objective, per year and fund."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.moduli import EtichetteVuote

from .campi import NumeroItalianoField


class SpeseForm(EtichetteVuote, forms.Form):
    def __init__(self, *args, anni, fondi, spese, programmato, **kwargs):
        super().__init__(*args, **kwargs)
        self.anni, self.fondi = list(anni), list(fondi)
        esistenti = {(s.anno, s.fondo_id): s.importo for s in spese}
        self.programmato = {(r.anno, r.fondo_id): r.importo for r in programmato}
        for anno in self.anni:
            for fondo in self.fondi:
                self.fields[self.nome_campo(anno, fondo)] = NumeroItalianoField(
                    label=f"{fondo.sigla} {anno}",
                    required=False,
                    min_value=Decimal("0"),
                    max_digits=12,
                    decimal_places=2,
                    initial=esistenti.get((anno, fondo.pk)),
                    error_messages={"min_value": _("La spesa non può essere negativa.")},
                )

    @staticmethod
    def nome_campo(anno, fondo):
        return f"s_{anno}_{fondo.pk}"

    def righe(self):
        """[(anno, [(campo, programmato)])] for the template."""
        return [
            (
                anno,
                [
                    (self[self.nome_campo(anno, f)], self.programmato.get((anno, f.pk)))
                    for f in self.fondi
                ],
            )
            for anno in self.anni
        ]

    def importi(self) -> dict[tuple[int, int], Decimal]:
        """(anno, fondo_id) → euro; an empty cell means nothing recorded, a zero a zero spent."""
        return {
            (anno, fondo.pk): self.cleaned_data[self.nome_campo(anno, fondo)]
            for anno in self.anni
            for fondo in self.fondi
            if self.cleaned_data.get(self.nome_campo(anno, fondo)) is not None
        }
