"""Evaluation of the previous plan: how far each objective got, and what continues."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ambiti.models import Periodo
from ambiti.permissions import get_ambito_for_manager
from core.moduli import NESSUNO

from .forms import ValutazioneForm
from .models import Obiettivo, Valutazione
from .permissions import can_manage_obiettivi
from .views import _ambito_lettore


def _periodi(request):
    """The plan being evaluated (the one before the current, unless asked) and its successor."""
    corrente = Periodo.objects.corrente()
    precedenti = Periodo.objects.filter(anno_fine__lt=corrente.anno_inizio) if corrente else []
    nome = request.GET.get("periodo")
    precedente = Periodo.objects.filter(nome=nome).first() if nome else precedenti.first()
    if precedente is None or corrente is None:
        raise Http404
    return precedente, corrente


def _righe(ambito, precedente, corrente, moduli=None):
    successivi = Obiettivo.objects.dell_ambito(ambito, corrente).order_by("codice")
    obiettivi = (
        Obiettivo.objects.dell_ambito(ambito, precedente)
        .select_related("valutazione__obiettivo_successivo")
        .prefetch_related("aree_policy")
        .order_by("codice")
    )
    scelte = [("", NESSUNO), *((o.pk, str(o)) for o in successivi)]
    righe = []
    for obiettivo in obiettivi:
        valutazione = getattr(obiettivo, "valutazione", None)
        form = (moduli or {}).get(obiettivo.pk) or ValutazioneForm(
            instance=valutazione,
            successivi=successivi,
            scelte_successivi=scelte,
            prefix=f"v{obiettivo.pk}",
        )
        righe.append((obiettivo, valutazione, form))
    return righe


@require_GET
def valutazione(request, slug):
    ambito = _ambito_lettore(request, slug)
    precedente, corrente = _periodi(request)
    return render(
        request,
        "obiettivi/valutazione.html",
        {
            "ambito": ambito,
            "precedente": precedente,
            "corrente": corrente,
            "righe": _righe(ambito, precedente, corrente),
            "puo_gestire": can_manage_obiettivi(request.user, ambito),
        },
    )


@require_POST
def valutazione_salva(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    obiettivo = get_object_or_404(Obiettivo.objects.select_related("periodo"), ambito=ambito, pk=pk)
    corrente = Periodo.objects.corrente()
    if corrente is None or obiettivo.periodo.anno_inizio >= corrente.anno_inizio:
        raise Http404
    successivi = Obiettivo.objects.dell_ambito(ambito, corrente)
    istanza = Valutazione.objects.filter(obiettivo=obiettivo).first() or Valutazione(
        obiettivo=obiettivo
    )
    form = ValutazioneForm(
        request.POST, instance=istanza, successivi=successivi, prefix=f"v{obiettivo.pk}"
    )
    if form.is_valid():
        valutazione = form.save(commit=False)
        valutazione.valutato_da = request.user
        valutazione.save()
        indirizzo = reverse("obiettivi:valutazione", kwargs={"slug": ambito.slug})
        return redirect(f"{indirizzo}?periodo={obiettivo.periodo.nome}#ob-{obiettivo.pk}")
    return render(
        request,
        "obiettivi/valutazione.html",
        {
            "ambito": ambito,
            "precedente": obiettivo.periodo,
            "corrente": corrente,
            "righe": _righe(ambito, obiettivo.periodo, corrente, {obiettivo.pk: form}),
            "puo_gestire": True,
        },
        status=200,
    )
