"""Editing one section of the plan: concurrent editors, conflicts, revisions, comments."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import check_access
from core.flusso import OperazioneNonAmmessa
from core.moduli import intero_o_none

from . import services
from .confronto import confronta
from .forms import SezioneForm
from .models import CommentoSezione, RevisioneSezione
from .permissions import can_comment_piano, can_resolve_commento, get_piano_for_editor
from .sanitizzazione import pulisci
from .views import _ambito, richiedi_commentatore, richiedi_lettore


class CommentoForm(forms.Form):
    testo = forms.CharField(
        label=gettext_lazy("Commento"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


def _sezione_editor(request, slug, pk, spk):
    ambito = _ambito(request, slug)
    piano = get_piano_for_editor(request.user, ambito, pk)
    sezione = get_object_or_404(piano.sezioni.select_related("modificata_da"), pk=spk)
    return ambito, piano, sezione


@require_http_methods(["GET", "POST"])
def modifica(request, slug, pk, spk):
    ambito, piano, sezione = _sezione_editor(request, slug, pk, spk)
    if not piano.modificabile:
        messages.error(request, _("Il piano è congelato per l'Assemblea: crea una nuova bozza."))
        return redirect("piani:dettaglio", slug=ambito.slug, pk=piano.pk)
    form = SezioneForm(
        request.POST or None,
        initial={"titolo": sezione.titolo, "testo": sezione.testo, "versione": sezione.versione},
    )
    contesto = {"ambito": ambito, "piano": piano, "sezione": sezione, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.salva_sezione(
                sezione=sezione,
                titolo=form.cleaned_data["titolo"],
                testo=form.cleaned_data["testo"],
                versione_letta=form.cleaned_data["versione"],
                utente=request.user,
            )
        except services.ConflittoSezione as conflitto:
            contesto["conflitto"] = conflitto
            # Both texts as a reader sees them: cleaned again, then shown as HTML, not as code.
            contesto["testo_altrui"] = mark_safe(pulisci(conflitto.testo_attuale))  # noqa: S308
            contesto["testo_proprio"] = mark_safe(pulisci(conflitto.testo_proposto))  # noqa: S308
            contesto["form"] = SezioneForm(
                initial={
                    "titolo": conflitto.titolo_proposto,
                    "testo": conflitto.testo_proposto,
                    "versione": conflitto.versione_attuale,
                }
            )
            return render(request, "piani/sezione_form.html", contesto, status=409)
        messages.success(request, _("Sezione salvata."))
        return redirect("piani:dettaglio", slug=ambito.slug, pk=piano.pk)
    contesto["altri_editor"] = services.segna_presenza(sezione=sezione, utente=request.user)
    return render(request, "piani/sezione_form.html", contesto)


@require_POST
def presenza(request, slug, pk, spk):
    """Heartbeat of an open editor; answers with who else is editing the section."""
    ambito, piano, sezione = _sezione_editor(request, slug, pk, spk)
    altri = (
        services.segna_presenza(sezione=sezione, utente=request.user) if piano.modificabile else []
    )
    return render(
        request,
        "piani/sezione_form.html#presenza",
        {"ambito": ambito, "piano": piano, "sezione": sezione, "altri_editor": altri},
    )


@require_GET
def revisioni(request, slug, pk, spk):
    ambito, piano, sezione = _sezione_editor(request, slug, pk, spk)
    elenco = list(sezione.revisioni.select_related("autore"))
    confronto = prima = dopo = None
    a, b = request.GET.get("a"), request.GET.get("b")
    if a and b:
        per_versione = {str(r.versione): r for r in elenco}
        prima, dopo = per_versione.get(a), per_versione.get(b)
        if prima and dopo:
            # The texts as a reader sees them, word by word (piani/confronto.py).
            confronto = confronta(pulisci(prima.testo), pulisci(dopo.testo))
    return render(
        request,
        "piani/revisioni.html",
        {
            "ambito": ambito,
            "piano": piano,
            "sezione": sezione,
            "revisioni": elenco,
            "confronto": confronto,
            "prima": prima,
            "dopo": dopo,
            "a": a,
            "b": b,
        },
    )


@require_POST
def ripristina(request, slug, pk, spk, versione):
    ambito, piano, sezione = _sezione_editor(request, slug, pk, spk)
    revisione = get_object_or_404(RevisioneSezione, sezione=sezione, versione=versione)
    prima = sezione.versione
    try:
        aggiornata = services.ripristina_revisione(revisione=revisione, utente=request.user)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        if aggiornata.versione == prima:
            messages.info(request, _("Il testo attuale è già uguale a quella versione."))
        else:
            messages.success(
                request, _("Ripristinata la versione %(n)s come nuova revisione.") % {"n": versione}
            )
    return redirect("piani:revisioni", slug=ambito.slug, pk=piano.pk, spk=sezione.pk)


@require_http_methods(["GET", "POST"])
def commenti(request, slug, pk, spk):
    ambito, piano = richiedi_lettore(request, slug, pk)
    sezione = get_object_or_404(piano.sezioni, pk=spk)
    form = CommentoForm(request.POST or None)
    if request.method == "POST":
        ambito, piano = richiedi_commentatore(request, slug, pk)
        if form.is_valid():
            risposta_a = sezione.commenti.filter(
                pk=intero_o_none(request.POST.get("risposta_a"))
            ).first()
            try:
                services.commenta_sezione(
                    piano=piano,
                    sezione=sezione,
                    utente=request.user,
                    testo=form.cleaned_data["testo"],
                    risposta_a=risposta_a,
                )
            except OperazioneNonAmmessa as errore:
                messages.error(request, str(errore))
            return redirect("piani:commenti", slug=ambito.slug, pk=piano.pk, spk=sezione.pk)
    discussione = list(
        sezione.commenti.filter(risposta_a=None)
        .select_related("autore", "risolto_da")
        .prefetch_related("risposte__autore")
    )
    for commento in discussione:
        commento.puo_risolvere = can_resolve_commento(request.user, commento, piano)
    return render(
        request,
        "piani/commenti.html",
        {
            "ambito": ambito,
            "piano": piano,
            "sezione": sezione,
            "discussione": discussione,
            "form": form,
            "puo_commentare": can_comment_piano(request.user, piano),
        },
    )


@require_POST
def commento_risolvi(request, slug, pk, spk, cpk):
    ambito, piano = richiedi_commentatore(request, slug, pk)
    commento = get_object_or_404(CommentoSezione, sezione__piano=piano, sezione_id=spk, pk=cpk)
    check_access(can_act=can_resolve_commento(request.user, commento, piano))
    try:
        services.risolvi_commento(commento=commento, piano=piano, utente=request.user)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    return redirect("piani:commenti", slug=ambito.slug, pk=piano.pk, spk=spk)
