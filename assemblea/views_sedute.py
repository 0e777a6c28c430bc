"""The sessions of the Assemblea: list, convocation, agenda, opening and closing.

The Ufficio di Piano convenes and runs them; the sindaci and delegati of the ambito read them.
What the session's state guards is done by the services, under the session's lock: the checks
here only spare a form to whoever cannot use it. Refusals of the services (OperazioneNonAmmessa)
come back as messages, never as errors.
"""

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ambiti.models import Comune
from core.flusso import OperazioneNonAmmessa
from piani.models import RenderPDF, VersionePiano

from . import convocazione as regole_convocazione
from . import services
from .calcolo import cifra
from .forms import PuntoForm, SedutaForm
from .models import Delega, PuntoOdg, Seduta, Votazione
from .permissions import can_manage_sedute, get_seduta_for_manager, get_seduta_for_reader
from .views_regole import ambito_gestore, ambito_lettore

Stato = Seduta.Stato


def seduta_lettore(request, slug, pk):
    ambito = ambito_lettore(request, slug)
    seduta = get_seduta_for_reader(request.user, ambito, pk)
    seduta.ambito = ambito
    return ambito, seduta


def seduta_gestore(request, slug, pk):
    ambito = ambito_lettore(request, slug)
    seduta = get_seduta_for_manager(request.user, ambito, pk)
    seduta.ambito = ambito
    return ambito, seduta


def vai_alla_seduta(seduta):
    return redirect("assemblea:seduta", slug=seduta.ambito.slug, pk=seduta.pk)


# --- List and form ----------------------------------------------------------------------------


@require_GET
def sedute(request, slug):
    ambito = ambito_lettore(request, slug)
    tutte = list(
        Seduta.objects.filter(ambito=ambito).annotate(
            numero_punti=Count("punti", distinct=True),
            numero_votazioni=Count("punti__votazione", distinct=True),
        )
    )
    prossime = sorted(
        (s for s in tutte if s.stato != Stato.CHIUSA), key=lambda s: s.prima_convocazione
    )
    passate = sorted(
        (s for s in tutte if s.stato == Stato.CHIUSA),
        key=lambda s: s.prima_convocazione,
        reverse=True,
    )
    return render(
        request,
        "assemblea/sedute.html",
        {
            "ambito": ambito,
            "prossime": prossime,
            "passate": passate,
            "puo_gestire": can_manage_sedute(request.user, ambito),
        },
    )


@require_http_methods(["GET", "POST"])
def seduta_nuova(request, slug):
    ambito = ambito_gestore(request, slug)
    form = SedutaForm(request.POST or None, ambito=ambito)
    if request.method == "POST" and form.is_valid():
        seduta = form.save(commit=False)
        seduta.convocata_da = request.user
        seduta.save()
        messages.success(
            request,
            _(
                "Seduta creata. Aggiungi i punti all'ordine del giorno, poi invia la "
                "convocazione ai sindaci."
            ),
        )
        return vai_alla_seduta(seduta)
    return render(request, "assemblea/seduta_form.html", {"ambito": ambito, "form": form})


@require_http_methods(["GET", "POST"])
def seduta_modifica(request, slug, pk):
    ambito, seduta = seduta_gestore(request, slug, pk)
    if seduta.stato != Stato.CONVOCATA:
        messages.error(request, _("La seduta è già stata aperta: i suoi dati non si modificano."))
        return vai_alla_seduta(seduta)
    form = SedutaForm(request.POST or None, instance=seduta, ambito=ambito)
    if request.method == "POST" and form.is_valid():
        try:
            seduta = services.modifica_seduta(form)
        except OperazioneNonAmmessa as errore:
            messages.error(request, str(errore))
            return vai_alla_seduta(seduta)
        if seduta.inviti_inviati_il and form.has_changed():
            messages.warning(
                request,
                _(
                    "Seduta modificata. I sindaci hanno ricevuto la convocazione precedente: "
                    "inviala di nuovo per comunicare le modifiche."
                ),
            )
        else:
            messages.success(request, _("Seduta modificata."))
        return vai_alla_seduta(seduta)
    return render(
        request, "assemblea/seduta_form.html", {"ambito": ambito, "form": form, "seduta": seduta}
    )


# --- The session's page -----------------------------------------------------------------------


