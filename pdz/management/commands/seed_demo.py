from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ambiti.demo import carica_aree_policy, carica_enti_demo, carica_sito_pubblico_demo
from ambiti.territorio import carica_territorio
from assemblea.demo import carica_assemblea_demo
from assemblea.demo_approvazione import carica_approvazione_demo
from obiettivi.demo import carica_fondi
from obiettivi.demo_obiettivi import carica_obiettivi_demo
from pdz.demo import ACCOUNT_DEMO, PASSWORD_DEMO, SEGRETO_TOTP_DEMO, carica_account_demo
from piani.demo import carica_piani_demo
from tavoli.demo import carica_tavoli_demo


class Command(BaseCommand):
    help = (
        "Carica il territorio reale dei tre ambiti, le aree di policy e i dati e gli account "
        "dimostrativi. Eseguirlo più volte non cambia nulla."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--solo-territorio",
            action="store_true",
            help="Carica solo territorio e aree di policy, senza enti e account dimostrativi.",
        )
        parser.add_argument(
            "--consenti-in-produzione",
            action="store_true",
            help="Crea gli account dimostrativi anche con DEBUG disattivato.",
        )

    def handle(self, *args, solo_territorio, consenti_in_produzione, **options):
        demo = not solo_territorio
        if demo and not settings.DEBUG and not consenti_in_produzione:
            raise CommandError(
                "Gli account dimostrativi hanno una password nota: con DEBUG disattivato usa "
                "--solo-territorio, oppure --consenti-in-produzione se sai cosa stai facendo."
            )
        with transaction.atomic():
            territorio = carica_territorio()
            aree = carica_aree_policy()
            carica_fondi()
            if demo:
                enti = carica_enti_demo()
                carica_sito_pubblico_demo()
                carica_account_demo(enti)
                tavoli = carica_tavoli_demo()
                obiettivi = carica_obiettivi_demo()
                piani = carica_piani_demo()
                sedute = carica_assemblea_demo()
                approvati = carica_approvazione_demo()
        self.stdout.write(
            f"Territorio: {territorio['ambiti']} ambiti, {territorio['comuni']} comuni "
            f"({territorio['comuni_creati']} nuovi). Aree di policy: {len(aree)}."
        )
        if demo:
            self.stdout.write(f"Tavoli tematici dimostrativi creati: {tavoli}.")
            self.stdout.write(f"Obiettivi dimostrativi creati: {obiettivi}.")
            self.stdout.write(f"Piani di Zona in bozza creati: {piani}.")
            self.stdout.write(f"Sedute dell'Assemblea dimostrative create: {sedute + approvati}.")
            if approvati:
                self.stdout.write(
                    "Piano di Zona dell'Oglio Po approvato dall'Assemblea: le pagine pubbliche "
                    "lo mostrano su /pubblico/oglio-po/."
                )
            self.stdout.write(f"\nAccount dimostrativi (password per tutti: {PASSWORD_DEMO}):")
            for account in ACCOUNT_DEMO:
                otp = " (+ codice dell'app demo)" if account.secondo_fattore else ""
                self.stdout.write(f"  {account.username:<20} {account.descrizione}{otp}")
            # Without DEBUG the Ufficio di Piano and the administrator need a second factor.
            self.stdout.write(
                f"Chiave dell'app di autenticazione demo (solo dimostrativa, TOTP a 6 cifre "
                f"ogni 30 s; serve con DEBUG disattivato): {SEGRETO_TOTP_DEMO}"
            )
