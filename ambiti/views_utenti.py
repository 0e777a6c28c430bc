"""The Ufficio di Piano manages its ambito's people: the list, invitations, roles given and
revoked, accounts switched off and on, the mayors' file in and out.

Every view starts from get_ambito_for_manager (404 outside the ambito, 403 for its members who
are not the Ufficio di Piano) and reaches a person only through her roles in this ambito: a
person of another ambito is a 404, and her other ambiti are never shown.
"""

import base64
import binascii

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Ruolo
from accounts.permissions import check_access
from core.esportazioni import risposta_tabellare
from core.flusso import OperazioneNonAmmessa

from . import services_utenti as servizi
from .forms_utenti import (
    FiltroUtentiForm,
    ImportaSindaciForm,
    InvitoForm,
    RevocaForm,
    RuoloForm,
    Stato,
)
from .import_sindaci import COLONNE, ErroreImportazione, analizza
from .permissions import get_ambito_for_manager

PERSONE_PER_PAGINA = 50
User = get_user_model()


def stato_ruolo(ruolo, oggi) -> str:
    """Ended by its date (whether or not the nightly task has flagged it), revoked before its
    end, not begun yet, or in force: the same rule as Ruolo.objects.attivi()."""
    if ruolo.al is not None and ruolo.al < oggi:
        return Stato.CONCLUSO
    if not ruolo.attivo:
        return Stato.REVOCATO
    if ruolo.dal > oggi:
        return Stato.FUTURO
    return Stato.IN_CORSO


def _filtra_per_stato(ruoli, stato, oggi):
    terminato = Q(al__lt=oggi)
    if stato == Stato.CONCLUSO:
        return ruoli.filter(terminato)
    if stato == Stato.REVOCATO:
        return ruoli.filter(attivo=False).exclude(terminato)
    if stato == Stato.FUTURO:
        return ruoli.filter(attivo=True, dal__gt=oggi).exclude(terminato)
    if stato == Stato.IN_CORSO:
        return ruoli.attivi(oggi)
    return ruoli


def _con_stati(ruoli, oggi):
    etichette = dict(Stato.SCELTE)
    for ruolo in ruoli:
        ruolo.stato = stato_ruolo(ruolo, oggi)
        ruolo.stato_etichetta = etichette[ruolo.stato]
    return ruoli


def _get_persona(ambito, pk):
    """A person with a role, in whatever state, in this ambito; otherwise 404."""
    persona = servizi.persone_dell_ambito(ambito).filter(pk=pk).first()
    check_access(can_view=persona is not None)
    return persona


def _partial_or_page(request, template, context, partial):
    if request.htmx and not request.htmx.boosted:
        template = f"{template}#{partial}"
    return render(request, template, context)


