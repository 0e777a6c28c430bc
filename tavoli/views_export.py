"""Downloads of the tables' work: proposals and attendance as CSV or XLSX, minutes as PDF."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import check_access
from ambiti.permissions import get_ambito_for_manager, get_ambito_for_reader
from core.esportazioni import data_locale, risposta_tabellare, verifica_formato

from . import esportazioni, pdf
from .models import Esito, Incontro
from .permissions import (
    can_edit_incontri,
    can_view_verbale,
    get_incontro_for_reader,
    get_tavolo_for_editor,
)
from .views_incontri import _incontro_lettore


# Exports carry the ambito's data to whoever downloaded them: no shared cache keeps a copy.
@never_cache
@require_GET
def proposte_export(request, slug, formato):
    ambito = get_ambito_for_manager(request.user, slug)
    verifica_formato(formato)
    proposte = esportazioni.filtra_proposte(
        Esito.objects.proposte().nell_ambito(ambito), request.GET
    ).order_by("incontro__tavolo__titolo", "incontro__inizio", "ordine", "pk")
    return risposta_tabellare(
        esportazioni.proposte_righe(proposte),
        formato,
        _("Proposte"),
        f"proposte-{ambito.slug}-{timezone.localdate():%Y-%m-%d}",
    )


@never_cache
@require_GET
def presenze_export(request, slug, pk, ipk, formato):
    ambito = get_ambito_for_reader(request.user, slug)
    tavolo = get_tavolo_for_editor(request.user, ambito, pk)
    incontro = get_incontro_for_reader(request.user, tavolo, ipk)
    verifica_formato(formato)
    data = data_locale(incontro.inizio)
    return risposta_tabellare(
        esportazioni.presenze_righe(incontro),
        formato,
        _("Presenze"),
        f"presenze-{slugify(tavolo.titolo) or tavolo.pk}-{data:%Y-%m-%d}",
    )


def _testo_del_verbale(user, incontro):
    """The text this user may read, and whether it is the approved one.

    Editors work on the current text, a draft until approved. Members read what was sent to
    them: the text under review while it is, otherwise the last approved one.
    """
    if can_edit_incontri(user, incontro.tavolo):
        return incontro.verbale, incontro.stato == Incontro.Stato.APPROVATO
    if incontro.stato == Incontro.Stato.IN_REVISIONE:
        return incontro.verbale, False
    return incontro.testo_approvato, True


@never_cache
@require_GET
def verbale_pdf(request, slug, pk, ipk):
    _ambito, tavolo, incontro = _incontro_lettore(request, slug, pk, ipk)
    # 404 rather than 403: a member may not know that minutes never sent to her exist.
    check_access(can_view=can_view_verbale(request.user, incontro))
    testo, approvato = _testo_del_verbale(request.user, incontro)
    contenuto = pdf.verbale_pdf(incontro, testo=testo, approvato=approvato)
    nome_file = f"verbale-{slugify(tavolo.titolo) or tavolo.pk}-"
    nome_file += f"{data_locale(incontro.inizio):%Y-%m-%d}"
    if not approvato:
        nome_file += "-bozza"
    response = HttpResponse(contenuto, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{nome_file}.pdf")
    return response
