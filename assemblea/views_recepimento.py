"""The councils of the comuni adopt the approved plan (recepimento).

On a version approved by the Assemblea: every comune of the ambito with whether its council adopted
the plan. A sindaco or delegato records his own comune's adoption; the Ufficio di Piano may record
any comune's. What is recorded stays: a second entry for the same comune is refused.
"""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Ruolo
from accounts.permissions import can_manage_ambito, check_access, ruoli_di
from ambiti.models import Comune
from ambiti.permissions import get_ambito_for_reader
from piani.models import VersionePiano
from piani.permissions import can_view_versione

from .forms import RecepimentoForm
from .models import Recepimento


def _versione_approvata(request, slug, pk, numero):
    ambito = get_ambito_for_reader(request.user, slug)
    versione = get_object_or_404(
        VersionePiano.objects.select_related("piano__ambito", "piano__periodo").defer("html"),
        piano__ambito=ambito,
        piano__pk=pk,
        numero=numero,
    )
    check_access(can_view=can_view_versione(request.user, versione))
    if versione.esito != VersionePiano.Esito.APPROVATA:
        # Adoption follows the Assemblea's approval: before it there is nothing to adopt.
        raise Http404
    return ambito, versione


def _comuni_registrabili(user, ambito):
    """The comuni this user may record the adoption of."""
    comuni = Comune.objects.filter(ambito=ambito).order_by("nome")
    if can_manage_ambito(user, ambito):
        return comuni
    propri = {
        r.comune_id
        for r in ruoli_di(user)
        if r.ambito_id == ambito.pk and r.tipo in (Ruolo.Tipo.SINDACO, Ruolo.Tipo.DELEGATO)
    }
    return comuni.filter(pk__in=propri)


@require_http_methods(["GET", "POST"])
def recepimenti(request, slug, pk, numero):
    ambito, versione = _versione_approvata(request, slug, pk, numero)
    registrabili = _comuni_registrabili(request.user, ambito)
    form = None
    if request.method == "POST":
        check_access(can_act=registrabili.exists())
        form = RecepimentoForm(request.POST, versione=versione, comuni=registrabili)
        if form.is_valid():
            recepimento = form.save(commit=False)
            recepimento.registrato_da = request.user
            try:
                with transaction.atomic():
                    recepimento.save()
            except IntegrityError:
                # Someone else recorded the same comune between the check and the save.
                form.add_error(
                    "comune",
                    _("Il recepimento di %(comune)s è già registrato: non si sovrascrive.")
                    % {"comune": recepimento.comune},
                )
            else:
                messages.success(
                    request,
                    _("Recepimento registrato: %(comune)s, delibera n. %(n)s del %(d)s.")
                    % {
                        "comune": recepimento.comune,
                        "n": recepimento.numero_atto,
                        "d": date_format(recepimento.data_atto, "SHORT_DATE_FORMAT"),
                    },
                )
                return redirect(
                    "assemblea:recepimenti",
                    slug=ambito.slug,
                    pk=versione.piano_id,
                    numero=versione.numero,
                )
    recepiti = {
        r.comune_id: r
        for r in Recepimento.objects.filter(versione=versione).select_related("registrato_da")
    }
    comuni = list(Comune.objects.filter(ambito=ambito).order_by("nome"))
    righe = [{"comune": c, "recepimento": recepiti.get(c.pk)} for c in comuni]
    da_registrare = [c for c in registrabili if c.pk not in recepiti]
    if form is None and da_registrare:
        form = RecepimentoForm(
            versione=versione,
            comuni=registrabili.exclude(pk__in=list(recepiti)),
            initial={"comune": da_registrare[0].pk} if len(da_registrare) == 1 else None,
        )
    return render(
        request,
        "assemblea/recepimenti.html",
        {
            "ambito": ambito,
            "piano": versione.piano,
            "versione": versione,
            "righe": righe,
            "recepiti": len(recepiti),
            "totale": len(comuni),
            "form": form,
        },
    )
