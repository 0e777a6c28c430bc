from django.utils.text import slugify

from .models import AreaPolicy, Fondo, Periodo

PERIODI = (
    ("2021-2023", 2021, 2023, "DGR XI/4563 del 19 aprile 2021"),
    ("2025-2027", 2025, 2027, "DGR XII/2167 del 15 aprile 2024"),
)

# The areas the Cremona ambiti used for 2025-2027 (DESIGN.md §1); the exact DGR list is not
# verified, so they are data the administrator can change.
AREE_POLICY = (
    ("Contrasto alla povertà e all'emarginazione sociale", False, False),
    ("Politiche abitative", False, False),
    ("Promozione dell'inclusione attiva", False, False),
    ("Domiciliarità e anziani", True, False),
    ("Politiche giovanili e per i minori", False, False),
    ("Interventi per la famiglia", False, False),
    ("Interventi connessi alle politiche per il lavoro", False, False),
    ("Interventi a favore delle persone con disabilità", True, False),
    ("Digitalizzazione dei servizi", False, True),
    ("Sistema di welfare distrettuale e governance", False, True),
)

FONDI = (
    ("FNPS", "Fondo Nazionale Politiche Sociali"),
    ("FSR", "Fondo Sociale Regionale"),
    ("FP", "Fondo Povertà"),
    ("COM", "Risorse proprie dei comuni"),
    ("ALT", "Altre risorse"),
)


def carica_periodo(nome="2025-2027") -> Periodo:
    _nome, inizio, fine, riferimento = next(p for p in PERIODI if p[0] == nome)
    periodo, _ = Periodo.objects.get_or_create(
        nome=nome,
        defaults={"anno_inizio": inizio, "anno_fine": fine, "riferimento_normativo": riferimento},
    )
    return periodo


def carica_aree_policy(periodo: Periodo | None = None) -> list[AreaPolicy]:
    periodo = periodo or carica_periodo()
    aree = []
    for ordine, (nome, sociosanitaria, trasversale) in enumerate(AREE_POLICY, start=1):
        area, _ = AreaPolicy.objects.get_or_create(
            periodo=periodo,
            slug=slugify(nome)[:80],
            defaults={
                "nome": nome,
                "ordine": ordine,
                "integrazione_sociosanitaria": sociosanitaria,
                "trasversale": trasversale,
            },
        )
        aree.append(area)
    return aree


def carica_fondi() -> list[Fondo]:
    return [
        Fondo.objects.get_or_create(sigla=sigla, defaults={"nome": nome, "ordine": ordine})[0]
        for ordine, (sigla, nome) in enumerate(FONDI, start=1)
    ]
