from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.it import codicefiscale, iva

# The rule, said in full whenever a code is refused: people type the one they have at hand.
REGOLA = gettext_lazy(
    "quello di un ente o di una società ha 11 cifre (come la partita IVA), quello di una "
    "persona fisica 16 caratteri tra lettere e cifre"
)


def validate_codice_fiscale_ente(value: str) -> None:
    """Accept the 11-digit tax code of a legal person or the 16-character one of a natural person,
    with its check character: a typo is caught here rather than in the Accordo di Programma."""
    if not value:
        return
    if value.isdigit() and len(value) == 11:
        if not iva.is_valid(value):
            raise ValidationError(
                _(
                    "Codice fiscale non valido: l'ultima delle 11 cifre, la cifra di controllo, "
                    "non corrisponde alle altre. Controlla di averlo copiato senza errori."
                ),
                code="invalid",
            )
        return
    if len(value) == 16 and not value.isdigit():
        if not codicefiscale.is_valid(value):
            raise ValidationError(
                _(
                    "Codice fiscale non valido: i 16 caratteri non formano un codice fiscale "
                    "di persona fisica (l'ultimo, il carattere di controllo, non corrisponde). "
                    "Controlla di averlo copiato senza errori."
                ),
                code="invalid",
            )
        return
    raise ValidationError(
        _("Codice fiscale non valido: %(regola)s. Quello inserito ha %(n)d caratteri.")
        % {"regola": REGOLA, "n": len(value)},
        code="invalid",
    )
