from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ambiti import anpr


class Command(BaseCommand):
    help = (
        "Aggiorna la popolazione dei comuni dai dati aperti ANPR "
        "(colonne MESE, ANNO, COD_ISTAT_COMUNE, RESIDENTI)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="File CSV dei residenti per comune e mese.")
        parser.add_argument(
            "--mese",
            help="Mese da importare, AAAA-MM (predefinito: il più recente presente nel file).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Controlla il file e mostra le modifiche senza salvarle.",
        )

    def handle(self, *args, file, mese=None, dry_run=False, **options):
        try:
            richiesto = anpr.parse_mese(mese) if mese else None
        except ValueError as errore:
            raise CommandError(f"--mese: {errore}") from errore
        try:
            dati = anpr.leggi_file_anpr(file)
            scelto = anpr.scegli_mese(dati, richiesto)
            esito = anpr.applica_anpr(
                rilevazioni=dati.rilevazioni(scelto), mese=scelto, dry_run=dry_run
            )
        except anpr.AnprError as errore:
            raise CommandError(f"{file}: {errore}\nNessuna modifica salvata.") from errore
        except OSError as errore:
            raise CommandError(f"Impossibile leggere {file}: {errore.strerror}") from errore

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
        if esito.assenti:
            quanti = (
                "1 comune del portale assente"
                if len(esito.assenti) == 1
                else f"{len(esito.assenti)} comuni del portale assenti"
            )
            self.stdout.write(
                self.style.WARNING(
                    f"Attenzione: {quanti} dal file per il mese {mese_testo}: "
                    f"{', '.join(esito.assenti)}"
                )
            )
        if dry_run:
            scrivi(self.style.NOTICE("Prova (--dry-run): nessuna modifica salvata."))
