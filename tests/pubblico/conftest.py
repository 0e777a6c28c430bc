"""An approved plan of the Cremasco, as the services make it, next to everything that must stay
private: each private thing carries a distinctive string the crawl looks for."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from ambiti.demo import carica_periodo
from ambiti.models import Ambito, AreaPolicy, Comune, Ente, Iscrizione
from assemblea import services
from assemblea.models import Delega, PuntoOdg, Recepimento, RegolaVoto, Seduta, Votazione
from core.pdf import rendi_pdf
from obiettivi.models import Obiettivo, ValoreIndicatore
from piani import services as piani_services
from piani.models import CommentoSezione, Piano, RenderPDF, Sezione, VersionePiano
from tavoli.models import Esito, Incontro, Membro, Presenza
from tests.factories import (
    AzioneFactory,
    EnteFactory,
    IncontroFactory,
    IndicatoreFactory,
    IscrizioneFactory,
    ObiettivoFactory,
    RisorsaFactory,
    TavoloFactory,
    ValoreIndicatoreFactory,
)

ROMA = ZoneInfo("Europe/Rome")

# Shown to everyone.
PUBBLICI = {
    "testo": "Testo pubblico del piano approvato",
    "obiettivo": "Casa per chi non ne ha",
    "azione": "Sportello abitare sociale",
    "ente": "Cooperativa Pubblica Aperta",
    "indicatore": "Nuclei accompagnati",
    "tavolo": "Tavolo Inclusione Aperto",
    "incontro": "Incontro aperto sull abitare",
    "verbale": "Verbale approvato e pubblicato del tavolo",
}

# Never reachable from /pubblico/.
PRIVATI = [
    "COMMENTO-RISERVATO-7731",
    "TESTO-DOPO-APPROVAZIONE-RISERVATO",
    "VERSIONE-SUPERATA-RISERVATA",
    "BOZZA-RISERVATA-CREMONESE",
    "IN-ATTESA-RISERVATA-CREMONESE",
    "REVISIONE-RISERVATA-OGLIO",
    "contatto.riservato@example.org",
    "pec.riservata@pec.example.org",
    "0373 999 111",
    "Ermenegilda Riservata",
    "Via Riservata 13",
    "NOTA-ISCRIZIONE-RISERVATA",
    "ENTE-CESSATO-RISERVATO",
    "OBIETTIVO-PROPOSTO-RISERVATO",
    "NOTA-AVANZAMENTO-RISERVATA",
    "NOTA-VALORE-RISERVATA",
    "SEDUTA-CONVOCATA-RISERVATA",
    "VERBALE-TAVOLO-RISERVATO",
    "TAVOLO-PRIVATO-RISERVATO",
    "INCONTRO-DEL-TAVOLO-PRIVATO-RISERVATO",
    "INCONTRO-NON-PUBBLICO-RISERVATO",
    "VERBALE-BOZZA-RISERVATO",
    "VERBALE-APPROVATO-NON-PUBBLICATO-RISERVATO",
    "VERBALE-RIAPERTO-RISERVATO",
    "ESITO-TAVOLO-RISERVATO",
    "Persona Presente Riservata",
    "tavolo-riservato.example.invalid",
    "92012345678",
]


# The online room of a session: the minutes (the Assemblea's own act, published as it stands)
# state it, the pages never do.
PRIVATI_NELLE_PAGINE = ["riunione-riservata.example.invalid"]


@dataclass
class Pubblicato:
    ambito: Ambito
    piano: Piano
    versione: VersionePiano
    render: RenderPDF
    seduta: Seduta
    seduta_segreta: Seduta
    extra: dict = field(default_factory=dict)


def pdf_completato(versione, utente):
    # A real PDF, so that the crawl reads its text; each call a different one (its date).
    testo = f"<p>Piano di Zona, copia del {timezone.now().isoformat()}</p>"
    pdf = rendi_pdf(testo, titolo="Piano", autore="Ufficio").pdf
    render = RenderPDF(
        piano=versione.piano,
        versione=versione,
        sha256_html=versione.sha256_html,
        stato=RenderPDF.Stato.COMPLETATO,
        progresso=100,
        sha256_pdf=hashlib.sha256(pdf).hexdigest(),
        pagine=1,
        richiesto_da=utente,
        completato_il=timezone.now(),
    )
    render.file.save("piano-approvato.pdf", ContentFile(pdf), save=False)
    render.save()
    return render


def _seduta(ambito, titolo, inizio, punto, versione=None):
    seduta = Seduta.objects.create(
        ambito=ambito,
        titolo=titolo,
        modalita=Seduta.Modalita.MISTA,
        luogo="Sala degli Ostaggi",
        link_online="https://riunione-riservata.example.invalid/x",
        prima_convocazione=inizio,
    )
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo=punto, versione_piano=versione)
    return seduta, punto


def _vota_e_chiudi(seduta, punto, up, voti):
    for utente, _scelta in voti:
        if utente.username.startswith("delegato"):
            Delega.objects.create(
                seduta=seduta,
                comune=Comune.objects.get(nome="Pandino"),
                delegato=utente,
                atto="decreto n. 7",
            )
    services.apri_seduta(seduta, utente=up, convocazione="prima")
    votazione = Votazione.objects.create(
        punto=punto, regola=services.regola_corrente(seduta.ambito)
    )
    services.apri_votazione(votazione, utente=up)
    for utente, scelta in voti:
        (rappresentanza,) = services.rappresentanze(utente, seduta)
        services.vota(votazione, rappresentanza, scelta, utente=utente)
    services.chiudi_votazione(votazione, utente=up)
    services.chiudi_seduta(seduta, utente=up)
    return votazione


def crea_privati(cremasco, piano, up):
    """Everything the public must not see, next to the approved plan."""
    territorio = Ambito.objects.in_bulk(field_name="slug")
    periodo = piano.periodo
    sezione = piano.sezioni.order_by("ordine").first()
    CommentoSezione.objects.create(sezione=sezione, autore=up, testo="COMMENTO-RISERVATO-7731")
    # The live text changed after the vote: the page shows what was voted.
    Sezione.objects.filter(pk=sezione.pk).update(testo="<p>TESTO-DOPO-APPROVAZIONE-RISERVATO</p>")
    VersionePiano.objects.create(
        piano=piano,
        numero=99,
        html='<body><section class="sezione"><p>VERSIONE-SUPERATA-RISERVATA</p></section></body>',
        sha256_html="0" * 64,
        esito=VersionePiano.Esito.SUPERATA,
    )
    bozza = piani_services.crea_piano(ambito=territorio["cremonese"], periodo=periodo, utente=None)
    bozza.sezioni.update(testo="<p>BOZZA-RISERVATA-CREMONESE</p>")
    VersionePiano.objects.create(
        piano=bozza,
        numero=1,
        html='<body><section class="sezione"><p>IN-ATTESA-RISERVATA-CREMONESE</p></section></body>',
        sha256_html="1" * 64,
    )
    revisione = piani_services.crea_piano(
        ambito=territorio["oglio-po"], periodo=periodo, utente=None
    )
    revisione.sezioni.update(testo="<p>REVISIONE-RISERVATA-OGLIO</p>")
    Piano.objects.filter(pk=revisione.pk).update(stato=Piano.Stato.IN_REVISIONE)

    ente = Ente.objects.get(denominazione=PUBBLICI["ente"])
    Ente.objects.filter(pk=ente.pk).update(
        email="contatto.riservato@example.org",
        pec="pec.riservata@pec.example.org",
        telefono="0373 999 111",
        referente="Ermenegilda Riservata",
        indirizzo="Via Riservata 13",
        codice_fiscale="92012345678",
    )
    Iscrizione.objects.filter(ente=ente).update(note="NOTA-ISCRIZIONE-RISERVATA")
    IscrizioneFactory(
        ambito=cremasco,
        ente__denominazione="ENTE-CESSATO-RISERVATO",
        stato=Iscrizione.Stato.CESSATA,
    )
    ObiettivoFactory(
        ambito=cremasco,
        periodo=periodo,
        titolo="OBIETTIVO-PROPOSTO-RISERVATO",
        stato=Obiettivo.Stato.PROPOSTO,
        aree=[AreaPolicy.objects.filter(periodo=periodo).first()],
    )
    Seduta.objects.create(
        ambito=cremasco,
        titolo="SEDUTA-CONVOCATA-RISERVATA",
        modalita=Seduta.Modalita.ONLINE,
        link_online="https://riunione-riservata.example.invalid/y",
        prima_convocazione=timezone.now() + timedelta(days=10),
    )
    IncontroFactory(tavolo=TavoloFactory(ambito=cremasco), verbale="VERBALE-TAVOLO-RISERVATO")


def crea_tavoli(cremasco):
    """A public table with one public meeting whose approved minutes are published, next to the
    tables' things that stay private. Returns the public meeting."""
    approvato = Incontro.Stato.APPROVATO
    privato = TavoloFactory(ambito=cremasco, titolo="TAVOLO-PRIVATO-RISERVATO")
    # Marked public, but its table is not: it stays private.
    IncontroFactory(tavolo=privato, titolo="INCONTRO-DEL-TAVOLO-PRIVATO-RISERVATO", pubblico=True)
    tavolo = TavoloFactory(ambito=cremasco, titolo=PUBBLICI["tavolo"], pubblico=True)
    incontro = IncontroFactory(
        tavolo=tavolo,
        titolo=PUBBLICI["incontro"],
        link_online="https://tavolo-riservato.example.invalid/z",
        ordine_del_giorno="1. Presentazione\n2. Proposte",
        pubblico=True,
        stato=approvato,
        verbale=PUBBLICI["verbale"],
        testo_approvato=PUBBLICI["verbale"],
        verbale_pubblico=True,
    )
    persona = Membro.objects.create(tavolo=tavolo, nome="Persona Presente Riservata")
    Presenza.objects.create(incontro=incontro, membro=persona)
    Esito.objects.create(incontro=incontro, tipo=Esito.Tipo.BISOGNO, testo="ESITO-TAVOLO-RISERVATO")
    IncontroFactory(tavolo=tavolo, titolo="INCONTRO-NON-PUBBLICO-RISERVATO")
    IncontroFactory(tavolo=tavolo, pubblico=True, verbale="VERBALE-BOZZA-RISERVATO")
    IncontroFactory(
        tavolo=tavolo,
        pubblico=True,
        stato=approvato,
        verbale="VERBALE-APPROVATO-NON-PUBBLICATO-RISERVATO",
        testo_approvato="VERBALE-APPROVATO-NON-PUBBLICATO-RISERVATO",
    )
    # Approved once, now reopened for a new revision: the old approved text stays private too.
    IncontroFactory(
        tavolo=tavolo,
        pubblico=True,
        revisione=2,
        verbale="VERBALE-RIAPERTO-RISERVATO",
        testo_approvato="VERBALE-RIAPERTO-RISERVATO",
    )
    return incontro


