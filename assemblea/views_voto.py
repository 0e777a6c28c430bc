"""The votes of the Assemblea in the browser: prepare, open and close a vote (the Ufficio di
Piano), cast and change a ballot (sindaci and delegati, for their own comune), follow it live,
enter a paper ballot (the secretary), check a receipt, read the log of the ballots.

Who: get_seduta_for_reader / get_seduta_for_manager decide (another ambito, or no part in the
Assemblea: 404; a sindaco on the secretary's pages: 403). A ballot is accepted only for a comune
the user speaks for in this session (services.rappresentanze): anything else is 403.

The ballot's POST and the live fragment are hit by every voter at once: both run a fixed number
of queries, whatever the number of comuni, and the POST never computes the quorum or the totals.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.otp import accesso_forte, dispositivo_app
from accounts.permissions import check_access, is_sindaco_ambito
from ambiti.models import Ambito, Comune
from ambiti.permissions import get_ambito_for_reader
from core.flusso import OperazioneNonAmmessa
from core.templatetags.pdz_formati import numero

from . import calcolo, services
from .forms_voto import RicevutaForm, VotoCartaceoForm, VotoForm
from .models import PuntoOdg, Qualita, Scelta, Seduta, Votazione, Voto
from .permissions import (
    can_manage_sedute,
    can_view_sedute,
    get_seduta_for_manager,
    get_seduta_for_reader,
)

Stato = Votazione.Stato


# --- Loading, with the permission checks ------------------------------------------------------


def _seduta(request, slug, pk, *, gestore=False):
    ambito = get_ambito_for_reader(request.user, slug)
    cerca = get_seduta_for_manager if gestore else get_seduta_for_reader
    seduta = cerca(request.user, ambito, pk)
    seduta.ambito = ambito
    return ambito, seduta


def _punto(seduta, punto) -> PuntoOdg:
    punto = (
        PuntoOdg.objects.select_related("versione_piano__piano", "votazione__regola")
        # The frozen plan's HTML is the whole plan: the vote shows its fingerprint, not its text.
        .defer("versione_piano__html")
        .filter(seduta=seduta, pk=punto)
        .first()
    )
    if punto is None:
        raise Http404
    punto.seduta = seduta
    return punto


def _votazione(punto) -> Votazione:
    votazione = getattr(punto, "votazione", None)
    if votazione is None:
        raise Http404
    votazione.punto = punto
    return votazione


def _url_votazione(seduta, punto_pk) -> str:
    return reverse(
        "assemblea:votazione",
        kwargs={"slug": seduta.ambito.slug, "pk": seduta.pk, "punto": punto_pk},
    )


def _torna(seduta, punto_pk):
    return redirect(_url_votazione(seduta, punto_pk))


# --- The live state and the result ------------------------------------------------------------


def _conteggio(c: calcolo.Conteggio) -> dict:
    return {"teste": c.teste, "popolazione": c.popolazione}


def _etichette(scelte) -> dict:
    return {valore: str(etichetta) for valore, etichetta in scelte.choices}


def _nominali(votazione, pesi=None) -> list[dict]:
    """The named ballots of an open (palese) vote, each with its frozen weight: plain rows with
    their labels, since every voter polls this list and it has a row per comune."""
    if pesi is None:
        pesi = services.pesi_elettorato(votazione)
    scelte, canali, qualita = _etichette(Scelta), _etichette(Voto.Canale), _etichette(Qualita)
    righe = (
        Voto.objects.filter(votazione=votazione)
        .order_by("comune__nome")
        .values_list("comune_id", "comune__nome", "scelta", "canale", "persona", "qualita")
    )
    return [
        {
            "comune_id": comune_id,
            "comune": nome,
            "peso": numero(pesi.get(comune_id)),
            "scelta": scelta,
            "scelta_etichetta": scelte.get(scelta, scelta),
            "canale": canale,
            "canale_etichetta": canali.get(canale, canale),
            "persona": persona,
            "qualita_etichetta": qualita.get(q, q),
        }
        for comune_id, nome, scelta, canale, persona, q in righe
    ]


def contesto_live(votazione) -> dict:
    """What the live panel shows. A fixed number of queries, whatever the number of comuni.

    In a secret ballot nothing here depends on a choice: no totals, no named ballots, and the
    presence counts every comune present or voting (the rule that abstainers are not counted as
    present is applied at closing, or the presence would reveal the abstentions)."""
    regola = votazione.regola
    seduta = votazione.punto.seduta
    contesto = {"votazione": votazione, "regola": regola, "segreto": regola.segreto}
    versione = votazione.punto.versione_piano
    contesto["versione"] = versione
    if votazione.stato == Stato.CHIUSA:
        contesto["risultato"] = votazione.risultato
        contesto["nominali"] = [] if regola.segreto else _nominali(votazione)
        return contesto
    if votazione.stato == Stato.APERTA:
        pesi = services.pesi_elettorato(votazione)
    else:
        try:
            pesi = {a.comune.pk: a.peso for a in services.pesi_comuni(regola, seduta.ambito)}
        except OperazioneNonAmmessa as errore:
            contesto["errore_pesi"] = str(errore)
            return contesto
    presenti = services.presenti(seduta)
    if votazione.stato == Stato.APERTA:
        if regola.segreto:
            votanti = set(
                Voto.objects.filter(votazione=votazione).values_list("comune_id", flat=True)
            )
            nominali = []
        else:
            nominali = _nominali(votazione, pesi)
            votanti = {v["comune_id"] for v in nominali}
    else:
        votanti, nominali = set(), []
    totale = calcolo.somma(pesi, pesi)
    presenza = calcolo.somma(pesi, presenti | votanti)
    contesto |= {
        "aventi_diritto": _conteggio(totale),
        "presenti": _conteggio(presenza),
        "quorum": calcolo.verifica_quorum(
            regola, seduta.convocazione or Seduta.Convocazione.PRIMA, presenza, totale
        ),
        "votanti": len(votanti & set(pesi)),
        "nominali": nominali,
    }
    contesto["quorum_raggiunto"] = all(v.superata for v in contesto["quorum"])
    if not regola.segreto:
        contesto["parziali"] = [
            {
                "scelta": scelta,
                "etichetta": Scelta(scelta).label,
                **_conteggio(
                    calcolo.somma(pesi, {v["comune_id"] for v in nominali if v["scelta"] == scelta})
                ),
            }
            for scelta in ("favorevole", "contrario", "astenuto")
        ]
    return contesto


# --- The login a vote needs -------------------------------------------------------------------


def accesso_insufficiente(request, ambito) -> bool:
    """The ambito wants online votes cast after SPID/CIE level 2 or the second factor, and this
    session has neither: the ballot is not shown and a ballot posted is refused."""
    return ambito.voto_online_accesso == Ambito.AccessoVoto.FORTE and not accesso_forte(request)


# --- Pages ------------------------------------------------------------------------------------


def _pagina(request, ambito, seduta, punto, *, form_cartaceo=None, errore=None, status=200):
    votazione = getattr(punto, "votazione", None)
    if votazione is not None:
        votazione.punto = punto
    gestisce = can_manage_sedute(request.user, ambito)
    regola = votazione.regola if votazione else services.regola_corrente(ambito)
    versione = punto.versione_piano
    rappresentanze = services.rappresentanze(request.user, seduta)
    voti = {}
    if votazione is not None and rappresentanze:
        voti = {
            v.comune_id: v
            for v in Voto.objects.filter(
                votazione=votazione, comune__in=[r.comune for r in rappresentanze]
            )
        }
    contesto = {
        "ambito": ambito,
        "seduta": seduta,
        "punto": punto,
        "votazione": votazione,
        "aperta": votazione is not None and votazione.stato == Stato.APERTA,
        "regola": regola,
        "regole": regola.descrizione() if regola else [],
        "versione": versione,
        "pdf": versione.pdf if versione else None,
        "puo_gestire": gestisce,
        "schede": [_scheda(r, voti.get(r.comune.pk)) for r in rappresentanze],
        # A delegato of the ambito with no delegation recorded for this session reads, not votes.
        "senza_delega": not rappresentanze and is_sindaco_ambito(request.user, ambito),
        "errore": errore,
        "accesso_insufficiente": bool(rappresentanze) and accesso_insufficiente(request, ambito),
    }
    if contesto["accesso_insufficiente"]:
        contesto["ha_secondo_fattore"] = dispositivo_app(request.user) is not None
    if votazione is not None:
        contesto["live"] = contesto_live(votazione)
        if gestisce and votazione.stato == Stato.APERTA:
            contesto["form_cartaceo"] = form_cartaceo or VotoCartaceoForm(comuni=_comuni(votazione))
    return render(request, "assemblea/votazione.html", contesto, status=status)


def _scheda(rappresentanza, voto) -> dict:
    return {
        "comune": rappresentanza.comune,
        "persona": rappresentanza.persona,
        "qualita": Qualita(rappresentanza.qualita).label,
        "voto": voto,
    }


def _comuni(votazione):
    return Comune.objects.filter(pk__in=votazione.elettorato.values("comune_id")).order_by("nome")


@require_GET
def votazione(request, slug, pk, punto):
    ambito, seduta = _seduta(request, slug, pk)
    return _pagina(request, ambito, seduta, _punto(seduta, punto))


@require_GET
def live(request, slug, pk, punto):
    _ambito, seduta = _seduta(request, slug, pk)
    votazione = _votazione(_punto(seduta, punto))
    visto = request.GET.get("stato")
    if request.htmx and visto and visto != votazione.stato:
        # The vote was opened or closed since the page was drawn: the buttons or the result
        # change, so the whole page is drawn again.
        return HttpResponseClientRefresh()
    return render(request, "assemblea/_live.html", {"live": contesto_live(votazione)})


# --- The Ufficio di Piano runs the vote -------------------------------------------------------


@require_POST
def crea(request, slug, pk, punto):
    _ambito, seduta = _seduta(request, slug, pk, gestore=True)
    punto = _punto(seduta, punto)
    try:
        votazione = services.prepara_votazione(punto)
    except services.VotazioneGiaPreparata as avviso:
        messages.info(request, str(avviso))
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        messages.success(
            request,
            _("Votazione preparata con le regole di voto versione %(v)s.")
            % {"v": votazione.regola.versione},
        )
    return _torna(seduta, punto.pk)


@require_POST
def apri(request, slug, pk, punto):
    _ambito, seduta = _seduta(request, slug, pk, gestore=True)
    votazione = _votazione(_punto(seduta, punto))
    try:
        services.apri_votazione(votazione, utente=request.user)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        messages.success(request, _("Votazione aperta: i pesi dei comuni sono fissati."))
    return _torna(seduta, votazione.punto_id)


@require_POST
def chiudi(request, slug, pk, punto):
    _ambito, seduta = _seduta(request, slug, pk, gestore=True)
    votazione = _votazione(_punto(seduta, punto))
    try:
        votazione = services.chiudi_votazione(votazione, utente=request.user)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        messages.success(
            request,
            _("Votazione chiusa. Esito: %(esito)s.") % {"esito": votazione.get_esito_display()},
        )
    return _torna(seduta, votazione.punto_id)


@require_GET
def eventi(request, slug, pk, punto):
    ambito, seduta = _seduta(request, slug, pk, gestore=True)
    punto = _punto(seduta, punto)
    votazione = _votazione(punto)
    validi = set(votazione.voti.values_list("ricevuta", flat=True))
    registro = list(votazione.eventi.select_related("comune").order_by("registrato_il", "pk"))
    for evento in registro:
        evento.valido = evento.ricevuta in validi
    return render(
        request,
        "assemblea/votazione_eventi.html",
        {
            "ambito": ambito,
            "seduta": seduta,
            "punto": punto,
            "votazione": votazione,
            "segreto": votazione.regola.segreto,
            "eventi": registro,
        },
    )


# --- Ballots ----------------------------------------------------------------------------------


def _rifiutato(request, ambito, seduta, punto, errore, *, form_cartaceo=None):
    if request.htmx:
        # Plain text: static/js/pdz.js shows it in the page's alert zone.
        return HttpResponse(errore, status=409, content_type="text/plain; charset=utf-8")
    return _pagina(
        request, ambito, seduta, punto, form_cartaceo=form_cartaceo, errore=errore, status=409
    )


def _votazione_per_voto(seduta, punto) -> Votazione:
    """Only what the ballot needs: services.vota reads and locks the vote itself."""
    votazione = (
        Votazione.objects.only("pk", "punto_id").filter(punto__seduta=seduta, punto=punto).first()
    )
    if votazione is None:
        raise Http404
    return votazione


@sensitive_post_parameters("scelta")
@require_POST
def vota(request, slug, pk, punto):
    ambito, seduta = _seduta(request, slug, pk)
    if accesso_insufficiente(request, ambito):
        raise PermissionDenied(
            _(
                "Per votare online in questo ambito serve un accesso con SPID o CIE di livello 2 "
                "oppure con il secondo fattore: il voto non è stato registrato."
            )
        )
    votazione = _votazione_per_voto(seduta, punto)
    form = VotoForm(request.POST)
    if not form.is_valid():
        errori = " ".join(e for lista in form.errors.values() for e in lista)
        return HttpResponse(errori, status=400, content_type="text/plain; charset=utf-8")
    comune = form.cleaned_data["comune"]
    rappresentanza = next(
        (r for r in services.rappresentanze(request.user, seduta) if r.comune.pk == comune), None
    )
    if rappresentanza is None:
        # Another comune, or a delegato whose delegation for this session is not recorded.
        raise PermissionDenied(_("Non puoi votare per questo comune in questa seduta."))
    try:
        voto = services.vota(
            votazione, rappresentanza, form.cleaned_data["scelta"], utente=request.user
        )
    except services.VotoRifiutato as errore:
        return _rifiutato(request, ambito, seduta, _punto(seduta, punto), str(errore))
    if request.htmx:
        return render(
            request,
            "assemblea/_voto_scheda.html",
            {
                "ambito": ambito,
                "seduta": seduta,
                "punto_pk": punto,
                "aperta": True,
                "scheda": _scheda(rappresentanza, voto),
                "appena_votato": True,
            },
        )
    messages.success(
        request,
        _("Voto registrato per %(comune)s: %(scelta)s. Ricevuta: %(codice)s.")
        % {
            "comune": rappresentanza.comune.nome,
            "scelta": voto.get_scelta_display(),
            "codice": voto.ricevuta,
        },
    )
    risposta = _torna(seduta, punto)
    risposta.status_code = 303
    return risposta


@sensitive_post_parameters("scelta")
@require_POST
def cartaceo(request, slug, pk, punto):
    ambito, seduta = _seduta(request, slug, pk, gestore=True)
    punto = _punto(seduta, punto)
    votazione = _votazione(punto)
    form = VotoCartaceoForm(request.POST, comuni=_comuni(votazione), seduta=votazione.punto.seduta)
    if votazione.stato != Stato.APERTA:
        # Refused before the form is read (it lists the comuni entitled, known once it opens);
        # services.vota checks again under the lock.
        errore = (
            _("La votazione è chiusa: il voto non è stato registrato.")
            if votazione.stato == Stato.CHIUSA
            else _("La votazione non è ancora aperta: il voto non è stato registrato.")
        )
        return _rifiutato(request, ambito, seduta, punto, errore, form_cartaceo=form)
    if not form.is_valid():
        return _pagina(request, ambito, seduta, punto, form_cartaceo=form)
    dati = form.cleaned_data
    rappresentanza = services.Rappresentanza(dati["comune"], dati["qualita"], dati["persona"])
    try:
        voto = services.vota(
            votazione,
            rappresentanza,
            dati["scelta"],
            utente=request.user,
            canale=Voto.Canale.CARTACEO,
            motivo_rettifica=dati["motivo"],
        )
    except services.RettificaNecessaria as errore:
        # Nothing was stored: the error goes next to the box that makes it a correction.
        form.add_error("rettifica", str(errore))
        return _pagina(request, ambito, seduta, punto, form_cartaceo=form)
    except services.VotoRifiutato as errore:
        return _rifiutato(request, ambito, seduta, punto, str(errore), form_cartaceo=form)
    messages.success(
        request,
        _("Voto cartaceo di %(comune)s registrato dalla segreteria. Ricevuta: %(codice)s.")
        % {"comune": dati["comune"].nome, "codice": voto.ricevuta},
    )
    if voto.evento.rettifica:
        messages.info(request, _("Rettifica registrata: il sindaco del comune ne riceve notizia."))
    return _torna(seduta, punto.pk)


# --- Receipts ---------------------------------------------------------------------------------


@sensitive_post_parameters("codice")
@require_http_methods(["GET", "POST"])
def ricevuta(request, slug):
    """The receipt check. The code comes only in a POST body: in a query string it would stay in
    access logs, proxies and the browser's history, so a GET shows the empty form and ignores it."""
    ambito = get_ambito_for_reader(request.user, slug)
    check_access(can_view=can_view_sedute(request.user, ambito))
    form = RicevutaForm(request.POST if request.method == "POST" else None)
    esito = None
    cercato = False
    if form.is_valid():
        cercato = True
        esito = services.verifica_ricevuta(form.cleaned_data["codice"])
        # A receipt of another ambito is not this ambito's business: as if it did not exist.
        if esito is not None and esito.evento.votazione.punto.seduta.ambito_id != ambito.pk:
            esito = None
    contesto = {"ambito": ambito, "form": form, "cercato": cercato, "esito": esito}
    if esito is not None:
        votazione = esito.evento.votazione
        contesto |= {
            "votazione": votazione,
            "punto": votazione.punto,
            "seduta": votazione.punto.seduta,
            "segreto": votazione.regola.segreto,
        }
    return render(request, "assemblea/ricevuta.html", contesto)
