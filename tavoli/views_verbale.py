"""The minutes of a meeting: saving without losing a word, the review loop, the history."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import check_access
from core.flusso import OperazioneNonAmmessa

from . import services
from .forms import CommentoForm, VerbaleForm
from .permissions import can_approve_verbale, can_comment_verbale, can_edit_incontri
from .views_incontri import _contesto, _incontro_editor, _incontro_lettore, _sezione


@require_POST
def verbale_salva(request, slug, pk, ipk):
    ambito, tavolo, incontro = _incontro_editor(request, slug, pk, ipk)
    form = VerbaleForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Richiesta non valida."), status=400)
    try:
        services.salva_verbale(
            incontro=incontro,
            testo=form.cleaned_data["testo"],
            versione_letta=form.cleaned_data["versione"],
            utente=request.user,
        )
    except services.ConflittoVerbale as conflitto:
        return render(
            request,
            "tavoli/incontro.html#verbale",
            _contesto(
                request,
                ambito,
                tavolo,
                incontro,
                conflitto=conflitto,
                form_verbale=VerbaleForm(
                    initial={
                        "testo": conflitto.testo_proposto,
                        "versione": conflitto.versione_attuale,
                    }
                ),
            ),
            status=409 if not request.htmx else 200,
        )
    except OperazioneNonAmmessa as errore:
        return HttpResponse(str(errore), status=409)
    if request.htmx:
        return _sezione(request, ambito, tavolo, incontro, "verbale", salvato_il=timezone.now())
    messages.success(request, _("Verbale salvato."))
    return redirect("tavoli:incontro", slug=ambito.slug, pk=tavolo.pk, ipk=incontro.pk)


@require_POST
def verbale_bozza(request, slug, pk, ipk):
    """Autosave of the text being typed, kept per user until the real save."""
    _ambito, _tavolo, incontro = _incontro_editor(request, slug, pk, ipk)
    form = VerbaleForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errore": _("Richiesta non valida.")}, status=400)
    try:
        bozza = services.salva_bozza(
            incontro=incontro,
            testo=form.cleaned_data["testo"],
            versione_base=form.cleaned_data["versione"],
            utente=request.user,
        )
    except OperazioneNonAmmessa as errore:
        return JsonResponse({"errore": str(errore)}, status=409)
    salvata_il = formats.time_format(timezone.localtime(bozza.salvata_il), "TIME_FORMAT")
    return JsonResponse({"salvata_il": salvata_il})


AZIONI = {
    "invia": (services.invia_in_revisione, can_edit_incontri, _("Verbale inviato in revisione.")),
    "rimanda": (services.rimanda_in_bozza, can_edit_incontri, _("Verbale riportato in bozza.")),
    "approva": (services.approva_verbale, can_approve_verbale, _("Verbale approvato.")),
    "nuova-revisione": (
        services.apri_nuova_revisione,
        can_approve_verbale,
        _("Aperta una nuova revisione del verbale: quello approvato resta nella storia."),
    ),
}


@require_POST
def transizione(request, slug, pk, ipk, azione):
    if azione not in AZIONI:
        return HttpResponse(status=404)
    servizio, permesso, messaggio = AZIONI[azione]
    ambito, tavolo, incontro = _incontro_lettore(request, slug, pk, ipk)
    check_access(can_act=permesso(request.user, tavolo))
    try:
        servizio(incontro=incontro, utente=request.user)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        messages.success(request, messaggio)
    return redirect("tavoli:incontro", slug=ambito.slug, pk=tavolo.pk, ipk=incontro.pk)


@require_POST
def commento_nuovo(request, slug, pk, ipk):
    ambito, tavolo, incontro = _incontro_lettore(request, slug, pk, ipk)
    check_access(can_act=can_comment_verbale(request.user, incontro))
    form = CommentoForm(request.POST)
    extra = {}
    if form.is_valid():
        try:
            services.commenta_verbale(
                incontro=incontro, commento=form.save(commit=False), utente=request.user
            )
        except OperazioneNonAmmessa as errore:
            return HttpResponse(str(errore), status=409)
    else:
        extra["form_commento"] = form
    if request.htmx:
        return _sezione(request, ambito, tavolo, incontro, "commenti", **extra)
    return redirect("tavoli:incontro", slug=ambito.slug, pk=tavolo.pk, ipk=incontro.pk)


@require_GET
def storia(request, slug, pk, ipk):
    ambito, tavolo, incontro = _incontro_lettore(request, slug, pk, ipk)
    check_access(can_act=can_edit_incontri(request.user, tavolo))
    return render(
        request,
        "tavoli/storia.html",
        {
            "ambito": ambito,
            "tavolo": tavolo,
            "incontro": incontro,
            "revisioni": incontro.revisioni.select_related("autore"),
            "transizioni": incontro.transizioni.select_related("utente"),
        },
    )
