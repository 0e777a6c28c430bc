"""Meetings: schedule them, and record attendance, outcomes, minutes and attachments on one page
without full reloads."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ambiti.models import AreaPolicy
from ambiti.permissions import get_ambito_for_reader
from core.flusso import OperazioneNonAmmessa
from core.moduli import a_capo_unix, campi_vuoti

from . import services
from .forms import (
    AllegatoForm,
    CommentoForm,
    EsitoForm,
    IncontroForm,
    PresenzeForm,
    VerbaleForm,
    esito_vuoto,
)
from .models import BozzaLocale, Esito, Incontro, Presenza
from .permissions import (
    can_approve_verbale,
    can_comment_verbale,
    can_edit_incontri,
    can_publish_tavoli,
    can_view_verbale,
    get_incontro_for_editor,
    get_incontro_for_reader,
    get_tavolo_for_editor,
    get_tavolo_for_reader,
)


def _tavolo_editor(request, slug, pk):
    ambito = get_ambito_for_reader(request.user, slug)
    return ambito, get_tavolo_for_editor(request.user, ambito, pk)


def _incontro_lettore(request, slug, pk, ipk):
    ambito = get_ambito_for_reader(request.user, slug)
    tavolo = get_tavolo_for_reader(request.user, ambito, pk)
    return ambito, tavolo, get_incontro_for_reader(request.user, tavolo, ipk)


def _incontro_editor(request, slug, pk, ipk):
    ambito, tavolo = _tavolo_editor(request, slug, pk)
    return ambito, tavolo, get_incontro_for_editor(request.user, tavolo, ipk)


@require_http_methods(["GET", "POST"])
def incontro_nuovo(request, slug, pk):
    ambito, tavolo = _tavolo_editor(request, slug, pk)
    form = IncontroForm(request.POST or None, instance=Incontro(tavolo=tavolo))
    if request.method == "POST" and form.is_valid():
        incontro = services.programma_incontro(incontro=form.instance, utente=request.user)
        messages.success(request, _("Incontro programmato: i membri ricevono l'invito."))
        return redirect("tavoli:incontro", slug=ambito.slug, pk=tavolo.pk, ipk=incontro.pk)
    return render(
        request, "tavoli/incontro_form.html", {"ambito": ambito, "tavolo": tavolo, "form": form}
    )


@require_http_methods(["GET", "POST"])
def incontro_modifica(request, slug, pk, ipk):
    ambito, tavolo, incontro = _incontro_editor(request, slug, pk, ipk)
    # Date, place and agenda are printed in the approved minutes: they are locked with them.
    if rifiuto := _rifiuta_se_bloccato(request, incontro):
        return rifiuto
    form = IncontroForm(request.POST or None, instance=incontro)
    if request.method == "POST" and form.is_valid():
        cambiato = bool({"inizio", "fine", "luogo", "link_online"} & set(form.changed_data))
        try:
            services.aggiorna_incontro(incontro=form.instance, invia_inviti=cambiato)
        except OperazioneNonAmmessa as errore:
            return _rifiuto(errore)
        messages.success(request, _("Incontro aggiornato."))
        return redirect("tavoli:incontro", slug=ambito.slug, pk=tavolo.pk, ipk=incontro.pk)
    return render(
        request,
        "tavoli/incontro_form.html",
        {"ambito": ambito, "tavolo": tavolo, "form": form, "incontro": incontro},
    )


def _contesto(request, ambito, tavolo, incontro, **extra):
    """Everything the meeting page shows, in a fixed number of queries."""
    incontro = (
        Incontro.objects.filter(pk=incontro.pk)
        .select_related("approvato_da")
        .prefetch_related(
            Prefetch(
                "esiti",
                queryset=Esito.objects.select_related("area_policy")
                .prefetch_related("obiettivi")
                .order_by("ordine", "pk"),
            ),
            Prefetch("presenze", queryset=Presenza.objects.select_related("membro__ente")),
            "allegati",
        )
        .get()
    )
    incontro.tavolo = tavolo
    modificabile = can_edit_incontri(request.user, tavolo)
    membri = list(tavolo.membri.select_related("ente", "utente"))
    presenze = {p.membro_id: p for p in incontro.presenze.all()}
    esiti = {tipo: [] for tipo in Esito.Tipo.values}
    for esito in incontro.esiti.all():
        esiti[esito.tipo].append(esito)
    # The empty forms of the outcomes, drawn once per process and per list of policy areas.
    campi_esito = {}
    if modificabile and not incontro.is_bloccato:
        aree = tuple(AreaPolicy.objects.correnti().order_by("pk").values_list("pk", "nome"))
        campi_esito = {t: campi_vuoti(esito_vuoto, t, dipende_da=aree) for t in Esito.Tipo.values}
    contesto = {
        "ambito": ambito,
        "tavolo": tavolo,
        "incontro": incontro,
        "modificabile": modificabile and not incontro.is_bloccato,
        "puo_modificare": modificabile,
        "puo_approvare": can_approve_verbale(request.user, tavolo),
        "puo_pubblicare": can_publish_tavoli(request.user, ambito),
        "puo_vedere_verbale": can_view_verbale(request.user, incontro),
        "puo_commentare": can_comment_verbale(request.user, incontro),
        "membri": membri,
        "presenze": presenze,
        "totale_partecipanti": sum(p.partecipanti for p in presenze.values()),
        "sezioni_esiti": [
            (tipo, etichetta, esiti[tipo], campi_esito.get(tipo))
            for tipo, etichetta in Esito.Tipo.choices
        ],
        "commenti": incontro.commenti.select_related("autore"),
        "transizioni": incontro.transizioni.select_related("utente"),
    }
    if modificabile:
        bozza = BozzaLocale.objects.filter(incontro=incontro, utente=request.user).first()
        contesto |= {
            "form_presenze": PresenzeForm(membri=membri, presenze=presenze),
            "form_verbale": VerbaleForm(
                initial={"testo": incontro.verbale, "versione": incontro.versione}
            ),
            # Texts saved before line endings were normalised may still hold "\r\n".
            "bozza": (
                bozza
                if bozza and a_capo_unix(bozza.testo) != a_capo_unix(incontro.verbale)
                else None
            ),
            # A form with errors comes in `extra` as form_allegato.
            "campi_allegato": campi_vuoti(AllegatoForm),
        }
    if contesto["puo_commentare"]:
        contesto["campi_commento"] = campi_vuoti(CommentoForm)
    contesto.update(extra)
    return contesto


def _sezione(request, ambito, tavolo, incontro, partial, **extra):
    return render(
        request,
        f"tavoli/incontro.html#{partial}",
        _contesto(request, ambito, tavolo, incontro, frammento=True, **extra),
    )


@require_GET
def incontro(request, slug, pk, ipk):
    ambito, tavolo, incontro = _incontro_lettore(request, slug, pk, ipk)
    return render(request, "tavoli/incontro.html", _contesto(request, ambito, tavolo, incontro))


def _rifiuto(errore):
    return HttpResponse(str(errore), status=409)


def _rifiuta_se_bloccato(request, incontro):
    """Refused before the form is read; the service checks again under the meeting's lock."""
    try:
        services.verifica_modificabile(incontro)
    except OperazioneNonAmmessa as errore:
        return _rifiuto(errore)
    return None