def _versione_successiva():
    """The latest version of the item's plan frozen after the item's own, if any: the item
    points to a superseded text."""
    return Subquery(
        VersionePiano.objects.filter(
            piano=OuterRef("versione_piano__piano"), numero__gt=OuterRef("versione_piano__numero")
        )
        .order_by("-numero")
        .values("numero")[:1]
    )


def _punti(seduta):
    pdf_completati = Prefetch(
        "versione_piano__rendering",
        queryset=RenderPDF.objects.filter(stato=RenderPDF.Stato.COMPLETATO).order_by(
            "-completato_il", "-pk"
        ),
        to_attr="pdf_completati",
    )
    punti = list(
        PuntoOdg.objects.filter(seduta=seduta)
        .annotate(versione_successiva=_versione_successiva())
        .select_related("versione_piano__piano", "votazione")
        # Each version's HTML is the whole plan: the agenda shows its number and its PDF.
        .defer("versione_piano__html")
        .prefetch_related(pdf_completati)
        .order_by("ordine")
    )
    for punto in punti:
        versione = punto.versione_piano
        punto.superato = bool(
            punto.versione_successiva
            and not (
                getattr(punto, "votazione", None)
                and punto.votazione.stato == Votazione.Stato.CHIUSA
            )
        )
        punto.pdf = versione.pdf_completati[0] if versione and versione.pdf_completati else None
        punto.approvata = bool(versione and versione.esito == VersionePiano.Esito.APPROVATA)
        punto.voto = getattr(punto, "votazione", None)
    return punti


def contesto_seduta(request, ambito, seduta, **extra):
    gestisce = can_manage_sedute(request.user, ambito)
    presenti_ora = services.presenti(seduta)
    presenti = len(presenti_ora)
    # The comuni the person reading speaks for, each with its own check-in button.
    mie = []
    if seduta.stato != Stato.CHIUSA:
        mie = [
            {"rappresentanza": r, "presente": r.comune.pk in presenti_ora}
            for r in services.rappresentanze(request.user, seduta)
        ]
    contesto = {
        "ambito": ambito,
        "seduta": seduta,
        "punti": _punti(seduta),
        "deleghe": list(
            Delega.objects.filter(seduta=seduta)
            .select_related("comune", "delegato")
            .order_by("comune__nome")
        ),
        "presenti": presenti,
        "mie": mie,
        "numero_comuni": Comune.objects.filter(ambito=ambito).count(),
        "regola": services.regola_corrente(ambito),
        "puo_gestire": gestisce,
        "modificabile": gestisce and seduta.stato == Stato.CONVOCATA,
        "aperta": seduta.stato == Stato.APERTA,
        "chiusa": seduta.stato == Stato.CHIUSA,
    }
    if contesto["modificabile"]:
        contesto["apertura"] = regole_convocazione.possibilita(seduta, timezone.now())
    if seduta.quorum_prima and not seduta.quorum_prima.get("ricostruita"):
        contesto["descrizione_prima"] = descrivi_quorum(seduta.quorum_prima)
    if contesto["modificabile"] and "form_punto" not in extra:
        prossimo = max((p.ordine for p in contesto["punti"]), default=0) + 1
        extra["form_punto"] = PuntoForm(seduta=seduta, initial={"ordine": prossimo})
    return contesto | extra


@require_GET
def seduta(request, slug, pk):
    ambito, seduta = seduta_lettore(request, slug, pk)
    return render(request, "assemblea/seduta.html", contesto_seduta(request, ambito, seduta))


def _odg(request, contesto):
    """The agenda alone, for htmx: it shows the messages itself, since no page around it does."""
    return render(request, "assemblea/seduta.html#odg", contesto | {"parziale": True})


@require_POST
def punto_aggiungi(request, slug, pk):
    ambito, seduta = seduta_gestore(request, slug, pk)
    if seduta.stato != Stato.CONVOCATA:
        messages.error(
            request, _("La seduta è già stata aperta: l'ordine del giorno non cambia più.")
        )
        if request.htmx:
            # The agenda in place, with the message once: a redirect followed by htmx would
            # put the whole page, and its messages, inside the agenda.
            return _odg(request, contesto_seduta(request, ambito, seduta))
        return vai_alla_seduta(seduta)
    form = PuntoForm(request.POST, seduta=seduta)
    extra = {}
    if form.is_valid():
        try:
            services.aggiungi_punto(form)
        except IntegrityError:
            # A simultaneous request took the same number first.
            form.add_error("ordine", _("Questo numero è già stato usato: scegline un altro."))
        except OperazioneNonAmmessa as errore:
            # The session was opened since the page was loaded.
            messages.error(request, str(errore))
            if request.htmx:
                return _odg(request, contesto_seduta(request, ambito, seduta))
            return vai_alla_seduta(seduta)
    if form.is_valid():
        extra["punto_aggiunto"] = True
    else:
        extra["form_punto"] = form
    contesto = contesto_seduta(request, ambito, seduta, **extra)
    if request.htmx:
        return _odg(request, contesto)
    if form.is_valid():
        messages.success(request, _("Punto aggiunto all'ordine del giorno."))
        return vai_alla_seduta(seduta)
    return render(request, "assemblea/seduta.html", contesto)


