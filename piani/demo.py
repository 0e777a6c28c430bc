"""A draft plan per ambito for the demo, built from the template with a few written sections."""

from django.db import transaction

from accounts.models import User
from ambiti.demo import carica_periodo
from ambiti.models import Ambito

from .services import crea_piano

TESTI = {
    "Introduzione": (
        "<p>Il Piano di Zona 2025-2027 è il risultato di un percorso partecipato che ha coinvolto "
        "amministratori, operatori sociali dei comuni, enti del terzo settore e associazioni di "
        "volontariato del territorio.</p><p>Segue le linee di indirizzo regionali (DGR XII/2167 "
        "del 15 aprile 2024) e si pone in stretta connessione con il Piano di Sviluppo del Polo "
        "Territoriale dell'ASST.</p>"
    ),
    "Governance e partecipazione": (
        "<p>La co-programmazione si è svolta attraverso i <strong>tavoli tematici</strong>, "
        "l'Ufficio di Piano integrato e il confronto con l'Assemblea dei Sindaci.</p>"
    ),
}


@transaction.atomic
def carica_piani_demo() -> int:
    periodo = carica_periodo("2025-2027")
    creati = 0
    for ambito in Ambito.objects.exclude(piani__periodo=periodo):
        autore = User.objects.filter(ruoli__ambito=ambito, ruoli__tipo="ufficio_piano").first()
        piano = crea_piano(ambito=ambito, periodo=periodo, utente=autore)
        for sezione in piano.sezioni.filter(titolo__in=TESTI):
            sezione.testo = TESTI[sezione.titolo]
            sezione.save(update_fields=["testo"])
        creati += 1
    return creati
