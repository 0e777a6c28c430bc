"""The public pages: anyone reads them, signed in or not (no login, no cookie set).

What each page may show is decided in pubblico/selezioni.py alone; a view only fetches it and
answers 404 for what is not public, the same answer as for what does not exist.
"""

import re

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from assemblea.models import Seduta
from assemblea.verbale import verbale_pdf as genera_verbale
from core import firma
from obiettivi import grafici
from obiettivi.calcoli import tabella_risorse
from obiettivi.views import fondi_in_uso, panoramica_per_area
from piani.rendering import nome_file

from . import selezioni
from .documento import sezioni_pubbliche

TITOLO_SEZIONE = re.compile(r'<h2 id="([\w-]+)">(.*?)</h2>', re.DOTALL)
# The minutes of a closed session do not change: typeset once a day at most per session.
DURATA_VERBALE = 24 * 3600


def _ambito(slug):
    return get_object_or_404(selezioni.ambiti(), slug=slug)


def _versione(ambito, pk):
    versione = selezioni.versione_approvata(ambito, pk)
    if versione is None:
        raise Http404
    return versione


def pubblica(vista):
    return login_not_required(require_safe(vista))


@pubblica
def indice(request):
    return render(request, "pubblico/indice.html", {"ambiti": selezioni.ambiti()})


@pubblica
def ambito(request, slug):
    ambito = _ambito(slug)
    return render(
        request,
        "pubblico/ambito.html",
        {"ambito": ambito, "piani": selezioni.piani_approvati(ambito)},
    )


@pubblica
def piano(request, slug, pk):
    ambito = _ambito(slug)
    versione = _versione(ambito, pk)
    votazione = selezioni.votazione_di_approvazione(versione)
    recepimenti = selezioni.recepimenti(versione)
    documento, votato = selezioni.documento_votato(versione)
    # Cleaned by sezioni_pubbliche (nh3, a fixed set of tags and attributes).
    sezioni = mark_safe(sezioni_pubbliche(versione.html))  # noqa: S308
    indice_sezioni = [
        (ancora, mark_safe(titolo))  # noqa: S308 - a fragment of the cleaned text above
        for ancora, titolo in TITOLO_SEZIONE.findall(sezioni)
    ]
    return render(
        request,
        "pubblico/piano.html",
        {
            "ambito": ambito,
            "versione": versione,
            "piano": versione.piano,
            "documento": documento,
            "votato": votato,
            "copia_approvata": selezioni.copia_approvata(versione, votato),
            "firma_configurata": firma.configurata(),
            "votazione": votazione,
            "risultato": votazione.risultato if votazione else None,
            "nominali": selezioni.voti_nominali(votazione),
            "recepimenti": recepimenti,
            "recepiti": sum(1 for _comune, atto in recepimenti if atto),
            "sezioni": sezioni,
            "indice_sezioni": indice_sezioni,
        },
    )


def _scarica(campo, nome):
    if not campo:
        raise Http404
    try:
        file = campo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(file, as_attachment=True, filename=nome, content_type="application/pdf")


def _nome_pdf(versione, render_pdf):
    render_pdf.piano = versione.piano
    render_pdf.versione = versione
    return nome_file(render_pdf)


@pubblica
def piano_pdf_copia(request, slug, pk):
    """The reprint with the approval on its cover, for reading."""
    versione = _versione(_ambito(slug), pk)
    _documento, votato = selezioni.documento_votato(versione)
    copia = selezioni.copia_approvata(versione, votato)
    if copia is None:
        raise Http404
    return _scarica(copia.file, _nome_pdf(versione, copia))


@pubblica
def piano_pdf(request, slug, pk):
    """The document the Assemblea approved: the voted PDF, signed when the seal has signed it."""
    versione = _versione(_ambito(slug), pk)
    documento, votato = selezioni.documento_votato(versione)
    if documento is None:
        raise Http404
    nome = _nome_pdf(versione, votato)
    if documento.firmato:
        nome = nome.removesuffix(".pdf") + "-firmato.pdf"
    return _scarica(documento.file, nome)


