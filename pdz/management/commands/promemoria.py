from django.core.management.base import BaseCommand

from pdz.promemoria import esegui_tutti


class Command(BaseCommand):
    help = (
        "Esegue una volta tutti i lavori periodici (promemoria, riepilogo giornaliero, posta da "
        "ritentare): senza celery beat, da cron ogni pochi minuti. Ripeterlo non invia due volte."
    )

    def handle(self, *args, **options):
        for nome, esito in esegui_tutti().items():
            self.stdout.write(f"{nome}: {'errore' if esito is None else esito}")
