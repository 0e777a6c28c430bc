"""The Ufficio di Piano lifts the login limits of its ambito's users (accounts.throttling).

Here rather than in accounts: the page belongs to an ambito, which accounts, below ambiti, does
not know.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import throttling
from accounts.permissions import check_access

from .permissions import get_ambito_for_manager


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
    return render(request, "ambiti/accessi_bloccati.html", {"ambito": ambito, "righe": righe})


@require_POST
def sblocca_accessi(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    utente = _utenti_dell_ambito(ambito).filter(pk=pk).first()
    check_access(can_view=utente is not None)
    throttling.sblocca_accessi(utente=utente, ambito=ambito, sbloccato_da=request.user)
    messages.success(
        request, _("Accessi di %(utente)s sbloccati: può entrare subito.") % {"utente": utente}
    )
    return redirect("ambiti:accessi-bloccati", slug=ambito.slug)
