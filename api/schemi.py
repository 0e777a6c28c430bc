"""The shapes the API answers with: its OpenAPI document is generated from them."""

import datetime as dt
from decimal import Decimal

from ninja import Schema


class Errore(Schema):
    detail: str | list


class Ambito(Schema):
    slug: str
    nome: str
    regione: str
    ente_capofila: str | None


class Comune(Schema):
    codice_istat: str
    nome: str
    provincia: str
    popolazione: int
    popolazione_data: dt.date
    popolazione_fonte: str


class Documento(Schema):
    """A PDF: where to download it and its SHA-256; the voted bytes' fingerprint and, once
    sealed, the signed file's."""

    url: str | None
    sha256: str
    sha256_firmato: str | None
    pagine: int | None = None


class PianoBreve(Schema):
    id: int
    titolo: str
    periodo: str
    stato: str
    pubblico: bool
    versione: int | None


class Sezione(Schema):
    ancora: str | None
    titolo: str


class Piano(PianoBreve):
    sezioni: list[Sezione]
    # The approved document: the PDF the Assemblea voted (signed once sealed: sha256 is the voted
    # bytes', sha256_firmato the file's); for a private plan, its latest frozen version's PDF.
    pdf: Documento | None
    # The reprint with the approval on its cover: same text, another file, not signed.
    copia_approvata: Documento | None
    approvato_il: dt.datetime | None


class ValoreIndicatore(Schema):
    tipo: str
    anno: int
    valore: Decimal


class Indicatore(Schema):
    nome: str
    unita: str
    fonte: str
    valore_base: Decimal | None
    anno_base: int | None
    valori: list[ValoreIndicatore]


class RisorsaFondo(Schema):
    anno: int
    fondo: str
    importo: Decimal


class Azione(Schema):
    descrizione: str
    responsabile: str | None
    partner: list[str]
    data_inizio: dt.date | None
    data_fine: dt.date | None
    risorse_assegnate: Decimal | None
    avanzamento: int | None


class Obiettivo(Schema):
    id: int
    codice: str
    titolo: str
    descrizione: str
    stato: str
    aree_policy: list[str]
    azioni: list[Azione]
    risorse: list[RisorsaFondo]
    indicatori: list[Indicatore]


class Ente(Schema):
    denominazione: str
    tipo: str
    sito_web: str
    aree_policy: list[str]
    aderisce_adp: bool
    data_adesione_adp: dt.date | None


class Conteggio(Schema):
    teste: int
    peso: str


class VotoNominale(Schema):
    comune: str
    scelta: str


class Votazione(Schema):
    esito: str
    segreta: bool
    favorevoli: Conteggio | None
    contrari: Conteggio | None
    astenuti: Conteggio | None
    nominali: list[VotoNominale]


class Punto(Schema):
    ordine: int
    titolo: str
    votazione: Votazione | None
    piano_id: int | None


class SedutaBreve(Schema):
    id: int
    titolo: str
    prima_convocazione: dt.datetime
    chiusa_il: dt.datetime | None
    modalita: str
    luogo: str


class Seduta(SedutaBreve):
    punti: list[Punto]
    verbale: Documento | None


class IncontroPubblico(Schema):
    """A meeting the Ufficio di Piano made public: never the online room nor who attended; the
    minutes' text only once approved and published."""

    id: int
    titolo: str
    inizio: dt.datetime
    fine: dt.datetime
    luogo: str
    ordine_del_giorno: str
    verbale: str | None


class Tavolo(Schema):
    id: int
    titolo: str
    descrizione: str
    aree_policy: list[str]
    # Made public by the Ufficio di Piano (listed without a token, with its public meetings).
    pubblico: bool
    incontri: list[IncontroPubblico] = []
