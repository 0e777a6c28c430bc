"""The user's own API tokens: create one (its secret shown once), see them, revoke one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .forms import TokenForm
from .models import TokenPersonale


# The page that shows a new token's secret is never kept by a browser's or a proxy's cache.
@never_cache
@require_http_methods(["GET", "POST"])
def elenco(request):
    form = TokenForm(request.POST or None)
    segreto = None
    if request.method == "POST" and form.is_valid():
        _token, segreto = form.crea(request.user)
        form = TokenForm()
    return render(
        request,
        "api/token.html",
        {
            "form": form,
            "segreto": segreto,
            "token": TokenPersonale.objects.filter(utente=request.user),
        },
    )


@require_POST
def revoca(request, pk):
    # Another user's token is not found: each person sees and revokes only her own.
    token = get_object_or_404(TokenPersonale, utente=request.user, pk=pk)
    if token.revocato_il is None:
        token.revocato_il = timezone.now()
        token.save(update_fields=["revocato_il"])
    messages.success(request, _("Token «%(nome)s» revocato.") % {"nome": token.nome})
    return redirect("api-token:elenco")
