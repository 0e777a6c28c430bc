"""The operations of the API. Each one fetches through pubblico.selezioni what anyone may read
and, for a token's holder, through the app's permission helpers what she may read too."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import strip_tags
from ninja.pagination import PageNumberPagination, paginate

from accounts.permissions import ruoli_di
from ambiti.models import Comune
from obiettivi.models import Obiettivo
from obiettivi.permissions import can_view_obiettivi
from piani.models import Piano
from piani.permissions import can_view_piano, can_view_versione, get_piano_for_reader
from pubblico import selezioni
from pubblico.documento import sezioni_pubbliche
from pubblico.views import TITOLO_SEZIONE
from tavoli.models import Tavolo
from tavoli.permissions import get_tavolo_for_reader, tavoli_visibili

from . import schemi
from .v1 import ERRORI, api

PER_PAGINA = 50


class Pagine(PageNumberPagination):
    def __init__(self, **kwargs):
        super().__init__(page_size=PER_PAGINA, max_page_size=200, **kwargs)


def _utente(request):
    return request.auth


def _con_token(request) -> bool:
    return request.auth.is_authenticated


def _ambito(slug):
    return get_object_or_404(selezioni.ambiti(), slug=slug)


def _assoluto(request, nome, *args):
    return request.build_absolute_uri(reverse(nome, args=args))


# --- Ambiti and comuni -----------------------------------------------------------------------


def _dati_ambito(ambito):
    return {
        "slug": ambito.slug,
        "nome": ambito.nome,
        "regione": ambito.regione,
        "ente_capofila": str(ambito.ente_capofila) if ambito.ente_capofila_id else None,
    }


@api.get("/ambiti", response={200: list[schemi.Ambito], ERRORI: schemi.Errore}, tags=["ambiti"])
@paginate(Pagine)
def elenco_ambiti(request):
    return [_dati_ambito(a) for a in selezioni.ambiti()]


@api.get("/ambiti/{slug}", response={200: schemi.Ambito, ERRORI: schemi.Errore}, tags=["ambiti"])
def ambito(request, slug: str):
    return _dati_ambito(_ambito(slug))


@api.get(
    "/ambiti/{slug}/comuni",
    response={200: list[schemi.Comune], ERRORI: schemi.Errore},
    tags=["ambiti"],
)
@paginate(Pagine)
def comuni(request, slug: str):
    return Comune.objects.nell_ambito(_ambito(slug)).only(
        "codice_istat", "nome", "provincia", "popolazione", "popolazione_data", "popolazione_fonte"
    )


# --- Plans -----------------------------------------------------------------------------------


def _documento(url, render, pubblicato=None):
    """A PDF's link and fingerprints; `pubblicato` (core.firma.DocumentoPubblicato) when the file
    served is the signed one."""
    if render is None:
        return None
    return {
        "url": url,
        "sha256": render.sha256_pdf,
        "sha256_firmato": pubblicato.sha256_firmato if pubblicato is not None else None,
        "pagine": render.pagine,
    }


def _breve_pubblico(versione):
    piano = versione.piano
    return {
        "id": piano.pk,
        "titolo": piano.titolo,
        "periodo": str(piano.periodo),
        "stato": piano.stato,
        "pubblico": True,
        "versione": versione.numero,
    }


def _breve_privato(piano):
    return {
        "id": piano.pk,
        "titolo": piano.titolo,
        "periodo": str(piano.periodo),
        "stato": piano.stato,
        "pubblico": False,
        "versione": None,
    }


@api.get(
    "/ambiti/{slug}/piani",
    response={200: list[schemi.PianoBreve], ERRORI: schemi.Errore},
    tags=["piani"],
)
@paginate(Pagine)
def piani(request, slug: str):
    """The approved plans; with a token, also every plan of the ambito its holder may read."""
    ambito = _ambito(slug)
    approvati = selezioni.piani_approvati(ambito)
    elenco = [_breve_pubblico(v) for v in approvati]
    if _con_token(request):
        pubblici = {v.piano_id for v in approvati}
        utente = _utente(request)
        # Her roles, read once here whether or not there is a plan to check (a fixed count).
        ruoli_di(utente)
        elenco += [
            _breve_privato(p)
            for p in Piano.objects.filter(ambito=ambito)
            .exclude(pk__in=pubblici)
            .select_related("ambito", "periodo")
            .order_by("-periodo__anno_inizio", "pk")
            if can_view_piano(utente, p)
        ]
    return elenco


def _piano_pubblico(request, ambito, versione):
    votazione = selezioni.votazione_di_approvazione(versione)
    documento, votato = selezioni.documento_votato(versione)
    copia = selezioni.copia_approvata(versione, votato)
    sezioni = sezioni_pubbliche(versione.html)
    dati = _breve_pubblico(versione)
    dati.update(
        sezioni=[{"ancora": a, "titolo": _testo(t)} for a, t in TITOLO_SEZIONE.findall(sezioni)],
        # The document the Assemblea approved: the voted bytes, sealed once signed.
        pdf=_documento(
            _assoluto(request, "pubblico:piano-pdf", ambito.slug, versione.piano_id),
            votato,
            documento,
        ),
        copia_approvata=_documento(
            _assoluto(request, "pubblico:piano-pdf-copia", ambito.slug, versione.piano_id), copia
        ),
        approvato_il=votazione.chiusa_il if votazione else None,
    )
    return dati


def _testo(html):
    return strip_tags(html).strip()


def _piano_privato(utente, piano):
    dati = _breve_privato(piano)
    versione = piano.versioni.order_by("-numero").first()
    pdf = versione.pdf if versione is not None and can_view_versione(utente, versione) else None
    dati.update(
        versione=versione.numero if versione is not None else None,
        sezioni=[
            {"ancora": None, "titolo": s.titolo}
            for s in piano.sezioni.order_by("ordine").only("titolo", "piano")
        ],
        # The portal serves these only to signed-in readers: the fingerprint, not a link.
        pdf=_documento(None, pdf),
        copia_approvata=None,
        approvato_il=None,
    )
    return dati


def _leggi_piano(request, ambito, pk):
    """The approved plan for anyone; any other plan as the portal's plan page decides."""
    versione = selezioni.versione_approvata(ambito, pk)
    if versione is not None:
        return versione, None
    if not _con_token(request):
        raise Http404
    return None, get_piano_for_reader(_utente(request), ambito, pk)