def crea_pubblicato(cremasco, up, sindaco, delegato, *, obiettivi=1, enti=1) -> Pubblicato:
    periodo = carica_periodo("2025-2027")
    area = AreaPolicy.objects.filter(periodo=periodo).order_by("ordine").first()
    ente = EnteFactory(denominazione=PUBBLICI["ente"], tipo=Ente.Tipo.COOPERATIVA)
    iscrizione = IscrizioneFactory(
        ambito=cremasco, ente=ente, aderisce_adp=True, data_adesione_adp=date(2025, 1, 15)
    )
    iscrizione.aree_policy.set([area])
    for n in range(enti - 1):
        IscrizioneFactory(ambito=cremasco, ente__denominazione=f"Ente aggiuntivo {n}")
    for n in range(obiettivi):
        titolo = PUBBLICI["obiettivo"] if n == 0 else f"Obiettivo aggiuntivo {n}"
        obiettivo = ObiettivoFactory(
            ambito=cremasco,
            periodo=periodo,
            codice=f"{n + 1}.1",
            titolo=titolo,
            stato=Obiettivo.Stato.IN_CORSO,
            aree=[area],
        )
        AzioneFactory(
            obiettivo=obiettivo,
            descrizione=PUBBLICI["azione"] if n == 0 else f"Azione {n}",
            responsabile=ente,
            avanzamento=40,
            nota_avanzamento="NOTA-AVANZAMENTO-RISERVATA",
        )
        RisorsaFactory(obiettivo=obiettivo, anno=2025, importo=Decimal("12500.00"))
        indicatore = IndicatoreFactory(
            obiettivo=obiettivo, nome=PUBBLICI["indicatore"] if n == 0 else f"Indicatore {n}"
        )
        ValoreIndicatoreFactory(
            indicatore=indicatore, tipo=ValoreIndicatore.Tipo.TARGET, anno=2025, valore=30
        )
        ValoreIndicatoreFactory(
            indicatore=indicatore,
            tipo=ValoreIndicatore.Tipo.MISURA,
            anno=2025,
            valore=27,
            nota="NOTA-VALORE-RISERVATA",
        )

    services.nuova_regola(
        RegolaVoto(
            ambito=cremasco,
            peso=RegolaVoto.Peso.POPOLAZIONE,
            quorum=RegolaVoto.Misura.NESSUNA,
            misura_maggioranza=RegolaVoto.Misura.POPOLAZIONE,
            scrutinio=RegolaVoto.Scrutinio.PALESE,
        ),
        utente=up,
    )
    piano = piani_services.crea_piano(ambito=cremasco, periodo=periodo, utente=up)
    piano.sezioni.filter(ordine=1).update(testo=f"<p>{PUBBLICI['testo']}</p>")
    versione = piani_services.congela(piano=piano, utente=up)
    render = pdf_completato(versione, up)
    seduta, punto = _seduta(
        cremasco,
        "Seduta di approvazione del piano",
        datetime(2026, 12, 3, 9, 30, tzinfo=ROMA),
        "Approvazione del Piano di Zona",
        versione,
    )
    _vota_e_chiudi(seduta, punto, up, [(sindaco, "favorevole"), (delegato, "contrario")])
    Recepimento.objects.create(
        versione=versione,
        comune=Comune.objects.get(nome="Crema"),
        data_atto=date(2026, 12, 20),
        numero_atto="CC-45/2026",
    )

    # A later session votes by secret ballot: how each comune voted is never shown.
    services.nuova_regola(
        RegolaVoto(
            ambito=cremasco,
            peso=RegolaVoto.Peso.UNO,
            quorum=RegolaVoto.Misura.NESSUNA,
            scrutinio=RegolaVoto.Scrutinio.SEGRETO,
        ),
        utente=up,
    )
    segreta, punto_segreto = _seduta(
        cremasco,
        "Seduta a scrutinio segreto",
        datetime(2026, 12, 5, 9, 30, tzinfo=ROMA),
        "Nomina del presidente",
    )
    _vota_e_chiudi(segreta, punto_segreto, up, [(sindaco, "contrario"), (delegato, "contrario")])

    versione.refresh_from_db()
    piano.refresh_from_db()
    return Pubblicato(cremasco, piano, versione, render, seduta, segreta)


@pytest.fixture
def pubblicato(cremasco, ufficio_piano_crema, sindaco_crema, delegato_pandino, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dati = crea_pubblicato(cremasco, ufficio_piano_crema, sindaco_crema, delegato_pandino)
    crea_privati(cremasco, dati.piano, ufficio_piano_crema)
    dati.extra["incontro"] = crea_tavoli(cremasco)
    return dati
