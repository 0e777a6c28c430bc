from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from ambiti.permissions import get_ambito_for_reader

from .models import Seduta
from .permissions import get_seduta_for_reader
from .verbale import verbale_pdf as genera


def _verbale(seduta) -> bytes:
    """The minutes archived at the closing (signed, once they are) — the file the public page
    publishes; printed now only until the worker has archived them."""
    documento = seduta.documento_pubblicato()
    if documento is None:
        return genera(seduta)
    with documento.file.open("rb") as file:
        return file.read()


@require_GET
def verbale_pdf(request, slug, pk):
    ambito = get_ambito_for_reader(request.user, slug)
    seduta = get_seduta_for_reader(request.user, ambito, pk)
    if seduta.stato != Seduta.Stato.CHIUSA:
        # The minutes record a finished session: until then there is nothing final to print.
        raise Http404
    risposta = HttpResponse(_verbale(seduta), content_type="application/pdf")
    nome = slugify(f"verbale-{seduta.titolo}")[:80]
    risposta["Content-Disposition"] = f'attachment; filename="{nome}.pdf"'
    return risposta
