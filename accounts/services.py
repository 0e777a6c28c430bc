"""Operations on people that need only accounts' models. The Ufficio di Piano's pages, which
belong to an ambito, call them from ambiti.services_utenti."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import User


def normalizza_codice_fiscale(codice) -> str:
    """The tax code as stored: upper case, without the spaces people type in it (as
    ambiti.models.normalizza_codice_fiscale, which accounts, below ambiti, cannot import)."""
    return (codice or "").strip().upper().replace(" ", "")


def trova_persona(*, email="", codice_fiscale=""):
    """The existing account an invitation or a mayors' file means, or None: by tax code first,
    then by e-mail (case ignored). Raises ValidationError, per field, when the two point to
    different people, when several people share the e-mail, or when the person found by e-mail
    has another tax code."""
    codice_fiscale = normalizza_codice_fiscale(codice_fiscale)
    email = (email or "").strip()
    per_codice = (
        User.objects.filter(codice_fiscale=codice_fiscale).first() if codice_fiscale else None
    )
    per_email = list(User.objects.filter(email__iexact=email)[:2]) if email else []
    if per_codice:
        if per_email and per_codice not in per_email:
            raise ValidationError(
                {"email": _("Questa e-mail appartiene a un'altra persona del portale.")}
            )
        return per_codice
    if len(per_email) > 1:
        raise ValidationError(
            {"email": _("Più persone usano questa e-mail: indica il codice fiscale.")}
        )
    if per_email and codice_fiscale and per_email[0].codice_fiscale:
        raise ValidationError(
            {
                "codice_fiscale": _(
                    "La persona con questa e-mail ha un altro codice fiscale: controlla i dati."
                )
            }
        )
    return per_email[0] if per_email else None
