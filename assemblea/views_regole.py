"""The voting rules of the ambito: the current version, the history, a new version.

The Ufficio di Piano writes them; the sindaci and delegati of the ambito read them (they vote under
them); nobody else learns they exist.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import check_access
from ambiti.permissions import get_ambito_for_reader
from core.flusso import OperazioneNonAmmessa

from . import services
from .forms import RegolaForm
from .models import QuotaComune, RegolaVoto
from .permissions import can_manage_sedute, can_view_sedute


def ambito_lettore(request, slug):
    ambito = get_ambito_for_reader(request.user, slug)
    check_access(can_view=can_view_sedute(request.user, ambito))
    return ambito


def ambito_gestore(request, slug):
    ambito = ambito_lettore(request, slug)
    check_access(can_act=can_manage_sedute(request.user, ambito))
    return ambito


@require_GET
def regole(request, slug):
    ambito = ambito_lettore(request, slug)
    versioni = list(
        RegolaVoto.objects.filter(ambito=ambito)
        .select_related("creata_da")
        .prefetch_related(Prefetch("quote", queryset=QuotaComune.objects.select_related("comune")))
    )
    return render(
        request,
        "assemblea/regole.html",
        {
            "ambito": ambito,
            "corrente": versioni[0] if versioni else None,
            "precedenti": versioni[1:],
            "puo_gestire": can_manage_sedute(request.user, ambito),
        },
    )


@require_http_methods(["GET", "POST"])
def regola_nuova(request, slug):
    ambito = ambito_gestore(request, slug)
    corrente = services.regola_corrente(ambito)
    if request.method == "POST":
        form = RegolaForm(request.POST, ambito=ambito, corrente=corrente)
        if form.is_valid():
            try:
                regola = services.nuova_regola(
                    form.save(commit=False), utente=request.user, quote=form.quote()
                )
            except OperazioneNonAmmessa as errore:
                form.add_error(None, str(errore))
                return _pagina_form(request, ambito, form, corrente)
            messages.success(
                request,
                _(
                    "Regole di voto salvate come versione %(n)d. Le votazioni già aperte restano "
                    "con le regole con cui sono state aperte."
                )
                % {"n": regola.versione},
            )
            return redirect("assemblea:regole", slug=ambito.slug)
    else:
        form = RegolaForm(ambito=ambito, corrente=corrente)
    return _pagina_form(request, ambito, form, corrente)


def _pagina_form(request, ambito, form, corrente):
    return render(
        request,
        "assemblea/regola_form.html",
        {"ambito": ambito, "form": form, "corrente": corrente},
    )
