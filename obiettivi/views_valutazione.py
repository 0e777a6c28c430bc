"""Evaluation of the previous plan: how far each objective got, what continues, and what was
spent against what was planned."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ambiti.models import Periodo
from ambiti.permissions import get_ambito_for_manager
from core.moduli import NESSUNO, campi_vuoti

from .confronto_spesa import confronto
from .forms import ValutazioneForm
from .forms_valutazione import SpeseForm
from .models import Fondo, Obiettivo, Risorsa, SpesaEffettiva, Valutazione
from .permissions import can_manage_obiettivi
from .services_valutazione import salva_spese
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


def _modulo_disegnabile(prefisso, valori, scelte):
    """The evaluation form of one objective as the page first shows it, from hashable values
    only, for core.moduli.campi_vuoti: `valori` are the evaluation's (grado, criticita,
    prosegue, obiettivo_successivo_id), or None where there is none yet; `scelte` the new
    plan's objectives as (pk, label)."""
    istanza = None
    if valori is not None:
        grado, criticita, prosegue, successivo = valori
        istanza = Valutazione(
            grado=grado, criticita=criticita, prosegue=prosegue, obiettivo_successivo_id=successivo
        )
    return ValutazioneForm(
        instance=istanza,
        successivi=Obiettivo.objects.none(),
        scelte_successivi=[("", NESSUNO), *scelte],
        prefix=prefisso,
    )


def _disegnato(obiettivo, valutazione, scelte):
    """The unbound form's fields, drawn by crispy once per process for each state of the
    evaluation: fifteen forms of four fields were most of the page's CPU (issue 16)."""
    valori = None
    if valutazione is not None:
        valori = (
            valutazione.grado,
            valutazione.criticita,
            valutazione.prosegue,
            valutazione.obiettivo_successivo_id,
        )
    return campi_vuoti(_modulo_disegnabile, f"v{obiettivo.pk}", valori, scelte)


def _righe(ambito, precedente, corrente, moduli=None):
    successivi = Obiettivo.objects.dell_ambito(ambito, corrente).order_by("codice")
    # The lines are summed by year and fund (confronto): no order needed, and Meta.ordering
    # would join them to the region's objectives.
    obiettivi = (
        Obiettivo.objects.dell_ambito(ambito, precedente)
        .select_related("valutazione__obiettivo_successivo")
        .prefetch_related(
            # As lists (to_attr): a related manager's queryset per objective was most of the
            # prefetch's time.
            Prefetch(
                "risorse",
                queryset=Risorsa.objects.select_related("fondo").order_by(),
                to_attr="risorse_lette",
            ),
            Prefetch(
                "spese_effettive",
                queryset=SpesaEffettiva.objects.select_related("fondo").order_by(),
                to_attr="spese_lette",
            ),
        )
        .order_by("codice")
    )
    scelte = tuple((o.pk, str(o)) for o in successivi.only("codice", "titolo"))
    righe = []
    for obiettivo in obiettivi:
        valutazione = getattr(obiettivo, "valutazione", None)
        # A form with errors is drawn by the template; the others come drawn.
        form = (moduli or {}).get(obiettivo.pk) or _disegnato(obiettivo, valutazione, scelte)
        # Planned against spent, on the object: the rows stay (objective, evaluation, form).
        obiettivo.confronto_spesa = confronto([obiettivo])
        righe.append((obiettivo, valutazione, form))
    return righe


def _contesto(ambito, precedente, corrente, righe, puo_gestire):
    return {
        "ambito": ambito,
        "precedente": precedente,
        "corrente": corrente,
        "righe": righe,
        "confronto_piano": confronto(o for o, _v, _f in righe),
        "puo_gestire": puo_gestire,
    }


@require_GET
def valutazione(request, slug):
    ambito = _ambito_lettore(request, slug)
    precedente, corrente = _periodi(request)
    righe = _righe(ambito, precedente, corrente)
    puo_gestire = can_manage_obiettivi(request.user, ambito)
    return render(
        request,
        "obiettivi/valutazione.html",
        _contesto(ambito, precedente, corrente, righe, puo_gestire),
    )


@require_POST
def valutazione_salva(request, slug, pk):
    ambito, obiettivo, corrente = _da_valutare(request, slug, pk)
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
    righe = _righe(ambito, obiettivo.periodo, corrente, {obiettivo.pk: form})
    return render(
        request,
        "obiettivi/valutazione.html",
        _contesto(ambito, obiettivo.periodo, corrente, righe, True),
        status=200,
    )


def _da_valutare(request, slug, pk):
    """The ambito, an objective of one of its earlier plans, the current period; 403 to whoever
    does not manage the ambito, 404 for another ambito's objective or one of the current plan."""
    ambito = get_ambito_for_manager(request.user, slug)
    obiettivo = get_object_or_404(Obiettivo.objects.select_related("periodo"), ambito=ambito, pk=pk)
    corrente = Periodo.objects.corrente()
    if corrente is None or obiettivo.periodo.anno_inizio >= corrente.anno_inizio:
        raise Http404
    return ambito, obiettivo, corrente


@require_http_methods(["GET", "POST"])
def valutazione_spesa(request, slug, pk):
    ambito, obiettivo, _corrente = _da_valutare(request, slug, pk)
    risorse = list(obiettivo.risorse.select_related("fondo"))
    spese = list(obiettivo.spese_effettive.select_related("fondo"))
    # The active funds, and any other this objective was planned or spent on.
    usati = {r.fondo for r in risorse + spese}
    fondi = sorted(set(Fondo.objects.filter(attivo=True)) | usati, key=lambda f: (f.ordine, f.nome))
    form = SpeseForm(
        request.POST or None,
        anni=obiettivo.periodo.anni,
        fondi=fondi,
        spese=spese,
        programmato=risorse,
    )
    indirizzo = reverse("obiettivi:valutazione", kwargs={"slug": ambito.slug})
    indietro = f"{indirizzo}?periodo={obiettivo.periodo.nome}#ob-{obiettivo.pk}"
    if request.method == "POST" and form.is_valid():
        salva_spese(obiettivo=obiettivo, importi=form.importi(), utente=request.user)
        messages.success(request, _("Spesa effettiva salvata."))
        return redirect(indietro)
    return render(
        request,
        "obiettivi/spesa_form.html",
        {"ambito": ambito, "obiettivo": obiettivo, "form": form, "indietro": indietro},
    )
