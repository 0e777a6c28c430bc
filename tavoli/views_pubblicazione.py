"""The Ufficio di Piano publishes a table, a meeting, the approved minutes on the public pages
(pubblico/), or withdraws them. Whoever else sees the table gets 403, whoever does not 404."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.permissions import check_access
from ambiti.permissions import get_ambito_for_reader
from core.flusso import OperazioneNonAmmessa

from . import services
from .forms import PubblicazioneForm
from .permissions import can_publish_tavoli, get_incontro_for_reader, get_tavolo_for_reader

# What each switch says once done: (published, withdrawn).
MESSAGGI = {
    "tavolo": (
        _("Il tavolo è ora sulle pagine pubbliche."),
        _("Il tavolo non è più sulle pagine pubbliche."),
    ),
    "incontro": (
        _("L'incontro è ora sulle pagine pubbliche, se lo è anche il tavolo."),
        _("L'incontro non è più sulle pagine pubbliche."),
    ),
    "verbale": (
        _("Il verbale approvato è ora sulle pagine pubbliche, se lo è anche l'incontro."),
        _("Il verbale non è più sulle pagine pubbliche."),
    ),
}


def _pubblica(request, slug, pk, ipk, *, cosa, servizio):
    ambito = get_ambito_for_reader(request.user, slug)
    tavolo = get_tavolo_for_reader(request.user, ambito, pk)
    check_access(can_act=can_publish_tavoli(request.user, ambito))
    oggetto = {"tavolo": tavolo}
    if ipk is not None:
        oggetto = {"incontro": get_incontro_for_reader(request.user, tavolo, ipk)}
    form = PubblicazioneForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Richiesta non valida."), status=400)
    pubblico = form.cleaned_data["pubblico"]
    try:
        servizio(**oggetto, pubblico=pubblico, utente=request.user)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        pubblicato, ritirato = MESSAGGI[cosa]
        messages.success(request, pubblicato if pubblico else ritirato)
    if ipk is None:
        return redirect("tavoli:dettaglio", slug=ambito.slug, pk=tavolo.pk)
    return redirect("tavoli:incontro", slug=ambito.slug, pk=tavolo.pk, ipk=ipk)


@require_POST
def tavolo(request, slug, pk):
    return _pubblica(request, slug, pk, None, cosa="tavolo", servizio=services.pubblica_tavolo)


@require_POST
def incontro(request, slug, pk, ipk):
    return _pubblica(request, slug, pk, ipk, cosa="incontro", servizio=services.pubblica_incontro)


@require_POST
def verbale(request, slug, pk, ipk):
    return _pubblica(request, slug, pk, ipk, cosa="verbale", servizio=services.pubblica_verbale)
