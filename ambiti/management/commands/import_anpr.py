from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ambiti import anpr
from ambiti.anpr_aggiornamento import (
    SOGLIA_PREDEFINITA,
    applica_anpr,
    popolazione_nota,
)


def _soglia(valore: str) -> Decimal:
    try:
        soglia = Decimal(valore.strip().replace(",", "."))
    except InvalidOperation:
        soglia = None
    if soglia is None or not soglia.is_finite() or soglia < 0:
        raise CommandError(f"--soglia: «{valore}» non è una percentuale (es. 10 o 2,5)")
    return soglia


class Command(BaseCommand):
    help = (
        "Aggiorna la popolazione dei comuni dai dati aperti ANPR "
        "(colonne MESE, ANNO, COD_ISTAT_COMUNE, RESIDENTI); accetta il file nazionale."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="File CSV dei residenti per comune e mese.")
        parser.add_argument(
            "--mese",
            help="Mese da importare, AAAA-MM (predefinito: il più recente presente nel file).",
        )
        parser.add_argument(
            "--soglia",
            default=str(SOGLIA_PREDEFINITA),
            help=(
                "Variazione massima, in percentuale, rispetto alla popolazione in vigore "
                "oltre la quale un comune va confermato (predefinita: 10)."
            ),
        )
        parser.add_argument(
            "--accetta-variazioni",
            action="store_true",
            help=(
                "Importa anche i comuni segnalati dal controllo di plausibilità (variazione "
                "oltre la soglia, mese più vecchio di quello in vigore)."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Controlla il file e mostra le modifiche senza salvarle.",
        )

    def handle(
        self,
        *args,
        file,
        mese=None,
        soglia=str(SOGLIA_PREDEFINITA),
        accetta_variazioni=False,
        dry_run=False,
        **options,
    ):
        try:
            richiesto = anpr.parse_mese(mese) if mese else None
        except ValueError as errore:
            raise CommandError(f"--mese: {errore}") from errore
        soglia = _soglia(str(soglia))
        try:
            dati = anpr.leggi_file_anpr(file, popolazione_nota())
            scelto = anpr.scegli_mese(dati, richiesto)
            esito = applica_anpr(
                file=dati,
                mese=scelto,
                soglia=soglia,
                accetta_variazioni=accetta_variazioni,
                dry_run=dry_run,
            )
        except anpr.AnprError as errore:
            raise CommandError(f"{file}: {errore}\nNessuna modifica salvata.") from errore
        except OSError as errore:
            raise CommandError(f"Impossibile leggere {file}: {errore.strerror}") from errore
        self._resoconto(dati, esito)
        if dry_run:
            self.stdout.write(self.style.NOTICE("Prova (--dry-run): nessuna modifica salvata."))

    def _resoconto(self, dati, esito):
        mese_testo = anpr.formatta_mese(esito.mese)
        scrivi = self.stdout.write
        scrivi(f"Mese: {mese_testo} (fonte {anpr.FONTE}, riferimento {esito.mese:%d/%m/%Y})")
        scrivi(f"Righe lette: {dati.righe_dati} ({esito.righe_mese} del mese {mese_testo})")
        scrivi(f"Comuni aggiornati: {len(esito.variazioni)}")
        for variazione in esito.variazioni:
            scrivi(f"  {variazione.nome}: {variazione.vecchio} → {variazione.nuovo}")
        scrivi(f"Comuni invariati: {esito.invariati}")
        if esito.superati:
            scrivi(
                f"Comuni con una popolazione in vigore più recente, non sostituita: "
                f"{esito.superati}"
            )
        scrivi(f"Righe ignorate (comuni non gestiti dal portale): {esito.ignorate}")
        scrivi(f"Rilevazioni registrate: {esito.rilevazioni}")
        if esito.accettate:
            scrivi(
                self.style.WARNING(
                    f"Segnalati dal controllo di plausibilità e accettati con "
                    f"--accetta-variazioni: {len(esito.accettate)}"
                )
            )
            for segnalazione in esito.accettate:
                scrivi(f"  {segnalazione}")
        if esito.assenti:
            quanti = (
                "1 comune del portale assente"
                if len(esito.assenti) == 1
                else f"{len(esito.assenti)} comuni del portale assenti"
            )
            scrivi(
                self.style.WARNING(
                    f"Attenzione: {quanti} dal file per il mese {mese_testo}: "
                    f"{', '.join(esito.assenti)}"
                )
            )
        if esito.dismessi:
            scrivi(
                self.style.WARNING(
                    "Codici ISTAT che ANPR non usa più (il file ha gli altri comuni della loro "
                    "provincia: fusione di comuni o nuovo codice?); la loro popolazione resta "
                    "quella in vigore finché il comune non è aggiornato nel portale:"
                )
            )
            for dismesso in esito.dismessi:
                ultimo = (
                    f"ultimo mese nel file: {anpr.formatta_mese(dismesso.ultimo_mese)}"
                    if dismesso.ultimo_mese
                    else "assente da tutti i mesi del file"
                )
                scrivi(
                    f"  {dismesso.nome} ({dismesso.codice}): popolazione in vigore "
                    f"{dismesso.popolazione} del {anpr.formatta_mese(dismesso.popolazione_data)}; "
                    f"{ultimo}"
                )
