"""Requests to join an ambito's register (ambiti.Candidatura): the public form an ente fills
without an account, the link that confirms its e-mail address, and the Ufficio di Piano's list
where it accepts or refuses them. The steps are told in ambiti/services_candidature.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.flusso import OperazioneNonAmmessa
from core.limiti import oltre_il_limite

from . import services_candidature as servizi
from .forms_candidature import CandidaturaForm, RifiutoForm
from .models import Candidatura, Ente
from .permissions import (
    get_ambito_for_manager,
    get_ambito_pubblico,
    get_candidatura_for_manager,
)

CANDIDATURE_PER_PAGINA = 50
# Confirmation links sent to one e-mail address in an hour, whoever asks for them.
MESSAGGI_PER_INDIRIZZO_ORA = 3
# The states the Ufficio di Piano's list shows, one tab each; unconfirmed requests are not
# submitted yet.
STATI_ELENCO = [
    Candidatura.Stato.DA_ESAMINARE,
    Candidatura.Stato.ACCETTATA,
    Candidatura.Stato.RESPINTA,
]


# --- Public: no login --------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def aderisci(request, ambito):
    ambito = get_ambito_pubblico(ambito)
    form = CandidaturaForm(request.POST or None, ambito=ambito)
    if request.method == "POST":
        chiave = f"candidature:{request.META.get('REMOTE_ADDR', '')}"
        if oltre_il_limite(chiave, massimo=settings.PDZ_CANDIDATURE_PER_ORA, secondi=3600):
            return render(
                request,
                "ambiti/candidature/modulo.html",
                {"ambito": ambito, "form": form, "troppe": True},
                status=429,
            )
        if form.e_trappola():
            # Answered like a real request, so that the robot learns nothing; nothing is kept.
            return redirect("adesione:inviata", ambito=ambito.slug)
        if form.is_valid():
            # Nor may many addresses together flood one mailbox with confirmation links.
            destinatario = f"candidature-email:{form.cleaned_data['email'].casefold()}"
            if oltre_il_limite(destinatario, massimo=MESSAGGI_PER_INDIRIZZO_ORA, secondi=3600):
                return render(
                    request,
                    "ambiti/candidature/modulo.html",
                    {"ambito": ambito, "form": form, "troppe": True},
                    status=429,
                )
            servizi.registra(form)
            return redirect("adesione:inviata", ambito=ambito.slug)
    return render(request, "ambiti/candidature/modulo.html", {"ambito": ambito, "form": form})


@login_not_required
@require_GET
def inviata(request, ambito):
    ambito = get_ambito_pubblico(ambito)
    return render(
        request,
        "ambiti/candidature/inviata.html",
        {"ambito": ambito, "ore": settings.PDZ_CANDIDATURA_LINK_ORE},
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def conferma(request, ambito, token):
    """The link of the e-mail shows the request and a button: a mail scanner that opens the
    link confirms nothing, the person behind the address does."""
    ambito = get_ambito_pubblico(ambito)
    contesto = {"ambito": ambito}
    try:
        pk = servizi.leggi_firma(token)
    except servizi.LinkScaduto:
        return render(
            request,
            "ambiti/candidature/conferma.html",
            {**contesto, "esito": "scaduto"},
            status=410,
        )
    except servizi.LinkNonValido:
        pk = None
    candidatura = (
        Candidatura.objects.select_related("ambito")
        .prefetch_related("aree_policy")
        .filter(pk=pk, ambito=ambito)
        .first()
        if pk is not None
        else None
    )
    if candidatura is None:
        return render(
            request,
            "ambiti/candidature/conferma.html",
            {**contesto, "esito": "non_valido"},
            status=400,
        )
    contesto["candidatura"] = candidatura
    if candidatura.stato != Candidatura.Stato.VERIFICA_EMAIL:
        contesto["esito"] = "gia_confermata"
    elif request.method == "POST":
        try:
            servizi.conferma_email(candidatura=candidatura)
            contesto["esito"] = "confermata"
        except OperazioneNonAmmessa as errore:
            contesto["esito"] = "rifiutata"
            contesto["errore"] = str(errore)
    return render(request, "ambiti/candidature/conferma.html", contesto)


# --- The Ufficio di Piano -----------------------------------------------------------------------


@require_GET
def elenco(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    stato = request.GET.get("stato")
    if stato not in STATI_ELENCO:
        stato = Candidatura.Stato.DA_ESAMINARE
    conteggi = Candidatura.objects.filter(ambito=ambito).aggregate(
        **{s: Count("pk", filter=Q(stato=s)) for s in STATI_ELENCO}
    )
    # Those to examine oldest first (first come, first served); decided ones latest first.
    ordine = (
        ("creata_il", "pk") if stato == Candidatura.Stato.DA_ESAMINARE else ("-decisa_il", "-pk")
    )
    queryset = (
        Candidatura.objects.filter(ambito=ambito, stato=stato)
        .annotate(
            nel_portale=Exists(Ente.objects.filter(codice_fiscale=OuterRef("codice_fiscale")))
        )
        .prefetch_related("aree_policy")
        .order_by(*ordine)
    )
    pagina = Paginator(queryset, CANDIDATURE_PER_PAGINA).get_page(request.GET.get("pagina"))
    schede = [
        {"stato": s, "nome": Candidatura.Stato(s).label, "numero": conteggi[s]}
        for s in STATI_ELENCO
    ]
    return render(
        request,
        "ambiti/candidature/elenco.html",
        {
            "ambito": ambito,
            "stato": stato,
            "schede": schede,
            "pagina": pagina,
            "query": f"stato={stato}",
        },
    )


def _dettaglio(request, ambito, candidatura, rifiuto_form=None, status=200):
    return render(
        request,
        "ambiti/candidature/dettaglio.html",
        {
            "ambito": ambito,
            "candidatura": candidatura,
            "ente_nel_portale": Ente.objects.con_codice_fiscale(candidatura.codice_fiscale),
            "rifiuto_form": rifiuto_form or RifiutoForm(),
        },
        status=status,
    )


@require_GET
def dettaglio(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    candidatura = get_candidatura_for_manager(request.user, ambito, pk)
    return _dettaglio(request, ambito, candidatura)


@require_POST
def accetta(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    candidatura = get_candidatura_for_manager(request.user, ambito, pk)
    try:
        iscrizione = servizi.accetta(candidatura=candidatura, da=request.user)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
        return redirect("ambiti:candidatura", slug=ambito.slug, pk=candidatura.pk)
    messages.success(
        request,
        _("Richiesta accolta: %(ente)s è iscritto al registro e ne riceve comunicazione.")
        % {"ente": candidatura.denominazione},
    )
    return redirect("ambiti:iscrizione-dettaglio", slug=ambito.slug, pk=iscrizione.pk)


@require_POST
def respingi(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    candidatura = get_candidatura_for_manager(request.user, ambito, pk)
    form = RifiutoForm(request.POST)
    if not form.is_valid():
        return _dettaglio(request, ambito, candidatura, rifiuto_form=form, status=400)
    try:
        servizi.respingi(
            candidatura=candidatura, motivo=form.cleaned_data["motivo"], da=request.user
        )
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
        return redirect("ambiti:candidatura", slug=ambito.slug, pk=candidatura.pk)
    messages.success(
        request,
        _("Richiesta respinta: %(ente)s riceve il motivo per e-mail.")
        % {"ente": candidatura.denominazione},
    )
    return redirect("ambiti:candidature", slug=ambito.slug)
