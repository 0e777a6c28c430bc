"""WeasyPrint for every PDF of the portal, with one strict URL fetcher.

The plan, the Assemblea minutes and the tables' minutes are typeset from HTML that carries user
text. Whatever address reaches that HTML (an escaping bug, a future template) must not make the
server fetch it: nothing over the network (a hung worker, or SSRF against internal addresses),
no local file outside the project's static directory (`file:///etc/passwd`, the settings).
Every rendering goes through `documento_html`, so no caller can pick a laxer fetcher.
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
    """Fetches data: URIs and files under the project's static directory; refuses the rest."""

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
        # resolve() follows "..", and symlinks too: a link in static pointing out is refused.
        percorso = Path(unquote(parti.path)).resolve()
        return percorso.is_relative_to(self.cartella) and percorso.is_file()

    def fetch(self, url, headers=None):
        if not self.ammesso(url):
            raise ValueError(f"Risorsa non ammessa nel PDF: {url}")
        return super().fetch(url, headers)


def documento_html(html: str) -> HTML:
    """`html` ready for WeasyPrint: relative addresses point into static, fetched strictly."""
    cartella = cartella_statica()
    return HTML(
        string=html,
        base_url=path2url(str(cartella)) + "/",
        url_fetcher=SoloRisorseStatiche(cartella),
    )


@dataclass(frozen=True)
class RisultatoPDF:
    pdf: bytes
    pagine: int


def rendi_pdf(
    html: str,
    *,
    titolo: str,
    autore: str,
    soggetto: str = "",
    progresso: Callable[[int], None] | None = None,
) -> RisultatoPDF:
    """Typeset `html` to a tagged PDF/UA-1 in Italian, with title, author and (if given)
    subject in its metadata.

    `progresso(percentuale)`, when given, hears 70 once the pages are laid out (the long part)
    and 100 once the PDF is written.
    """
    documento = documento_html(html).render(pdf_variant=VARIANTE_PDF)
    if progresso is not None:
        progresso(PROGRESSO_IMPAGINATO)
    documento.metadata.title = titolo
    documento.metadata.authors = [autore]
    if soggetto:
        documento.metadata.description = soggetto
    documento.metadata.lang = LINGUA
    pdf = documento.write_pdf(pdf_variant=VARIANTE_PDF)
    if progresso is not None:
        progresso(PROGRESSO_COMPLETATO)
    return RisultatoPDF(pdf=pdf, pagine=len(documento.pages))
