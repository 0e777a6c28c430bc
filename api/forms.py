from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TokenPersonale

DURATE = [
    ("30", _("30 giorni")),
    ("90", _("90 giorni")),
    ("365", _("un anno")),
]


class TokenForm(forms.Form):
    nome = forms.CharField(
        label=_("Nome"),
        max_length=80,
        help_text=TokenPersonale._meta.get_field("nome").help_text,
    )
    durata = forms.ChoiceField(label=_("Validità"), choices=DURATE, initial="90")

    def crea(self, utente):
        scade_il = timezone.now() + timedelta(days=int(self.cleaned_data["durata"]))
        return TokenPersonale.crea(utente=utente, nome=self.cleaned_data["nome"], scade_il=scade_il)
