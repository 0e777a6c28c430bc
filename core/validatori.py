"""Validators shared by the forms of every app."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Cc are the control characters (CR, LF, TAB, NUL…); Zl and Zp the Unicode line and paragraph
# separators, which mail and calendar software may also read as a line break.
CATEGORIE_VIETATE = {"Cc", "Zl", "Zp"}


def valida_riga_singola(valore: str) -> None:
    """A title goes into an e-mail subject and a calendar SUMMARY: one line, no control
    characters, or a header is broken (and the invitations with it)."""
    if any(unicodedata.category(carattere) in CATEGORIE_VIETATE for carattere in valore):
        raise ValidationError(
            _("Il titolo non può contenere a capo o caratteri di controllo."),
            code="caratteri_di_controllo",
        )


def in_una_riga(testo: str) -> str:
    """`testo` on one line, for a header: control characters and line breaks become spaces, runs
    of spaces one. For text saved before the forms refused them, or by another way in."""
    testo = "".join(
        " " if unicodedata.category(carattere) in CATEGORIE_VIETATE else carattere
        for carattere in testo
    )
    return " ".join(testo.split())
