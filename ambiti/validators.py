from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.it import codicefiscale, iva


def validate_codice_fiscale_ente(value: str) -> None:
    """Accept the 11-digit tax code of a legal person or the 16-character one of a natural person,
    with its check character: a typo is caught here rather than in the Accordo di Programma."""
    if not value:
        return
    if value.isdigit():
        if len(value) != 11 or not iva.is_valid(value):
            raise ValidationError(
                _("Codice fiscale non valido: 11 cifre con la cifra di controllo corretta."),
                code="invalid",
            )
        return
    if not codicefiscale.is_valid(value):
        raise ValidationError(
            _("Codice fiscale non valido: controllare lunghezza e carattere di controllo."),
            code="invalid",
        )