def _schede(obiettivi, periodo, fondi):
    """Each objective's own resources table (only the funds it uses) and indicator rows."""
    for obiettivo in obiettivi:
        risorse = list(obiettivo.risorse.all())
        usati = {r.fondo_id for r in risorse}
        obiettivo.tabella = (
            tabella_risorse(risorse, anni=periodo.anni, fondi=[f for f in fondi if f.pk in usati])
            if risorse
            else None
        )
        obiettivo.righe_indicatori = [
            (i, i.valori_per_anno(periodo.anni)) for i in obiettivo.indicatori.all()
        ]


@pubblica
def obiettivi(request, slug, pk):
    ambito = _ambito(slug)
    versione = _versione(ambito, pk)
    periodo = versione.piano.periodo
    elenco = selezioni.obiettivi(ambito, periodo)
    # The same figures, tables and charts as the portal's overview of the objectives.
    fondi = fondi_in_uso(elenco)
    sezioni, totale = panoramica_per_area(elenco, periodo, fondi)
    _schede(elenco, periodo, fondi)
    return render(
        request,
        "pubblico/obiettivi.html",
        {
            "ambito": ambito,
            "versione": versione,
            "piano": versione.piano,
            "periodo": periodo,
            "gruppi": [(area, obiettivi) for area, obiettivi, _tabella in sezioni],
            "totale": totale,
            "grafico_risorse": grafici.risorse_per_area(sezioni, fondi),
            "grafico_avanzamento": grafici.avanzamento_obiettivi(elenco),
            "numero_obiettivi": len(elenco),
        },
    )


@pubblica
def registro(request, slug):
    ambito = _ambito(slug)
    return render(
        request,
        "pubblico/registro.html",
        {"ambito": ambito, "iscrizioni": selezioni.registro(ambito)},
    )


@pubblica
def sedute(request, slug):
    ambito = _ambito(slug)
    return render(
        request, "pubblico/sedute.html", {"ambito": ambito, "sedute": selezioni.sedute(ambito)}
    )


@pubblica
def seduta(request, slug, pk):
    ambito = _ambito(slug)
    seduta = selezioni.seduta(ambito, pk)
    if seduta is None:
        raise Http404
    return render(
        request,
        "pubblico/seduta.html",
        {
            "ambito": ambito,
            "seduta": seduta,
            "punti": selezioni.punti(seduta),
            "verbale": seduta.documento_pubblicato(),
            "firma_configurata": firma.configurata(),
        },
    )


@pubblica
def verbale_pdf(request, slug, pk):
    ambito = _ambito(slug)
    seduta = selezioni.seduta(ambito, pk)
    if seduta is None:
        raise Http404
    nome = slugify(f"verbale-{seduta.titolo}")[:80]
    documento = seduta.documento_pubblicato()
    if documento is not None:
        # The minutes archived when the session closed, signed once the seal has signed them.
        return _scarica(documento.file, f"{nome}{'-firmato' if documento.firmato else ''}.pdf")
    # Closed before the minutes were archived (or their task has not run yet): typeset them.
    chiave = f"pubblico:verbale:{seduta.pk}:{seduta.chiusa_il:%Y%m%d%H%M%S%f}"
    pdf = cache.get(chiave)
    if pdf is None:
        # The minutes need the whole session, not the few columns the public list reads.
        pdf = genera_verbale(Seduta.objects.select_related("ambito").get(pk=seduta.pk))
        cache.set(chiave, pdf, DURATA_VERBALE)
    risposta = HttpResponse(pdf, content_type="application/pdf")
    risposta["Content-Disposition"] = f'attachment; filename="{nome}.pdf"'
    return risposta


@pubblica
def logo(request, slug):
    ambito = _ambito(slug)
    if not ambito.logo:
        raise Http404
    try:
        file = ambito.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    tipo = "image/png" if ambito.logo.name.lower().endswith(".png") else "image/jpeg"
    risposta = FileResponse(file, content_type=tipo)
    risposta["Cache-Control"] = "public, max-age=3600"
    return risposta


def _pagina_statica(template):
    @pubblica
    def vista(request, slug):
        return render(request, template, {"ambito": _ambito(slug)})

    return vista


accessibilita = _pagina_statica("pubblico/accessibilita.html")
privacy = _pagina_statica("pubblico/privacy.html")
note_legali = _pagina_statica("pubblico/note_legali.html")
cookie = _pagina_statica("pubblico/cookie.html")
