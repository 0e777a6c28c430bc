"""The one field of the second factor: a code of the app or a recovery code, checked against the
user's devices (accounts.otp) so that the error shows next to the field, in Italian."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import otp


class CodiceForm(forms.Form):
    """A code of the app (six digits) or, unless `solo_app`, a recovery code."""

    codice = forms.CharField(
        label=_("Codice"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "aria-describedby": "aiuto-codice",
            }
        ),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.dispositivo = None

    def clean_codice(self):
        codice = self.cleaned_data["codice"]
        try:
            self.dispositivo = otp.verifica(self.request, codice, entra=False)
        except otp.CodiceRifiutato as errore:
            raise forms.ValidationError(str(errore), code="rifiutato") from None
        return codice


class AttivazioneForm(forms.Form):
    """The first code of the app being set up: it proves the app holds the key."""

    codice = forms.CharField(
        label=_("Codice di 6 cifre mostrato dall'app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "aria-describedby": "aiuto-attivazione",
            }
        ),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.codici = None

    def clean_codice(self):
        codice = self.cleaned_data["codice"]
        self.codici = otp.attiva(self.request, codice)
        if self.codici is None:
            raise forms.ValidationError(
                _(
                    "Il codice non corrisponde: controlla che l'ora del telefono sia esatta e "
                    "inserisci il codice che l'app mostra adesso."
                ),
                code="rifiutato",
            )
        return codice
