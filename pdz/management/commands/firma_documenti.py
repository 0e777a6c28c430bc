from django.core.management.base import BaseCommand, CommandError

from assemblea.firma import archivia_verbale, firma_verbale
from assemblea.models import Seduta
from core import firma
from piani.firma import firma_pdf_votato
from piani.models import VersionePiano


class Command(BaseCommand):
    help = (
        "Firma con il sigillo configurato (PDZ_FIRMA_*) i documenti pubblicati non ancora "
        "firmati: il PDF votato dei piani approvati e i verbali delle sedute chiuse (archiviati "
        "prima, se mancano). Con --rifai li firma di nuovo, per esempio con un nuovo "
        "certificato: gli originali non cambiano. Ripeterlo non firma due volte."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rifai", action="store_true", help="firma di nuovo anche i documenti già firmati"
        )

    def handle(self, *args, rifai=False, **options):
        if not firma.configurata():
            raise CommandError(
                "Nessun certificato di firma: imposta PDZ_FIRMA_CERTIFICATO (vedi il README)."
            )
        piani = 0
        for pk in VersionePiano.objects.filter(esito=VersionePiano.Esito.APPROVATA).values_list(
            "pk", flat=True
        ):
            piani += firma_pdf_votato(pk, rifai=rifai) is not None
        verbali = 0
        for pk in Seduta.objects.filter(stato=Seduta.Stato.CHIUSA).values_list("pk", flat=True):
            if archivia_verbale(pk) is not None:
                verbali += firma_verbale(pk, rifai=rifai) is not None
        self.stdout.write(
            f"Piani approvati con il PDF votato firmato: {piani}. Verbali firmati: {verbali}."
        )
