"""Existing rows: a pending version with a newer version of the same plan becomes superata, and
a version voted on gets the date of the plan's state change that recorded the vote."""

from django.db import migrations
from django.db.models import Max


def avanti(apps, schema_editor):
    VersionePiano = apps.get_model("piani", "VersionePiano")
    TransizionePiano = apps.get_model("piani", "TransizionePiano")
    ultime = dict(
        VersionePiano.objects.values("piano_id")
        .annotate(ultima=Max("numero"))
        .values_list("piano_id", "ultima")
    )
    for versione in VersionePiano.objects.filter(esito="in_attesa"):
        if versione.numero < ultime[versione.piano_id]:
            nuova = (
                VersionePiano.objects.filter(piano_id=versione.piano_id, numero__gt=versione.numero)
                .order_by("numero")
                .first()
            )
            VersionePiano.objects.filter(pk=versione.pk).update(
                esito="superata", esito_il=nuova.creata_il
            )
    stato = {"approvata": "approvato", "respinta": "respinto"}
    for versione in VersionePiano.objects.filter(esito__in=stato, esito_il=None):
        passaggio = (
            TransizionePiano.objects.filter(
                piano_id=versione.piano_id,
                a_stato=stato[versione.esito],
                avvenuta_il__gte=versione.creata_il,
            )
            .order_by("avvenuta_il")
            .first()
        )
        VersionePiano.objects.filter(pk=versione.pk).update(
            esito_il=passaggio.avvenuta_il if passaggio else versione.creata_il
        )


def indietro(apps, schema_editor):
    VersionePiano = apps.get_model("piani", "VersionePiano")
    VersionePiano.objects.filter(esito="superata").update(esito="in_attesa", esito_il=None)


class Migration(migrations.Migration):
    dependencies = [("piani", "0003_revisione_enti_esito_superata")]

    operations = [migrations.RunPython(avanti, indietro)]
