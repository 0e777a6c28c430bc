"""The parts of one objective: actions and their progress, resources, indicators and values."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ambiti.permissions import get_ambito_for_reader
from core.flusso import OperazioneNonAmmessa

from . import services
from .forms import AvanzamentoForm, AzioneForm, IndicatoreForm, MisuraForm, RisorseForm
from .models import Azione, Indicatore, RisorsaAzione
from .permissions import get_obiettivo_for_manager
from .views import fondi_in_uso


def _obiettivo_gestore(request, slug, pk):
    ambito = get_ambito_for_reader(request.user, slug)
    return ambito, get_obiettivo_for_manager(request.user, ambito, pk)


def _al_dettaglio(ambito, obiettivo, ancora=""):
    risposta = redirect("obiettivi:dettaglio", slug=ambito.slug, pk=obiettivo.pk)
    if ancora:
        risposta["Location"] += f"#{ancora}"
    return risposta


def _pagina(request, ambito, obiettivo, titolo, form, **extra):
    return render(
        request,
        "obiettivi/parte_form.html",
        {"ambito": ambito, "obiettivo": obiettivo, "titolo": titolo, "form": form, **extra},
    )


@require_http_methods(["GET", "POST"])
def azione(request, slug, pk, apk=None):
    ambito, obiettivo = _obiettivo_gestore(request, slug, pk)
    istanza = get_object_or_404(Azione, obiettivo=obiettivo, pk=apk) if apk else None
    righe = list(RisorsaAzione.objects.filter(azione__obiettivo=obiettivo).select_related("fondo"))
    form = AzioneForm(
        request.POST or None,
        instance=istanza or Azione(obiettivo=obiettivo, ordine=len(obiettivo.azioni.all()) + 1),
        ambito=ambito,
        risorse={
            "anni": obiettivo.periodo.anni,
            "fondi": fondi_in_uso([obiettivo], righe),
            "risorse_obiettivo": obiettivo.risorse.all(),
            "righe_altre_azioni": [r for r in righe if r.azione_id != apk],
            "righe": [r for r in righe if apk and r.azione_id == apk],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.salva_azione(
                azione=form.save(commit=False),
                importi=form.importi(),
                conferma_eccedenza=form.cleaned_data["conferma_eccedenza"],
            )
        except OperazioneNonAmmessa as errore:
            form.add_error("conferma_eccedenza", str(errore))
        else:
            form.save_m2m()
            if form.eccedenze:
                messages.warning(request, _("Azione salvata, oltre le risorse dell'obiettivo."))
            else:
                messages.success(request, _("Azione salvata."))
            return _al_dettaglio(ambito, obiettivo, "azioni")
    titolo = _("Modifica azione") if istanza else _("Nuova azione")
    return render(
        request,
        "obiettivi/azione_form.html",
        {"ambito": ambito, "obiettivo": obiettivo, "titolo": titolo, "form": form},
    )


@require_POST
def azione_elimina(request, slug, pk, apk):
    ambito, obiettivo = _obiettivo_gestore(request, slug, pk)
    get_object_or_404(Azione, obiettivo=obiettivo, pk=apk).delete()
    messages.success(request, _("Azione eliminata."))
    return _al_dettaglio(ambito, obiettivo, "azioni")


@require_http_methods(["GET", "POST"])
def avanzamento(request, slug, pk, apk):
    ambito, obiettivo = _obiettivo_gestore(request, slug, pk)
    istanza = get_object_or_404(Azione, obiettivo=obiettivo, pk=apk)
    form = AvanzamentoForm(request.POST or None, instance=istanza)
    if request.method == "POST" and form.is_valid():
        services.aggiorna_avanzamento(
            azione=istanza,
            avanzamento=form.cleaned_data["avanzamento"],
            nota=form.cleaned_data["nota_avanzamento"],
        )
        messages.success(request, _("Avanzamento aggiornato."))
        return _al_dettaglio(ambito, obiettivo, "azioni")
    return _pagina(request, ambito, obiettivo, _("Avanzamento dell'azione"), form, azione=istanza)


@require_http_methods(["GET", "POST"])
def risorse(request, slug, pk):
    ambito, obiettivo = _obiettivo_gestore(request, slug, pk)
    form = RisorseForm(
        request.POST or None,
        anni=obiettivo.periodo.anni,
        fondi=fondi_in_uso([obiettivo]),
        risorse=obiettivo.risorse.all(),
    )
    if request.method == "POST" and form.is_valid():
        services.salva_risorse(obiettivo=obiettivo, importi=form.importi())
        messages.success(request, _("Risorse salvate."))
        return _al_dettaglio(ambito, obiettivo, "risorse")
    return render(
        request,
        "obiettivi/risorse_form.html",
        {"ambito": ambito, "obiettivo": obiettivo, "form": form},
    )


@require_http_methods(["GET", "POST"])
def indicatore(request, slug, pk, ipk=None):
    ambito, obiettivo = _obiettivo_gestore(request, slug, pk)
    istanza = get_object_or_404(Indicatore, obiettivo=obiettivo, pk=ipk) if ipk else None
    form = IndicatoreForm(
        request.POST or None,
        instance=istanza or Indicatore(obiettivo=obiettivo),
        periodo=obiettivo.periodo,
    )
    if request.method == "POST" and form.is_valid():
        services.salva_indicatore(indicatore=form.save(commit=False), target=form.target())
        messages.success(request, _("Indicatore salvato."))
        return _al_dettaglio(ambito, obiettivo, "indicatori")
    titolo = _("Modifica indicatore") if istanza else _("Nuovo indicatore")
    return _pagina(request, ambito, obiettivo, titolo, form)


@require_POST
def indicatore_elimina(request, slug, pk, ipk):
    ambito, obiettivo = _obiettivo_gestore(request, slug, pk)
    get_object_or_404(Indicatore, obiettivo=obiettivo, pk=ipk).delete()
    messages.success(request, _("Indicatore eliminato."))
    return _al_dettaglio(ambito, obiettivo, "indicatori")


@require_http_methods(["GET", "POST"])
def misura(request, slug, pk, ipk):
    ambito, obiettivo = _obiettivo_gestore(request, slug, pk)
    istanza = get_object_or_404(Indicatore, obiettivo=obiettivo, pk=ipk)
    form = MisuraForm(request.POST or None, periodo=obiettivo.periodo)
    if request.method == "POST" and form.is_valid():
        services.registra_misura(
            indicatore=istanza,
            anno=form.cleaned_data["anno"],
            valore=form.cleaned_data["valore"],
            nota=form.cleaned_data["nota"],
            utente=request.user,
        )
        messages.success(request, _("Valore misurato registrato."))
        return _al_dettaglio(ambito, obiettivo, "indicatori")
    titolo = _("Valore misurato: %(nome)s") % {"nome": istanza.nome}
    return _pagina(request, ambito, obiettivo, titolo, form)
