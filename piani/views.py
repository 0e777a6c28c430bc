"""The plan of an ambito: list, creation, outline with its sections, states and versions."""

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can_manage_ambito, check_access
from ambiti.models import AreaPolicy, Periodo
from ambiti.permissions import get_ambito_for_reader
from core.flusso import OperazioneNonAmmessa
from core.moduli import intero_o_none

from . import services
from .forms import ScadenzaRevisioneForm
from .models import Piano, Sezione, VersionePiano
from .permissions import (
    can_comment_piano,
    can_edit_piano,
    can_view_piani,
    can_view_piano,
    can_view_versioni,
    get_piano_for_editor,
    get_piano_for_reader,
)


def _ambito(request, slug):
    ambito = get_ambito_for_reader(request.user, slug)
    check_access(can_view=can_view_piani(request.user, ambito))
    return ambito


@require_GET
def elenco(request, slug):
    """Every role of the ambito reaches the list. Each plan is listed to whoever may read it;
    one she may not read now (a new draft) still lists its frozen versions to whoever reads
    those, so that a sindaco or an ente finds the version put to the Assemblea."""
    ambito = get_ambito_for_reader(request.user, slug)
    legge_versioni = can_view_versioni(request.user, ambito)
    righe = []
    for piano in (
        Piano.objects.filter(ambito=ambito)
        .select_related("periodo")
        # Each version's HTML is the whole plan: the list shows numbers and outcomes.
        .prefetch_related(Prefetch("versioni", queryset=VersionePiano.objects.defer("html")))
    ):
        leggibile = can_view_piano(request.user, piano)
        versioni = list(piano.versioni.all()) if legge_versioni else []
        if leggibile or versioni:
            righe.append({"piano": piano, "leggibile": leggibile, "versioni": versioni})
    gestisce = can_manage_ambito(request.user, ambito)
    periodi_liberi = Periodo.objects.exclude(piani__ambito=ambito) if gestisce else []
    return render(
        request,
        "piani/elenco.html",
        {
            "ambito": ambito,
            "righe": righe,
            "piani": [r["piano"] for r in righe if r["leggibile"]],
            "periodi_liberi": periodi_liberi,
            "puo_gestire": gestisce,
            "puo_leggere": can_view_piani(request.user, ambito),
        },
    )


@require_POST
def crea(request, slug):
    ambito = _ambito(request, slug)
    check_access(can_act=can_manage_ambito(request.user, ambito))
    periodo = get_object_or_404(
        Periodo.objects.exclude(piani__ambito=ambito), pk=intero_o_none(request.POST.get("periodo"))
    )
    piano = services.crea_piano(ambito=ambito, periodo=periodo, utente=request.user)
    messages.success(request, _("Piano creato dal modello delle sezioni."))
    return redirect("piani:dettaglio", slug=ambito.slug, pk=piano.pk)


@require_GET
def dettaglio(request, slug, pk):
    ambito = _ambito(request, slug)
    piano = get_piano_for_reader(request.user, ambito, pk)
    sezioni = list(
        piano.sezioni.select_related("area", "modificata_da")
        # The outline lists titles: the texts are read by each section's page.
        .defer("testo")
        .annotate(
            commenti_aperti=Count(
                "commenti", filter=Q(commenti__risolto=False, commenti__risposta_a=None)
            )
        )
    )
    _indirizzi_sezioni(ambito, piano, sezioni)
    return render(
        request,
        "piani/dettaglio.html",
        {
            "ambito": ambito,
            "piano": piano,
            "sezioni": sezioni,
            # Each version's HTML is the whole plan: the page lists them, it does not show them.
            "versioni": piano.versioni.select_related("creata_da").defer("html"),
            "transizioni": piano.transizioni.select_related("utente"),
            "rendering": piano.rendering.filter(versione=None).first(),
            "aree": AreaPolicy.objects.filter(periodo=piano.periodo),
            "blocchi": Sezione.Blocco.choices,
            "puo_modificare": can_edit_piano(request.user, piano) and piano.modificabile,
            "puo_gestire": can_edit_piano(request.user, piano),
            "puo_commentare": can_comment_piano(request.user, piano),
        },
    )


# A section's links and forms, by their URL names (and arguments after the section's pk).
LINK_SEZIONE = {
    "url": ("piani:sezione",),
    "url_commenti": ("piani:commenti",),
    "url_revisioni": ("piani:revisioni",),
    "url_su": ("piani:sezione-sposta", "su"),
    "url_giu": ("piani:sezione-sposta", "giu"),
    "url_elimina": ("piani:sezione-elimina",),
}


