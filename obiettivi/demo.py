from .models import Fondo

FONDI = (
    ("FNPS", "Fondo Nazionale Politiche Sociali"),
    ("FSR", "Fondo Sociale Regionale"),
    ("FP", "Fondo Povertà"),
    ("COM", "Risorse proprie dei comuni"),
    ("ALT", "Altre risorse"),
)


def carica_fondi() -> list[Fondo]:
    return [
        Fondo.objects.get_or_create(sigla=sigla, defaults={"nome": nome, "ordine": ordine})[0]
        for ordine, (sigla, nome) in enumerate(FONDI, start=1)
    ]
