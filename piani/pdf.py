"""The plan's HTML typeset to an accessible PDF (PDF/UA-1).

Runs in the worker (piani/tasks.py) on the HTML frozen in a VersionePiano or assembled from the
draft. The HTML is self-contained (piani/assemblaggio.py); the typesetting, and the fetcher that
refuses anything outside the static directory, are the portal's shared ones (core/pdf.py). The
names stay here because the worker calls them through this module (and tests replace them).
"""

from core.pdf import (
    PROGRESSO_COMPLETATO,
    PROGRESSO_IMPAGINATO,
    VARIANTE_PDF,
    RisultatoPDF,
    cartella_statica,
    rendi_pdf,
)

__all__ = [
    "PROGRESSO_COMPLETATO",
    "PROGRESSO_IMPAGINATO",
    "VARIANTE_PDF",
    "RisultatoPDF",
    "cartella_statica",
    "rendi_pdf",
]
