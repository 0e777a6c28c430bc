"""The objectives' data in and out: the plan as XLSX or CSV, the monitoring back from a CSV."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ambiti.permissions import get_ambito_for_manager
from core.esportazioni import come_csv, come_xlsx_fogli, scaricamento, verifica_formato

from . import esportazioni
from .calcoli import Riconciliazione, tabella_risorse
from .importazione import ImportazioneNonValida, importa_monitoraggio, leggi_monitoraggio
from .models import Disponibilita, Obiettivo, RisorsaAzione
from .views import _ambito_lettore, fondi_in_uso, periodo_richiesto

DIMENSIONE_MASSIMA = 2 * 1024 * 1024


# Exports carry the ambito's data to whoever downloaded them: no shared cache keeps a copy.
@never_cache
@require_GET
def esporta(request, slug, formato):
    ambito = _ambito_lettore(request, slug)
    periodo = periodo_richiesto(request)
    tabella = request.GET.get("tabella")
    if formato == "csv" and tabella not in esportazioni.TABELLE:
        raise Http404
    verifica_formato(formato)
    obiettivi = list(Obiettivo.objects.dell_ambito(ambito, periodo).con_dettagli())
    disponibili = list(Disponibilita.objects.dell_ambito(ambito, periodo).select_related("fondo"))
    fondi = fondi_in_uso(obiettivi, disponibili)
    riconciliazione = Riconciliazione(
        tetti=tabella_risorse(disponibili, anni=periodo.anni, fondi=fondi),
        impegni=tabella_risorse(
            (r for o in obiettivi for r in o.risorse.all()), anni=periodo.anni, fondi=fondi
        ),
    )
    righe_azioni = RisorsaAzione.objects.filter(
        azione__obiettivo__ambito=ambito, azione__obiettivo__periodo=periodo
    ).select_related("fondo")
    tabelle = esportazioni.tabelle(
        obiettivi,
        periodo,
        righe_azioni=righe_azioni,
        disponibili=disponibili,
        riconciliazione=riconciliazione,
    )
    nome = f"{ambito.slug}-{slugify(periodo.nome)}"
    if formato == "xlsx":
        return scaricamento(come_xlsx_fogli(tabelle.values()), formato, f"obiettivi-{nome}")
    _titolo, righe = tabelle[tabella]
    return scaricamento(come_csv(esportazioni.per_csv(righe)), formato, f"{tabella}-{nome}")


class ImportaMonitoraggioForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File CSV del monitoraggio"),
        help_text=gettext_lazy(
            "Il modello scaricato e compilato, salvato come CSV; al massimo 2 MB."
        ),
        error_messages={
            "required": gettext_lazy("Scegli il file CSV da importare."),
            "empty": gettext_lazy("Il file scelto è vuoto."),
            "invalid": gettext_lazy("Il file non è stato inviato correttamente: riprova."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                _("Il file deve essere un CSV (estensione .csv): da Excel, «Salva con nome» → CSV.")
            )
        if file.size > DIMENSIONE_MASSIMA:
            raise forms.ValidationError(
                _("Il file supera il limite di %(massimo)s.")
                % {"massimo": filesizeformat(DIMENSIONE_MASSIMA)}
            )
        return file


@require_http_methods(["GET", "POST"])
def importa(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    periodo = periodo_richiesto(request)
    # Bound on every POST, even an empty one: «request.POST or None» would show a blank form.
    if request.method == "POST":
        form = ImportaMonitoraggioForm(request.POST, request.FILES)
    else:
        form = ImportaMonitoraggioForm()
    errori = []
    if form.is_bound and form.is_valid():
        try:
            righe = leggi_monitoraggio(
                form.cleaned_data["file"].read(), ambito=ambito, periodo=periodo
            )
        except ImportazioneNonValida as errore:
            errori = errore.messages
        else:
            conteggi = importa_monitoraggio(righe, utente=request.user)
            if righe:
                messages.success(
                    request,
                    _(
                        "Monitoraggio %(periodo)s importato. Valori nuovi: %(nuovi)d; "
                        "aggiornati: %(aggiornati)d; invariati: %(invariati)d."
                    )
                    % {"periodo": periodo.nome, **conteggi._asdict()},
                )
            else:
                messages.info(
                    request,
                    _("Il file non contiene valori misurati: non è stato importato nulla."),
                )
            url = reverse("obiettivi:panoramica", args=[ambito.slug])
            return redirect(f"{url}?{urlencode({'periodo': periodo.nome})}")
    return render(
        request,
        "obiettivi/importa.html",
        {
            "ambito": ambito,
            "periodo": periodo,
            "form": form,
            "errori": errori,
            "colonne": esportazioni.intestazione_monitoraggio(),
        },
    )
