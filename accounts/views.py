from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .models import Ruolo
from .permissions import ruoli_di


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
