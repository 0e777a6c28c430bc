"""The administrator's page that creates an ambito from ISTAT codes: the same operation as
`manage.py crea_ambito` (pdz.nuovo_ambito), with ANPR's national file uploaded from the browser.

Reached from the list of ambiti in the admin («Crea da codici ISTAT»). Only who may add ambiti
in the admin (the portal's administrators) may use it; the file is read from the upload's
temporary copy and never stored.
"""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambiti import anpr
from ambiti.models import Ambito
from assemblea.models import RegolaVoto

from .nuovo_ambito import MODELLI, PREFISSO_COPIA, Richiesta, crea_ambito


def _scelte_modello():
    scelte = [(nome, dati["descrizione"]) for nome, dati in MODELLI.items()]
    con_regole = (
        Ambito.objects.filter(
            pk__in=RegolaVoto.objects.exclude(peso=RegolaVoto.Peso.QUOTE).values("ambito_id")
        )
        .order_by("nome")
        .values_list("slug", "nome")
    )
    scelte += [
        (PREFISSO_COPIA + slug, _("Le regole in vigore nell'ambito %(nome)s") % {"nome": nome})
        for slug, nome in con_regole
    ]
    return scelte


class NuovoAmbitoForm(forms.Form):
    nome = forms.CharField(label=gettext_lazy("Nome dell'ambito"), max_length=150)
    slug = forms.SlugField(
        label=gettext_lazy("Identificativo nell'indirizzo"),
        max_length=60,
        help_text=gettext_lazy("Lettere minuscole, cifre e trattini, es. «lodi»."),
    )
    codici = forms.CharField(
        label=gettext_lazy("Codici ISTAT dei comuni"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Separati da spazi, virgole o a capo, es. 098001 098002."),
    )
    anpr = forms.FileField(
        label=gettext_lazy("File nazionale ANPR dei residenti (CSV)"),
        help_text=gettext_lazy(
            "Il file popolazione_residente_…_export.csv dei dati aperti ANPR: ne vengono letti "
            "nome e residenti dei comuni indicati."
        ),
    )
    mese = forms.CharField(
        label=gettext_lazy("Mese del file"),
        required=False,
        help_text=gettext_lazy("AAAA-MM; vuoto: il più recente del file."),
    )
    ats = forms.CharField(label=gettext_lazy("ATS"), max_length=150)
    asst = forms.CharField(
        label=gettext_lazy("ASST competenti"),
        required=False,
        help_text=gettext_lazy("Una per riga."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    capofila = forms.CharField(
        label=gettext_lazy("Codice ISTAT del comune capofila"), required=False, max_length=6
    )
    ente_gestore = forms.CharField(label=gettext_lazy("Ente gestore"), required=False)
    modello = forms.ChoiceField(label=gettext_lazy("Regole di voto iniziali"))
    up_nome = forms.CharField(label=gettext_lazy("Nome"), max_length=150, required=False)
    up_cognome = forms.CharField(label=gettext_lazy("Cognome"), max_length=150, required=False)
    up_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)

    campi_ufficio = ("up_nome", "up_cognome", "up_email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modello"].choices = _scelte_modello()

    def clean_mese(self):
        valore = self.cleaned_data["mese"].strip()
        if not valore:
            return None
        try:
            return anpr.parse_mese(valore)
        except ValueError:
            raise ValidationError(_("Indica il mese come AAAA-MM, es. 2025-01.")) from None

    def clean(self):
        dati = super().clean()
        valori = [dati.get(campo) for campo in self.campi_ufficio]
        if any(valori) and not all(valori):
            for campo, valore in zip(self.campi_ufficio, valori, strict=True):
                if not valore:
                    self.add_error(campo, _("Per il primo utente servono nome, cognome ed e-mail."))
        return dati

    def richiesta(self, percorso: Path) -> Richiesta:
        dati = self.cleaned_data
        ufficio = tuple(dati[c] for c in self.campi_ufficio)
        return Richiesta(
            nome=dati["nome"],
            slug=dati["slug"],
            codici=dati["codici"],
            anpr=percorso,
            mese=dati["mese"],
            ats=dati["ats"],
            asst=dati["asst"].splitlines(),
            capofila=dati["capofila"].strip().zfill(6) if dati["capofila"].strip() else "",
            ente_gestore=dati["ente_gestore"],
            modello=dati["modello"],
            ufficio_piano=ufficio if all(ufficio) else None,
        )


def _esegui(form, caricato):
    """Run the operation on the upload; None and the errors on the form when refused."""
    if hasattr(caricato, "temporary_file_path"):
        return crea_ambito(form.richiesta(Path(caricato.temporary_file_path())))
    with tempfile.NamedTemporaryFile(suffix=".csv") as copia:
        for pezzo in caricato.chunks():
            copia.write(pezzo)
        copia.flush()
        return crea_ambito(form.richiesta(Path(copia.name)))


def crea_ambito_view(request):
    if not request.user.has_perm("ambiti.add_ambito"):
        raise PermissionDenied
    form = NuovoAmbitoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            esito = _esegui(form, request.FILES["anpr"])
        except ValidationError as errore:
            for campo, messaggi in errore.message_dict.items():
                campo = campo if campo in form.fields else "up_email"
                for messaggio in messaggi:
                    form.add_error(campo, messaggio)
        else:
            for riga in esito.riepilogo:
                messages.success(request, riga)
            return redirect(reverse("admin:ambiti_ambito_change", args=[esito.ambito.pk]))
    contesto = {
        **admin.site.each_context(request),
        "title": _("Nuovo ambito dai codici ISTAT"),
        "form": form,
        "opts": Ambito._meta,
    }
    return TemplateResponse(request, "admin/crea_ambito.html", contesto)


vista = admin.site.admin_view(crea_ambito_view)