@require_POST
def punto_elimina(request, slug, pk, punto):
    ambito, seduta = seduta_gestore(request, slug, pk)
    punto = get_object_or_404(PuntoOdg, seduta=seduta, pk=punto)
    try:
        services.elimina_punto(seduta, punto)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        messages.success(request, _("Punto eliminato dall'ordine del giorno."))
    if request.htmx:
        return _odg(request, contesto_seduta(request, ambito, seduta))
    return vai_alla_seduta(seduta)


# --- Convocation, opening, closing ------------------------------------------------------------


@require_POST
def seduta_convoca(request, slug, pk):
    _ambito, seduta = seduta_gestore(request, slug, pk)
    try:
        nuovo_invio, destinatari = services.convoca_seduta(seduta)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
        return vai_alla_seduta(seduta)
    valori = {"n": destinatari}
    if nuovo_invio:
        messages.success(
            request,
            _(
                "Convocazione inviata di nuovo a %(n)d sindaci e delegati: sostituisce la precedente."
            )
            % valori,
        )
    else:
        messages.success(request, _("Convocazione inviata a %(n)d sindaci e delegati.") % valori)
    return vai_alla_seduta(seduta)


def descrivi_quorum(quorum) -> str:
    if not quorum:
        return ""
    if quorum["raggiunto"]:
        testo = _("quorum costitutivo raggiunto")
    else:
        testo = _("quorum costitutivo non raggiunto")
    presenti = quorum["presenti"]
    totale = quorum["aventi_diritto"]
    return _("%(esito)s: presenti %(p)d comuni su %(t)d, %(pp)s abitanti su %(tp)s.") % {
        "esito": testo,
        "p": presenti["teste"],
        "t": totale["teste"],
        "pp": cifra(presenti["popolazione"]),
        "tp": cifra(totale["popolazione"]),
    }


@require_POST
def seduta_apri(request, slug, pk):
    ambito, seduta = seduta_gestore(request, slug, pk)
    convocazione = request.POST.get("convocazione", "")
    if convocazione not in Seduta.Convocazione.values:
        messages.error(
            request, _("Scegli se la seduta si apre in prima o in seconda convocazione.")
        )
        return vai_alla_seduta(seduta)
    try:
        seduta = services.apri_seduta(seduta, utente=request.user, convocazione=convocazione)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        seduta.ambito = ambito
        messaggio = _("Seduta aperta in %(c)s") % {"c": seduta.get_convocazione_display().lower()}
        messaggio = f"{messaggio}: {descrivi_quorum(seduta.quorum_apertura)}"
        if seduta.quorum_apertura and seduta.quorum_apertura["raggiunto"]:
            messages.success(request, messaggio)
        else:
            messages.warning(request, messaggio)
    return vai_alla_seduta(seduta)


@require_POST
def seduta_prima_deserta(request, slug, pk):
    ambito, seduta = seduta_gestore(request, slug, pk)
    try:
        seduta = services.dichiara_prima_deserta(seduta, utente=request.user)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        seduta.ambito = ambito
        messaggio = _("Prima convocazione dichiarata deserta alle %(ora)s") % {
            "ora": regole_convocazione.momento(seduta.prima_deserta_il)["ora"]
        }
        messages.success(request, f"{messaggio}: {descrivi_quorum(seduta.quorum_prima)}")
    return vai_alla_seduta(seduta)


@require_POST
def seduta_chiudi(request, slug, pk):
    ambito, seduta = seduta_gestore(request, slug, pk)
    try:
        seduta = services.chiudi_seduta(seduta, utente=request.user)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        seduta.ambito = ambito
        messages.success(request, _("Seduta chiusa: il verbale è disponibile in PDF."))
    return vai_alla_seduta(seduta)
