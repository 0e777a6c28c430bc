from django.utils.text import slugify

from .models import AreaPolicy

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


def carica_aree_policy() -> list[AreaPolicy]:
    aree = []
    for ordine, (nome, sociosanitaria, trasversale) in enumerate(AREE_POLICY, start=1):
        area, _ = AreaPolicy.objects.get_or_create(
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
