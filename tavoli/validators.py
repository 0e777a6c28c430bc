from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DIMENSIONE_MASSIMA = 10 * 1024 * 1024
# Documents and images people attach to minutes; nothing executable, nothing a browser would run.
ESTENSIONI_AMMESSE = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".docx": b"PK",
    ".xlsx": b"PK",
    ".pptx": b"PK",
    ".odt": b"PK",
    ".ods": b"PK",
    ".odp": b"PK",
    ".txt": b"",
    ".csv": b"",
}


def validate_allegato(file) -> None:
    estensione = Path(file.name).suffix.lower()
    if estensione not in ESTENSIONI_AMMESSE:
        raise ValidationError(
            _("Tipo di file non ammesso (%(estensione)s). Sono ammessi: %(ammessi)s.")
            % {
                "estensione": estensione or _("senza estensione"),
                "ammessi": ", ".join(sorted(e.lstrip(".") for e in ESTENSIONI_AMMESSE)),
            },
            code="tipo",
        )
    if file.size > DIMENSIONE_MASSIMA:
        raise ValidationError(
            _("Il file è troppo grande (%(dimensione)s): il massimo è %(massimo)s.")
            % {
                "dimensione": filesizeformat(file.size),
                "massimo": filesizeformat(DIMENSIONE_MASSIMA),
            },
            code="dimensione",
        )
    # The extension alone is a claim: the first bytes must agree with it.
    firma = ESTENSIONI_AMMESSE[estensione]
    if firma:
        inizio = file.read(len(firma))
        file.seek(0)
        if inizio != firma:
            raise ValidationError(
                _("Il contenuto del file non corrisponde all'estensione %(estensione)s.")
                % {"estensione": estensione},
                code="contenuto",
            )
