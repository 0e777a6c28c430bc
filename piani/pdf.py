"""The plan's HTML typeset to an accessible PDF (PDF/UA-1) by WeasyPrint.

Runs in the worker (piani/tasks.py) on the HTML frozen in a VersionePiano or assembled from the
draft. The HTML is self-contained (piani/assemblaggio.py); should anything in it still point
elsewhere, the fetcher refuses: nothing over the network, no local file outside the project's
static directory.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import URLFetcher, path2url

VARIANTE_PDF = "pdf/ua-1"
LINGUA = "it-IT"
PROGRESSO_IMPAGINATO = 70
PROGRESSO_COMPLETATO = 100


def cartella_statica() -> Path:
    return Path(settings.BASE_DIR, "static").resolve()


class SoloRisorseStatiche(URLFetcher):
    """Fetches data: URIs and files under the project's static directory; refuses the rest.

    The plan is typeset by a worker: a fetch over the network could hang it, and an address that
    reached the document (an escaping bug, a future template) would have the server request
    addresses of an attacker's choosing, internal ones included (SSRF), or read its own files.
    """

    def __init__(self, cartella: Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self.cartella = Path(cartella).resolve() if cartella else cartella_statica()

    def ammesso(self, url: str) -> bool:
        parti = urlsplit(url)
        schema = parti.scheme.lower()
        if schema == "data":
            return True
        if schema != "file" or parti.netloc not in ("", "localhost"):
            return False
        percorso = Path(unquote(parti.path)).resolve()
        return percorso.is_relative_to(self.cartella) and percorso.is_file()

    def fetch(self, url, headers=None):
        if not self.ammesso(url):
            raise ValueError(f"Risorsa non ammessa nel PDF del piano: {url}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class RisultatoPDF:
    pdf: bytes
    pagine: int


def rendi_pdf(
    html: str,
    *,
    titolo: str,
    autore: str,
    progresso: Callable[[int], None] | None = None,
) -> RisultatoPDF:
    """Typeset `html` to a tagged PDF/UA-1 in Italian, with title and author in its metadata.

    `progresso(percentuale)`, when given, hears 70 once the pages are laid out (the long part)
    and 100 once the PDF is written.
    """
    cartella = cartella_statica()
    documento = HTML(
        string=html,
        base_url=path2url(str(cartella)) + "/",
        url_fetcher=SoloRisorseStatiche(cartella),
    ).render(pdf_variant=VARIANTE_PDF)
    if progresso is not None:
        progresso(PROGRESSO_IMPAGINATO)
    documento.metadata.title = titolo
    documento.metadata.authors = [autore]
    documento.metadata.lang = LINGUA
    pdf = documento.write_pdf(pdf_variant=VARIANTE_PDF)
    if progresso is not None:
        progresso(PROGRESSO_COMPLETATO)
    return RisultatoPDF(pdf=pdf, pagine=len(documento.pages))
