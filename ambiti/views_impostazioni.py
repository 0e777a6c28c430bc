"""The Ufficio di Piano's settings of its ambito: which login an online vote needs, and who runs
its public pages (name, logo, contacts, accessibility statement: pubblico/).

A plain edit with no state guard: the form saves it. The vote reads the setting when a ballot is
shown or cast (assemblea.views_voto), so a change applies to the votes open at that moment too.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ImpostazioniForm
from .permissions import get_ambito_for_manager


@require_http_methods(["GET", "POST"])
def impostazioni(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    form = ImpostazioniForm(request.POST or None, request.FILES or None, instance=ambito)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Impostazioni dell'ambito salvate."))
        return redirect("ambiti:impostazioni", slug=ambito.slug)
    return render(request, "ambiti/impostazioni.html", {"ambito": ambito, "form": form})