@api.get(
    "/ambiti/{slug}/piani/{pk}", response={200: schemi.Piano, ERRORI: schemi.Errore}, tags=["piani"]
)
def piano(request, slug: str, pk: int):
    ambito = _ambito(slug)
    versione, privato = _leggi_piano(request, ambito, pk)
    if versione is not None:
        return _piano_pubblico(request, ambito, versione)
    return _piano_privato(_utente(request), privato)


# --- Objectives ------------------------------------------------------------------------------


def _dati_obiettivo(o):
    return {
        "id": o.pk,
        "codice": o.codice,
        "titolo": o.titolo,
        "descrizione": o.descrizione,
        "stato": o.stato,
        "aree_policy": [a.nome for a in o.aree_policy.all()],
        "azioni": [
            {
                "descrizione": a.descrizione,
                "responsabile": a.responsabile.denominazione
                if a.responsabile
                else a.responsabile_altro or None,
                "partner": [e.denominazione for e in a.partner.all()],
                "data_inizio": a.data_inizio,
                "data_fine": a.data_fine,
                "risorse_assegnate": a.risorse_assegnate,
                "avanzamento": a.avanzamento,
            }
            for a in o.azioni.all()
        ],
        "risorse": [
            {"anno": r.anno, "fondo": r.fondo.nome, "importo": r.importo} for r in o.risorse.all()
        ],
        "indicatori": [
            {
                "nome": i.nome,
                "unita": i.unita,
                "fonte": i.fonte,
                "valore_base": i.valore_base,
                "anno_base": i.anno_base,
                # Targets and measurements; their notes are the Ufficio di Piano's.
                "valori": [
                    {"tipo": v.tipo, "anno": v.anno, "valore": v.valore} for v in i.valori.all()
                ],
            }
            for i in o.indicatori.all()
        ],
    }


@api.get(
    "/ambiti/{slug}/piani/{pk}/obiettivi",
    response={200: list[schemi.Obiettivo], ERRORI: schemi.Errore},
    tags=["piani"],
)
@paginate(Pagine)
def obiettivi(request, slug: str, pk: int):
    """The objectives of the plan's period: those past their proposal for anyone; with a token
    whose holder reads the ambito's objectives in the portal, the proposals too."""
    ambito = _ambito(slug)
    versione, privato = _leggi_piano(request, ambito, pk)
    periodo = versione.piano.periodo if versione is not None else privato.periodo
    if _con_token(request) and can_view_obiettivi(_utente(request), ambito):
        elenco = Obiettivo.objects.dell_ambito(ambito, periodo).con_dettagli()
    else:
        elenco = selezioni.obiettivi(ambito, periodo)
    return [_dati_obiettivo(o) for o in elenco]


# --- Register --------------------------------------------------------------------------------


@api.get(
    "/ambiti/{slug}/enti",
    response={200: list[schemi.Ente], ERRORI: schemi.Errore},
    tags=["registro"],
)
@paginate(Pagine)
def enti(request, slug: str):
    """The register of enti: never a contact (the query does not even read those columns)."""
    return [
        {
            "denominazione": i.ente.denominazione,
            "tipo": i.ente.tipo,
            "sito_web": i.ente.sito_web,
            "aree_policy": [a.nome for a in i.aree_policy.all()],
            "aderisce_adp": i.aderisce_adp,
            "data_adesione_adp": i.data_adesione_adp,
        }
        for i in selezioni.registro(_ambito(slug))
    ]


# --- Assemblea -------------------------------------------------------------------------------