@require_POST
def presenze(request, slug, pk, ipk):
    ambito, tavolo, incontro = _incontro_editor(request, slug, pk, ipk)
    if rifiuto := _rifiuta_se_bloccato(request, incontro):
        return rifiuto
    membri = list(tavolo.membri.select_related("ente", "utente"))
    esistenti = {p.membro_id: p for p in incontro.presenze.all()}
    form = PresenzeForm(request.POST, membri=membri, presenze=esistenti)
    extra = {}
    if form.is_valid():
        try:
            services.registra_presenze(incontro=incontro, partecipanti=form.partecipanti())
        except OperazioneNonAmmessa as errore:
            return _rifiuto(errore)
        extra["salvato_presenze"] = True
    else:
        extra["form_presenze"] = form
    if request.htmx:
        return _sezione(request, ambito, tavolo, incontro, "presenze", **extra)
    return redirect("tavoli:incontro", slug=ambito.slug, pk=tavolo.pk, ipk=incontro.pk)


@require_POST
def esito_nuovo(request, slug, pk, ipk, tipo):
    ambito, tavolo, incontro = _incontro_editor(request, slug, pk, ipk)
    if tipo not in Esito.Tipo.values:
        return HttpResponse(status=404)
    if rifiuto := _rifiuta_se_bloccato(request, incontro):
        return rifiuto
    form = EsitoForm(request.POST, prefix=tipo, initial={"tipo": tipo})
    extra = {}
    if form.is_valid() and form.cleaned_data["tipo"] == tipo:
        try:
            services.aggiungi_esito(
                incontro=incontro, esito=form.save(commit=False), utente=request.user
            )
        except OperazioneNonAmmessa as errore:
            return _rifiuto(errore)
    else:
        extra["form_errato"] = (tipo, form)
    if request.htmx:
        return _sezione(request, ambito, tavolo, incontro, "esiti", **extra)
    return redirect("tavoli:incontro", slug=ambito.slug, pk=tavolo.pk, ipk=incontro.pk)


@require_POST
def esito_elimina(request, slug, pk, ipk, epk):
    ambito, tavolo, incontro = _incontro_editor(request, slug, pk, ipk)
    if rifiuto := _rifiuta_se_bloccato(request, incontro):
        return rifiuto
    esito = get_object_or_404(Esito, incontro=incontro, pk=epk)
    try:
        services.elimina_esito(incontro=incontro, esito=esito)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    if request.htmx:
        return _sezione(request, ambito, tavolo, incontro, "esiti")
    return redirect("tavoli:incontro", slug=ambito.slug, pk=tavolo.pk, ipk=incontro.pk)


@require_POST
def allegato_nuovo(request, slug, pk, ipk):
    ambito, tavolo, incontro = _incontro_editor(request, slug, pk, ipk)
    if rifiuto := _rifiuta_se_bloccato(request, incontro):
        return rifiuto
    form = AllegatoForm(request.POST, request.FILES)
    extra = {}
    if form.is_valid():
        try:
            services.aggiungi_allegato(
                incontro=incontro,
                allegato=form.save(commit=False),
                file=form.cleaned_data["file"],
                utente=request.user,
            )
        except OperazioneNonAmmessa as errore:
            return _rifiuto(errore)
    else:
        extra["form_allegato"] = form
    if request.htmx:
        return _sezione(request, ambito, tavolo, incontro, "allegati", **extra)
    return redirect("tavoli:incontro", slug=ambito.slug, pk=tavolo.pk, ipk=incontro.pk)


@require_GET
def allegato(request, slug, pk, ipk, apk):
    *_, incontro = _incontro_lettore(request, slug, pk, ipk)
    if not can_view_verbale(request.user, incontro):
        return HttpResponse(status=404)
    allegato = get_object_or_404(incontro.allegati, pk=apk)
    return FileResponse(allegato.file.open("rb"), as_attachment=True, filename=allegato.nome)