@require_GET
def elenco(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    oggi = timezone.localdate()
    filtro = FiltroUtentiForm(request.GET)
    valori = filtro.valori()
    ruoli = Ruolo.objects.filter(ambito=ambito)
    if valori.get("tipo"):
        ruoli = ruoli.filter(tipo=valori["tipo"])
    ruoli = _filtra_per_stato(ruoli, valori.get("stato"), oggi)
    persone = User.objects.filter(pk__in=ruoli.values("user_id"))
    if testo := (valori.get("q") or "").strip():
        persone = persone.filter(
            Q(first_name__icontains=testo)
            | Q(last_name__icontains=testo)
            | Q(username__icontains=testo)
            | Q(email__icontains=testo)
            | Q(codice_fiscale__icontains=testo)
        )
    persone = persone.order_by("last_name", "first_name", "pk").prefetch_related(
        Prefetch(
            "ruoli",
            queryset=ruoli.select_related("comune", "ente").order_by("-dal", "pk"),
            to_attr="ruoli_qui",
        )
    )
    pagina = Paginator(persone, PERSONE_PER_PAGINA).get_page(request.GET.get("pagina"))
    for persona in pagina:
        _con_stati(persona.ruoli_qui, oggi)
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {"ambito": ambito, "filtro": filtro, "pagina": pagina, "query": query.urlencode()}
    return _partial_or_page(request, "ambiti/utenti/elenco.html", context, "risultati")


def _errori_nel_form(form, errore: ValidationError):
    """A service's ValidationError shown next to the field it names (or atop the form)."""
    if hasattr(errore, "error_dict"):
        for campo, errori in errore.error_dict.items():
            form.add_error(campo if campo in form.fields else None, errori)
    else:
        form.add_error(None, errore)


@require_http_methods(["GET", "POST"])
def invita(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    form = InvitoForm(request.POST or None, ambito=ambito)
    if request.method == "POST" and form.is_valid():
        try:
            esito = servizi.invita(ambito=ambito, **form.persona(), **form.ruolo(), da=request.user)
        except ValidationError as e:
            _errori_nel_form(form, e)
        except OperazioneNonAmmessa as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _messaggio_invito(esito))
            return redirect("ambiti:utente", slug=ambito.slug, pk=esito.utente.pk)
    return render(request, "ambiti/utenti/invito.html", {"ambito": ambito, "form": form})


def _messaggio_invito(esito) -> str:
    parti = []
    if esito.creato:
        parti.append(_("%(persona)s è registrata nel portale.") % {"persona": esito.utente})
    else:
        parti.append(
            _(
                "%(persona)s era già registrata nel portale: le è stato aggiunto il ruolo, "
                "senza creare un secondo account."
            )
            % {"persona": esito.utente}
        )
    if esito.email_inviata:
        parti.append(_("Le è stata inviata un'e-mail con il link per scegliere la password."))
    elif esito.creato:
        parti.append(_("Potrà entrare con SPID o CIE: il codice fiscale collega il suo account."))
    return " ".join(parti)


def _contesto_persona(ambito, persona, **extra):
    oggi = timezone.localdate()
    ruoli = _con_stati(
        list(
            Ruolo.objects.filter(ambito=ambito, user=persona)
            .select_related("comune", "ente")
            .order_by("-dal", "pk")
        ),
        oggi,
    )
    return {
        "ambito": ambito,
        "persona": persona,
        "ruoli": ruoli,
        "ha_ruoli_attivi": any(r.stato in (Stato.IN_CORSO, Stato.FUTURO) for r in ruoli),
        **extra,
    }


@require_GET
def dettaglio(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    persona = _get_persona(ambito, pk)
    contesto = _contesto_persona(ambito, persona, form=RuoloForm(ambito=ambito))
    return render(request, "ambiti/utenti/dettaglio.html", contesto)


@require_POST
def assegna(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    persona = _get_persona(ambito, pk)
    form = RuoloForm(request.POST, ambito=ambito)
    if form.is_valid():
        try:
            ruolo = servizi.assegna_ruolo(
                ambito=ambito, utente=persona, **form.ruolo(), da=request.user
            )
        except ValidationError as e:
            _errori_nel_form(form, e)
        except OperazioneNonAmmessa as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request, _("Ruolo assegnato: %(ruolo)s.") % {"ruolo": ruolo.get_tipo_display()}
            )
            return redirect("ambiti:utente", slug=ambito.slug, pk=persona.pk)
    contesto = _contesto_persona(ambito, persona, form=form)
    return render(request, "ambiti/utenti/dettaglio.html", contesto, status=200)


@require_http_methods(["GET", "POST"])
def revoca(request, slug, pk, ruolo_pk):
    ambito = get_ambito_for_manager(request.user, slug)
    persona = _get_persona(ambito, pk)
    ruolo = (
        Ruolo.objects.filter(ambito=ambito, user=persona, pk=ruolo_pk)
        .select_related("comune", "ente")
        .first()
    )
    check_access(can_view=ruolo is not None)
    form = RevocaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            servizi.revoca_ruolo(
                ambito=ambito, ruolo=ruolo, al=form.cleaned_data["al"], da=request.user
            )
        except OperazioneNonAmmessa as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Ruolo revocato: resta nello storico."))
            return redirect("ambiti:utente", slug=ambito.slug, pk=persona.pk)
    _con_stati([ruolo], timezone.localdate())
    return render(
        request,
        "ambiti/utenti/revoca.html",
        {"ambito": ambito, "persona": persona, "ruolo": ruolo, "form": form},
    )


@require_POST
def disattiva(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    persona = _get_persona(ambito, pk)
    try:
        esito = servizi.disattiva_utente(ambito=ambito, utente=persona, da=request.user)
    except OperazioneNonAmmessa as e:
        messages.error(request, str(e))
    else:
        if esito.account_disattivato:
            messages.success(
                request, _("Account disattivato: i suoi ruoli nell'ambito sono terminati oggi.")
            )
        else:
            messages.success(
                request,
                _(
                    "I suoi ruoli in questo ambito sono terminati oggi. L'account resta attivo "
                    "per gli altri ruoli che ha nel portale."
                ),
            )
    return redirect("ambiti:utente", slug=ambito.slug, pk=persona.pk)


@require_POST
def riattiva(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    persona = _get_persona(ambito, pk)
    try:
        servizi.riattiva_utente(ambito=ambito, utente=persona, da=request.user)
    except OperazioneNonAmmessa as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("Account riattivato. Assegna i ruoli che servono: senza ruoli non vede nulla."),
        )
    return redirect("ambiti:utente", slug=ambito.slug, pk=persona.pk)


# --- The mayors' file ----------------------------------------------------------------------------


def _codifica(contenuto: bytes) -> str:
    return base64.b64encode(contenuto).decode("ascii")


def _decodifica(testo: str) -> bytes | None:
    try:
        return base64.b64decode(testo.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


@require_http_methods(["GET", "POST"])
def importa_sindaci(request, slug):
    """Upload, preview (nothing written), confirm. The confirmation posts the same file back and
    the service checks it again under its locks: the preview is never trusted."""
    ambito = get_ambito_for_manager(request.user, slug)
    form = ImportaSindaciForm(request.POST or None, request.FILES or None)
    contesto = {"ambito": ambito, "form": form, "colonne": ",".join(COLONNE)}
    if request.method == "POST" and request.POST.get("conferma"):
        contenuto = _decodifica(request.POST.get("contenuto", ""))
        if contenuto is None:
            messages.error(request, _("Il file non è arrivato intero: caricalo di nuovo."))
            return redirect("ambiti:importa-sindaci", slug=ambito.slug)
        try:
            n = servizi.importa_sindaci(ambito=ambito, contenuto=contenuto, da=request.user)
        except ErroreImportazione as e:
            contesto["errori"] = e.errori
        else:
            messages.success(
                request,
                _("Importazione completata: %(n)s sindaci registrati.") % {"n": n},
            )
            return redirect(f"{_url_elenco(ambito)}?tipo={Ruolo.Tipo.SINDACO}")
    elif request.method == "POST" and form.is_valid():
        contenuto = form.cleaned_data["file"].read()
        piano = analizza(contenuto, ambito=ambito)
        contesto.update(piano=piano, errori=piano.errori)
        if not piano.errori:
            contesto["contenuto"] = _codifica(contenuto)
    return render(request, "ambiti/utenti/importa_sindaci.html", contesto)


def _url_elenco(ambito):
    return reverse("ambiti:utenti", args=[ambito.slug])


@require_GET
def esporta_sindaci(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    righe = [COLONNE]
    for ruolo in servizi.sindaci_in_carica(ambito):
        utente = ruolo.user
        righe.append(
            [
                ruolo.comune.codice_istat,
                utente.codice_fiscale or "",
                utente.first_name,
                utente.last_name,
                utente.email,
                ruolo.dal,
            ]
        )
    return risposta_tabellare(righe, "csv", _("Sindaci"), f"sindaci-{ambito.slug}")