def _indirizzi_sezioni(ambito, piano, sezioni):
    """Each section's six addresses, reversed once for the plan and not six times a section:
    on a plan of forty sections they were a good part of the page's time."""
    segnaposto = "/sezioni/0/"
    modelli = {
        attributo: reverse(nome, args=[ambito.slug, piano.pk, 0, *resto])
        for attributo, (nome, *resto) in LINK_SEZIONE.items()
    }
    for sezione in sezioni:
        proprio = f"/sezioni/{sezione.pk}/"
        for attributo, modello in modelli.items():
            setattr(sezione, attributo, modello.replace(segnaposto, proprio, 1))


AZIONI = {
    "invia": (services.invia_in_revisione, _("Piano inviato in revisione.")),
    "bozza": (services.riporta_in_bozza, _("Il piano è di nuovo in bozza.")),
    "congela": (
        services.congela,
        _("Versione per l'Assemblea congelata: il PDF è in preparazione."),
    ),
    "apri-enti": (
        services.apri_revisione_enti,
        _("Revisione aperta agli enti partecipanti: ora possono commentare il piano."),
    ),
    "chiudi-enti": (
        services.chiudi_revisione_enti,
        _("Revisione chiusa agli enti partecipanti: continuano a leggere il piano."),
    ),
}


@require_POST
def transizione(request, slug, pk, azione):
    if azione not in AZIONI and azione != "scadenza":
        raise Http404
    ambito = _ambito(request, slug)
    piano = get_piano_for_editor(request.user, ambito, pk)
    # The review's deadline comes with the sending to review, or alone while it lasts.
    scadenza = ScadenzaRevisioneForm(request.POST)
    if azione in ("invia", "scadenza") and not scadenza.is_valid():
        for errore in scadenza.errors.get("scadenza_revisione", []):
            messages.error(request, errore)
        return redirect("piani:dettaglio", slug=ambito.slug, pk=piano.pk)
    if azione == "scadenza":
        servizio, messaggio = _imposta_scadenza(scadenza), _("Scadenza della revisione salvata.")
    else:
        servizio, messaggio = AZIONI[azione]
    try:
        servizio(piano=piano, utente=request.user)
        if azione == "invia" and scadenza.cleaned_data["scadenza_revisione"]:
            _imposta_scadenza(scadenza)(piano=piano, utente=request.user)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        messages.success(request, messaggio)
    return redirect("piani:dettaglio", slug=ambito.slug, pk=piano.pk)


def _imposta_scadenza(form):
    def servizio(*, piano, utente):
        return services.imposta_scadenza_revisione(
            piano=piano, utente=utente, scadenza=form.cleaned_data["scadenza_revisione"]
        )

    return servizio


@require_POST
def sezione_aggiungi(request, slug, pk):
    ambito = _ambito(request, slug)
    piano = get_piano_for_editor(request.user, ambito, pk)
    titolo = request.POST.get("titolo", "").strip()
    blocco = request.POST.get("blocco", "")
    area = AreaPolicy.objects.filter(
        periodo=piano.periodo, pk=intero_o_none(request.POST.get("area"))
    ).first()
    if not titolo or blocco not in Sezione.Blocco.values:
        messages.error(request, _("Indica il titolo della nuova sezione."))
    else:
        try:
            services.aggiungi_sezione(
                piano=piano, titolo=titolo[:200], blocco=blocco, area=area, utente=request.user
            )
        except OperazioneNonAmmessa as errore:
            messages.error(request, str(errore))
    return redirect("piani:dettaglio", slug=ambito.slug, pk=piano.pk)


@require_POST
def sezione_sposta(request, slug, pk, spk, verso):
    if verso not in ("su", "giu"):
        raise Http404
    ambito = _ambito(request, slug)
    piano = get_piano_for_editor(request.user, ambito, pk)
    sezione = get_object_or_404(piano.sezioni, pk=spk)
    try:
        services.sposta_sezione(sezione=sezione, verso=-1 if verso == "su" else 1)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    return redirect("piani:dettaglio", slug=ambito.slug, pk=piano.pk)


@require_POST
def sezione_elimina(request, slug, pk, spk):
    ambito = _ambito(request, slug)
    piano = get_piano_for_editor(request.user, ambito, pk)
    sezione = get_object_or_404(piano.sezioni, pk=spk)
    try:
        services.elimina_sezione(sezione=sezione)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        messages.success(request, _("Sezione eliminata."))
    return redirect("piani:dettaglio", slug=ambito.slug, pk=piano.pk)


def richiedi_lettore(request, slug, pk):
    ambito = _ambito(request, slug)
    piano = get_piano_for_reader(request.user, ambito, pk)
    return ambito, piano


def richiedi_commentatore(request, slug, pk):
    ambito, piano = richiedi_lettore(request, slug, pk)
    check_access(can_act=can_comment_piano(request.user, piano))
    return ambito, piano
