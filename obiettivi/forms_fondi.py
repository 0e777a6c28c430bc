"""The forms of the budget: the ambito's available funds, and an action's euro per fund and year
checked against its objective's."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.moduli import EtichetteVuote

from .calcoli import descrivi_eccedenze, riconcilia_azioni
from .campi import NumeroItalianoField

CONFERMA_ECCEDENZA = _("Confermo: le azioni superano le risorse dell'obiettivo")


def campo_importo(etichetta, iniziale):
    return NumeroItalianoField(
        label=etichetta,
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        initial=iniziale,
        error_messages={
            "min_value": _("L'importo non può essere negativo."),
            "invalid": _("Scrivi un importo in euro, ad esempio 12.500,00."),
            "max_digits": _("L'importo è troppo grande."),
            "max_decimal_places": _("Al massimo due decimali (i centesimi)."),
        },
    )


class DisponibilitaForm(EtichetteVuote, forms.Form):
    """The euro each fund assigns to the ambito in each year of the period, with the act."""

    def __init__(self, *args, anni, fondi, disponibilita, **kwargs):
        super().__init__(*args, **kwargs)
        self.anni, self.fondi = list(anni), list(fondi)
        esistenti = {(d.anno, d.fondo_id): d for d in disponibilita}
        for fondo in self.fondi:
            for anno in self.anni:
                riga = esistenti.get((anno, fondo.pk))
                self.fields[self._importo(anno, fondo)] = campo_importo(
                    _("%(fondo)s %(anno)s: importo disponibile")
                    % {"fondo": fondo.sigla, "anno": anno},
                    riga.importo if riga else None,
                )
                self.fields[self._atto(anno, fondo)] = forms.CharField(
                    label=_("%(fondo)s %(anno)s: atto di assegnazione")
                    % {"fondo": fondo.sigla, "anno": anno},
                    required=False,
                    max_length=250,
                    initial=riga.atto if riga else "",
                )

    @staticmethod
    def _importo(anno, fondo):
        return f"d_{anno}_{fondo.pk}"

    @staticmethod
    def _atto(anno, fondo):
        return f"atto_{anno}_{fondo.pk}"

    def per_fondo(self):
        """[(fondo, [(anno, campo importo, campo atto)])] for the template."""
        return [
            (
                fondo,
                [
                    (anno, self[self._importo(anno, fondo)], self[self._atto(anno, fondo)])
                    for anno in self.anni
                ],
            )
            for fondo in self.fondi
        ]

    def clean(self):
        cleaned = super().clean()
        for fondo in self.fondi:
            for anno in self.anni:
                atto = (cleaned.get(self._atto(anno, fondo)) or "").strip()
                if atto and cleaned.get(self._importo(anno, fondo)) is None:
                    self.add_error(
                        self._importo(anno, fondo),
                        _("Indica l'importo assegnato dall'atto (anche 0,00)."),
                    )
        return cleaned

    def valori(self) -> dict[tuple[int, int], tuple[Decimal, str]]:
        """(anno, fondo_id) → (euro, atto) of the filled cells; an empty amount is no row."""
        return {
            (anno, fondo.pk): (
                self.cleaned_data[self._importo(anno, fondo)],
                self.cleaned_data[self._atto(anno, fondo)].strip(),
            )
            for fondo in self.fondi
            for anno in self.anni
            if self.cleaned_data.get(self._importo(anno, fondo)) is not None
        }


def campo_conferma():
    return forms.BooleanField(label=CONFERMA_ECCEDENZA, required=False)


class RisorseAzioneMixin:
    """The action's euro per year and fund, and the confirmation an excess over the objective's
    resources asks for (the form declares `conferma_eccedenza = campo_conferma()`). The view
    fetches the objective's resources and the other actions' lines, so checking costs no query."""

    def aggiungi_risorse(self, *, anni, fondi, risorse_obiettivo, righe_altre_azioni, righe):
        self.anni, self.fondi = list(anni), list(fondi)
        self.risorse_obiettivo = list(risorse_obiettivo)
        self.righe_altre_azioni = list(righe_altre_azioni)
        self.eccedenze = []
        esistenti = {(r.anno, r.fondo_id): r.importo for r in righe}
        # An amount from before actions had funds and years: shown until the grid replaces it.
        self.non_ripartito = (
            self.instance.risorse_assegnate if self.instance.pk and not esistenti else None
        )
        for anno in self.anni:
            for fondo in self.fondi:
                self.fields[self.nome_campo(anno, fondo)] = campo_importo(
                    f"{fondo.sigla} {anno}", esistenti.get((anno, fondo.pk))
                )

    @staticmethod
    def nome_campo(anno, fondo):
        return f"a_{anno}_{fondo.pk}"

    def righe_risorse(self):
        return [(anno, [self[self.nome_campo(anno, f)] for f in self.fondi]) for anno in self.anni]

    def importi(self) -> dict[tuple[int, int], Decimal]:
        return {
            (anno, fondo.pk): self.cleaned_data[self.nome_campo(anno, fondo)]
            for anno in self.anni
            for fondo in self.fondi
            if self.cleaned_data.get(self.nome_campo(anno, fondo))
        }

    def controlla_eccedenze(self):
        if any(self.nome_campo(a, f) in self.errors for a in self.anni for f in self.fondi):
            return
        confronto = riconcilia_azioni(
            self.risorse_obiettivo,
            self.righe_altre_azioni,
            self.importi(),
            fondi=self.fondi,
            anni=self.anni,
        )
        self.eccedenze = confronto.eccedenze()
        if self.eccedenze and not self.cleaned_data.get("conferma_eccedenza"):
            self.add_error(
                "conferma_eccedenza",
                _("%(eccedenze)s Per salvare comunque, spunta la conferma.")
                % {"eccedenze": descrivi_eccedenze(self.eccedenze)},
            )
