"""A draft plan per ambito for the demo, built from the template with a few written sections;
the Oglio Po's is written in full, since the demo has its Assemblea approve it (assemblea.demo)."""

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

# The Oglio Po plan is the one the demo's public pages show approved: every section has its text.
TESTI_AMBITO = {
    "oglio-po": {
        "Introduzione": (
            "<p>Il Piano di Zona 2025-2027 dell'Ambito Oglio Po è il documento con cui i 27 "
            "comuni del Casalasco e del Viadanese programmano insieme i servizi sociali del "
            "triennio. Nasce da un percorso di ascolto durato sei mesi, con incontri nei due "
            "sub-ambiti, i tavoli tematici e il confronto con le ASST di Cremona e di Mantova, "
            "a cui il territorio fa riferimento pur appartenendo a due province.</p>"
            "<p>Il Piano assume le linee di indirizzo regionali (DGR XII/2167 del 15 aprile "
            "2024) e le declina su un territorio di piccoli comuni lungo il Po, con una "
            "popolazione che invecchia, distanze che pesano sull'accesso ai servizi e una rete "
            "di volontariato che resta la prima risorsa delle comunità.</p>"
        ),
        "Il territorio e la popolazione": (
            "<p>L'ambito conta poco più di 82 000 residenti distribuiti in 27 comuni: accanto "
            "ai centri di Casalmaggiore e Viadana, la maggior parte dei comuni ha meno di 3 000 "
            "abitanti, e alcuni poche centinaia. Un residente su quattro ha più di 65 anni e la "
            "quota cresce nei comuni golenali più lontani dai servizi.</p>"
            "<p>La presenza di famiglie di origine straniera, impiegate soprattutto "
            "nell'agricoltura e nell'industria del legno, chiede servizi di mediazione e di "
            "accompagnamento all'abitare, mentre lo spopolamento dei comuni più piccoli rende "
            "centrale il trasporto sociale.</p>"
        ),
        "Valutazione del piano precedente": (
            "<p>Il Piano 2021-2023 ha consolidato il servizio sociale professionale in forma "
            "associata e ha avviato gli sportelli di prossimità nei due sub-ambiti; più lento "
            "è stato lo sviluppo dell'agenzia per l'abitare, frenata dalla scarsità di alloggi "
            "disponibili sul mercato privato.</p>"
            "<p>Gli obiettivi non raggiunti proseguono nel nuovo Piano con azioni riviste e "
            "indicatori misurabili ogni anno, come chiesto dall'Assemblea dei Sindaci.</p>"
        ),
        "Governance e partecipazione": (
            "<p>L'Assemblea dei Sindaci indirizza e approva il Piano; l'Ufficio di Piano ne "
            "cura l'attuazione con i due enti gestori dei sub-ambiti, il Consorzio Casalasco "
            "Servizi Sociali e l'Azienda Speciale Consortile Oglio Po. Le decisioni "
            "dell'Assemblea si prendono con il voto ponderato sulle quote dell'Accordo di "
            "Programma.</p>"
            "<p>I <strong>tavoli tematici</strong> su povertà, anziani, famiglie e disabilità "
            "hanno raccolto le proposte degli enti del terzo settore iscritti al registro "
            "dell'ambito: quelle accolte sono diventate azioni degli obiettivi del Piano.</p>"
        ),
        "Le risorse": (
            "<p>Il Piano si finanzia con il Fondo nazionale politiche sociali, il Fondo sociale "
            "regionale, il Fondo povertà e il Fondo non autosufficienza, a cui si aggiungono le "
            "quote dei comuni secondo l'Accordo di Programma. Le tabelle che seguono riportano "
            "le risorse previste per ciascun obiettivo e per anno.</p>"
        ),
        "Allegati": (
            "<p>Sono parte integrante del Piano l'Accordo di Programma sottoscritto dai comuni, "
            "dall'ATS Val Padana e dalle ASST di Cremona e di Mantova, e il regolamento "
            "dell'Assemblea dei Sindaci con la tabella delle quote.</p>"
        ),
    }
}


@transaction.atomic
def carica_piani_demo() -> int:
    periodo = carica_periodo("2025-2027")
    creati = 0
    for ambito in Ambito.objects.exclude(piani__periodo=periodo):
        autore = User.objects.filter(ruoli__ambito=ambito, ruoli__tipo="ufficio_piano").first()
        piano = crea_piano(ambito=ambito, periodo=periodo, utente=autore)
        testi = TESTI | TESTI_AMBITO.get(ambito.slug, {})
        for sezione in piano.sezioni.filter(titolo__in=testi):
            sezione.testo = testi[sezione.titolo]
            sezione.save(update_fields=["testo"])
        creati += 1
    return creati
