"""The minutes of a meeting as a printable PDF, rendered by WeasyPrint from an HTML template
with the portal's strict fetcher (core/pdf.py): the template fetches nothing, and user text that
looked like an address would not be fetched either."""

from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import documento_html

from .models import Esito, Presenza


def _prefetch(incontro):
    prefetch_related_objects(
        [incontro],
        Prefetch("presenze", queryset=Presenza.objects.select_related("membro__ente")),
        Prefetch("esiti", queryset=Esito.objects.select_related("area_policy")),
    )


def _nome(user):
    return (user.get_full_name() or user.username) if user else ""


def verbale_pdf(incontro, *, testo, approvato=None) -> bytes:
    """The PDF of the minutes with the given text.

    `approvato` says whether `testo` is the approved text; by default it is when it is the text
    the meeting was last approved with. The caller chooses the text (the draft for editors, the
    approved or reviewed one for members): this function shows whatever it is given.
    """
    tavolo = incontro.tavolo
    ambito = tavolo.ambito
    if approvato is None:
        approvato = bool(incontro.testo_approvato) and testo == incontro.testo_approvato
    _prefetch(incontro)
    presenze = sorted(incontro.presenze.all(), key=lambda p: str(p.membro).casefold())
    esiti = sorted(incontro.esiti.all(), key=lambda e: (e.ordine, e.pk))
    context = {
        "ambito": ambito,
        "tavolo": tavolo,
        "incontro": incontro,
        "testo": testo,
        "approvato": approvato,
        "approvato_da": _nome(incontro.approvato_da) if approvato else "",
        "presenze": presenze,
        "totale_partecipanti": sum(p.partecipanti for p in presenze),
        "bisogni": [e for e in esiti if e.tipo == Esito.Tipo.BISOGNO],
        "risorse": [e for e in esiti if e.tipo == Esito.Tipo.RISORSA],
        "proposte": [e for e in esiti if e.tipo == Esito.Tipo.PROPOSTA],
        "titolo_documento": _("Verbale: %(incontro)s") % {"incontro": incontro.titolo},
        "autore": _("Tavolo «%(tavolo)s» — Ambito %(ambito)s")
        % {"tavolo": tavolo.titolo, "ambito": ambito.nome},
        "generato_il": timezone.localtime(),
    }
    html = render_to_string("tavoli/verbale_pdf.html", context)
    return documento_html(html).write_pdf()
