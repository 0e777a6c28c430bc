"""Each person chooses, per kind of reminder, whether to receive it at once, in the daily digest
or not at all (accounts/notifiche.py applies the choice)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import notifiche
from .models import Frequenza, TipoNotifica


class PreferenzeForm(forms.Form):
    def __init__(self, *args, iniziali: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for tipo, etichetta in TipoNotifica.choices:
            self.fields[tipo] = forms.ChoiceField(
                label=etichetta,
                choices=Frequenza.choices,
                initial=iniziali[tipo],
                widget=forms.RadioSelect,
                error_messages={"required": _("Scegli come ricevere questi promemoria.")},
            )


@require_http_methods(["GET", "POST"])
def preferenze(request):
    form = PreferenzeForm(request.POST or None, iniziali=notifiche.frequenze(request.user))
    if request.method == "POST" and form.is_valid():
        notifiche.imposta_frequenze(request.user, form.cleaned_data)
        messages.success(request, _("Preferenze delle notifiche salvate."))
        return redirect("accounts:notifiche")
    return render(
        request,
        "accounts/notifiche.html",
        {"form": form, "convocazioni": notifiche.CONVOCAZIONI_SEMPRE},
    )