def _seduta_breve(s):
    return {
        "id": s.pk,
        "titolo": s.titolo,
        "prima_convocazione": s.prima_convocazione,
        "chiusa_il": s.chiusa_il,
        "modalita": s.modalita,
        "luogo": s.luogo,
    }


@api.get(
    "/ambiti/{slug}/sedute",
    response={200: list[schemi.SedutaBreve], ERRORI: schemi.Errore},
    tags=["assemblea"],
)
@paginate(Pagine)
def sedute(request, slug: str):
    """The Assemblea's closed sessions."""
    return [_seduta_breve(s) for s in selezioni.sedute(_ambito(slug))]


def _conteggio(risultato, chiave):
    valore = (risultato or {}).get(chiave)
    if not isinstance(valore, dict):
        return None
    return {"teste": int(valore.get("teste", 0)), "peso": str(valore.get("popolazione", ""))}


def _votazione(punto):
    votazione = punto.voto
    if votazione is None:
        return None
    return {
        "esito": votazione.esito,
        "segreta": votazione.regola.segreto,
        "favorevoli": _conteggio(votazione.risultato, "favorevoli"),
        "contrari": _conteggio(votazione.risultato, "contrari"),
        "astenuti": _conteggio(votazione.risultato, "astenuti"),
        # Filled only for an open ballot (selezioni.punti): a comune's choice, never a voter.
        "nominali": [{"comune": v.comune.nome, "scelta": v.scelta} for v in punto.nominali],
    }


@api.get(
    "/ambiti/{slug}/sedute/{pk}",
    response={200: schemi.Seduta, ERRORI: schemi.Errore},
    tags=["assemblea"],
)
def seduta(request, slug: str, pk: int):
    ambito = _ambito(slug)
    trovata = selezioni.seduta(ambito, pk)
    if trovata is None:
        raise Http404
    documento = trovata.documento_pubblicato()
    dati = _seduta_breve(trovata)
    dati["punti"] = [
        {
            "ordine": p.ordine,
            "titolo": p.titolo,
            "votazione": _votazione(p),
            "piano_id": p.piano_pubblico.piano_id if p.piano_pubblico else None,
        }
        for p in selezioni.punti(trovata)
    ]
    dati["verbale"] = (
        {
            "url": _assoluto(request, "pubblico:verbale-pdf", ambito.slug, trovata.pk),
            "sha256": documento.sha256,
            "sha256_firmato": documento.sha256_firmato,
            "pagine": None,
        }
        if documento is not None
        else None
    )
    return dati


# --- Tables (the public ones for anyone; with a token, also those its holder sees) -----------


def _dati_tavolo(t, incontri=None):
    return {
        "id": t.pk,
        "titolo": t.titolo,
        "descrizione": t.descrizione,
        "aree_policy": [a.nome for a in t.aree_policy.all()],
        "pubblico": t.pubblico,
        "incontri": incontri or [],
    }


def _incontro_pubblico(incontro, verbali):
    return {
        "id": incontro.pk,
        "titolo": incontro.titolo,
        "inizio": incontro.inizio,
        "fine": incontro.fine,
        "luogo": incontro.luogo or "online",
        "ordine_del_giorno": incontro.ordine_del_giorno,
        "verbale": verbali.get(incontro.pk) or None,
    }


@api.get(
    "/ambiti/{slug}/tavoli",
    response={200: list[schemi.Tavolo], ERRORI: schemi.Errore},
    tags=["tavoli"],
)
@paginate(Pagine)
def tavoli(request, slug: str):
    """The tables the Ufficio di Piano made public; with a token, also those its holder sees in
    the portal."""
    ambito = _ambito(slug)
    pubblici = selezioni.tavoli_pubblici_qs(ambito).prefetch_related("aree_policy")
    if not _con_token(request):
        return [_dati_tavolo(t) for t in pubblici]
    visibili = tavoli_visibili(_utente(request), ambito).values("pk")
    return [
        _dati_tavolo(t)
        for t in Tavolo.objects.filter(Q(pk__in=visibili) | Q(pk__in=pubblici.values("pk")))
        .prefetch_related("aree_policy")
        .order_by("titolo", "pk")
    ]


@api.get(
    "/ambiti/{slug}/tavoli/{pk}",
    response={200: schemi.Tavolo, ERRORI: schemi.Errore},
    tags=["tavoli"],
)
def tavolo(request, slug: str, pk: int):
    """A public table with its public meetings for anyone; any other as the portal decides."""
    ambito = _ambito(slug)
    pubblico = selezioni.tavolo_pubblico(ambito, pk)
    if pubblico is not None:
        incontri = list(selezioni.incontri_pubblici(ambito, tavolo=pubblico))
        verbali = selezioni.verbali_pubblici(incontri)
        incontri = [_incontro_pubblico(i, verbali) for i in incontri]
        return _dati_tavolo(pubblico, incontri)
    if not _con_token(request):
        raise Http404
    return _dati_tavolo(get_tavolo_for_reader(_utente(request), ambito, pk))
