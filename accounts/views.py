from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import throttling
from .models import Ruolo
from .permissions import get_ambito_for_manager, ruoli_di


@require_GET
def profilo(request):
    ruoli = ruoli_di(request.user)
    gestiti = [r.ambito for r in ruoli if r.tipo == Ruolo.Tipo.UFFICIO_PIANO]
    return render(request, "accounts/profilo.html", {"ruoli": ruoli, "ambiti_gestiti": gestiti})


def _utenti_dell_ambito(ambito):
    # Superusers answer to nobody's Ufficio di Piano: the axes admin is theirs.
    return (
        get_user_model()
        .objects.filter(ruoli__ambito=ambito, ruoli__attivo=True, is_superuser=False)
        .distinct()
    )


@require_GET
def accessi_bloccati(request, slug):
    """The ambito's users whose failed logins are still counted, to lift their limits."""
    ambito = get_ambito_for_manager(request.user, slug)
    tentativi = throttling.tentativi_recenti()
    utenti = _utenti_dell_ambito(ambito).filter(username__in=tentativi).order_by("username")
    righe = [{"utente": u, **tentativi[u.username]} for u in utenti]
    return render(request, "accounts/accessi_bloccati.html", {"ambito": ambito, "righe": righe})


@require_POST
def sblocca_accessi(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    utente = _utenti_dell_ambito(ambito).filter(pk=pk).first()
    if utente is None:
        raise Http404
    throttling.sblocca_accessi(utente=utente, ambito=ambito, sbloccato_da=request.user)
    messages.success(
        request, _("Accessi di %(utente)s sbloccati: può entrare subito.") % {"utente": utente}
    )
    return redirect("accounts:accessi-bloccati", slug=ambito.slug)
