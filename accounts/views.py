from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import throttling
from .models import Ruolo
from .permissions import get_ambito_for_manager, ruoli_di


@require_GET
def profilo(request):
    ruoli = ruoli_di(request.user)
    gestiti = [r.ambito for r in ruoli if r.tipo == Ruolo.Tipo.UFFICIO_PIANO]
    url_calendario = request.build_absolute_uri(
        reverse("calendario:utente", args=[request.user.token_calendario])
    )
    return render(
        request,
        "accounts/profilo.html",
        {"ruoli": ruoli, "ambiti_gestiti": gestiti, "url_calendario": url_calendario},
    )


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


@require_POST
def calendario_rinnova(request):
    """The user gives her own calendar feed a new URL, e.g. after sharing it by mistake."""
    request.user.rinnova_token_calendario()
    messages.success(
        request,
        _(
            "Il tuo calendario ha un nuovo indirizzo: quello precedente non funziona più. "
            "Aggiorna l'iscrizione nella tua app di calendario."
        ),
    )
    return redirect("accounts:profilo")


class LogoutView(auth_views.LogoutView):
    """Logging out also empties this site's storage in the browser: unsaved drafts of the minutes
    (static/js/verbale.js) must not stay for whoever uses the browser next."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response
