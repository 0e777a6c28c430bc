"""The register of presences of a session and the delegations recorded for it.

Every comune of the ambito is a row: present or not, who (mayor or delegate), how (online check-in
or recorded by the secretary), when. The Ufficio di Piano, as secretary, records who is in the
room and marks exits; a sindaco, or a delegato whose delegation is recorded, checks in online for
the comune he speaks for. The counts and the constitutive quorum follow live (htmx polling).
Once the session is closed the register is read-only.
"""

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import check_access
from ambiti.models import Comune
from core.flusso import OperazioneNonAmmessa
from core.moduli import intero_o_none

from . import services
from .forms import DelegaForm, PresenzeForm
from .models import Delega, Presenza, Qualita, Seduta
from .permissions import can_manage_sedute
from .presenze_html import righe_registro
from .views_sedute import seduta_gestore, seduta_lettore, vai_alla_seduta

Stato = Seduta.Stato


def _pesi(regola, ambito):
    """Population per comune as the rules weigh it, or the comune's own when that fails."""
    if regola is not None:
        try:
            aventi = services.pesi_comuni(regola, ambito)
        except OperazioneNonAmmessa as errore:
            errore_pesi = str(errore)
        else:
            return [a.comune for a in aventi], {a.comune.pk: a.peso for a in aventi}, None
    else:
        errore_pesi = None
    comuni = list(Comune.objects.filter(ambito=ambito).order_by("nome"))
    return comuni, {c.pk: c.popolazione for c in comuni}, errore_pesi


def contesto_registro(request, ambito, seduta, *, con_modulo=True, **extra):
    """The register and its counts; with_modulo=False for the fragment alone (polled by every
    open page), which never shows the secretary's form."""
    gestisce = can_manage_sedute(request.user, ambito)
    regola = services.regola_corrente(ambito)
    comuni, pesi, errore_pesi = _pesi(regola, ambito)
    presenze = {p.comune_id: p for p in Presenza.objects.filter(seduta=seduta).order_by()}
    chiusa = seduta.stato == Stato.CHIUSA
    modificabile = gestisce and not chiusa
    # Labels and the exit's address once, not once per row.
    qualita, vie = dict(Qualita.choices), dict(Presenza.Via.choices)
    qualita = {k: str(v).lower() for k, v in qualita.items()}
    vie = {k: str(v) for k, v in vie.items()}
    url_uscita = ""
    if modificabile:
        url_uscita = reverse("assemblea:presenza-uscita", args=[ambito.slug, seduta.pk, 0])
        url_uscita = url_uscita.removesuffix("0/uscita/")
    righe = []
    presenti_ora = set()
    for comune in comuni:
        presenza = presenze.get(comune.pk)
        presente = presenza is not None and presenza.uscita_il is None
        if presente:
            presenti_ora.add(comune.pk)
        righe.append(
            {
                "comune": comune,
                "popolazione": pesi.get(comune.pk, comune.popolazione),
                "presenza": presenza,
                "presente": presente,
                "qualita": qualita.get(presenza.qualita, "") if presenza else "",
                "via": vie.get(presenza.via, "") if presenza else "",
                "url_uscita": f"{url_uscita}{comune.pk}/uscita/" if presente else "",
            }
        )
    quorum = None
    if regola is not None and errore_pesi is None:
        quorum = services.quorum_seduta(seduta, regola, pesi=pesi, presenti_ora=presenti_ora)
    mie = []
    if not chiusa:
        for rappresentanza in services.rappresentanze(request.user, seduta):
            presenza = presenze.get(rappresentanza.comune.pk)
            mie.append(
                {
                    "rappresentanza": rappresentanza,
                    "presente": bool(presenza and presenza.presente),
                }
            )
    contesto = {
        "ambito": ambito,
        "seduta": seduta,
        "regola": regola,
        "righe": righe,
        "righe_html": righe_registro(
            righe,
            modificabile=modificabile,
            csrf_token=get_token(request) if modificabile else "",
        ),
        "presenti_teste": sum(1 for r in righe if r["presente"]),
        "presenti_popolazione": sum(r["popolazione"] for r in righe if r["presente"]),
        "totale_teste": len(righe),
        "totale_popolazione": sum(r["popolazione"] for r in righe),
        "quorum": quorum,
        "errore_pesi": errore_pesi,
        "mie": mie,
        "puo_gestire": gestisce,
        "modificabile": modificabile,
        "chiusa": chiusa,
    }
    if con_modulo and modificabile and "form" not in extra:
        extra["form"] = PresenzeForm(seduta=seduta)
    return contesto | extra


def _registro(request, ambito, seduta, **extra):
    return render(
        request,
        "assemblea/presenze.html#registro",
        contesto_registro(request, ambito, seduta, con_modulo=False, **extra),
    )


def _vai_alle_presenze(seduta):
    return redirect("assemblea:presenze", slug=seduta.ambito.slug, pk=seduta.pk)


def _rifiuto(request, seduta, testo):
    if request.htmx:
        return HttpResponse(testo, status=409)
    messages.error(request, testo)
    return _vai_alle_presenze(seduta)


def _rifiuta_se_chiusa(request, seduta):
    """Refused before the form is read; the services check again under the session's lock."""
    if seduta.stato != Stato.CHIUSA:
        return None
    return _rifiuto(request, seduta, _("La seduta è chiusa: le presenze non cambiano più."))


@require_http_methods(["GET", "POST"])
def presenze(request, slug, pk):
    if request.method == "GET":
        ambito, seduta = seduta_lettore(request, slug, pk)
        if request.htmx:
            return _registro(request, ambito, seduta)
        return render(
            request, "assemblea/presenze.html", contesto_registro(request, ambito, seduta)
        )
    ambito, seduta = seduta_gestore(request, slug, pk)
    if rifiuto := _rifiuta_se_chiusa(request, seduta):
        return rifiuto
    form = PresenzeForm(request.POST, seduta=seduta)
    extra = {}
    if form.is_valid():
        try:
            services.registra_presenze(seduta, form.scelti, registrata_da=request.user)
        except OperazioneNonAmmessa as errore:
            form.add_error(None, str(errore))
            extra["form"] = form
        else:
            extra["registrata"] = _("Presenze registrate: %(elenco)s.") % {
                "elenco": "; ".join(f"{r.comune}, {r.persona}" for r in form.scelti)
            }
    else:
        extra["form"] = form
    contesto = contesto_registro(request, ambito, seduta, **extra)
    if request.htmx:
        # The form in place, and the register updated out of band.
        html = render_to_string("assemblea/presenze.html#modulo", contesto, request=request)
        html += render_to_string(
            "assemblea/presenze.html#registro", contesto | {"oob": True}, request=request
        )
        return HttpResponse(html)
    if "registrata" in extra:
        messages.success(request, extra["registrata"])
        return _vai_alle_presenze(seduta)
    return render(request, "assemblea/presenze.html", contesto)


@require_POST
def presenza_uscita(request, slug, pk, comune):
    ambito, seduta = seduta_gestore(request, slug, pk)
    comune = get_object_or_404(Comune, ambito=ambito, pk=comune)
    if rifiuto := _rifiuta_se_chiusa(request, seduta):
        return rifiuto
    try:
        services.segna_uscita(seduta, comune)
    except OperazioneNonAmmessa as errore:
        return _rifiuto(request, seduta, str(errore))
    if request.htmx:
        return _registro(request, ambito, seduta)
    messages.success(request, _("Uscita registrata: %(comune)s.") % {"comune": comune})
    return _vai_alle_presenze(seduta)


@require_POST
def checkin(request, slug, pk):
    """Online check-in of a sindaco or delegato for the comune he speaks for."""
    ambito, seduta = seduta_lettore(request, slug, pk)
    rappresentanze = services.rappresentanze(request.user, seduta)
    scelto = request.POST.get("comune")
    if scelto:
        rappresentanze = [r for r in rappresentanze if str(r.comune.pk) == scelto]
    # The Ufficio di Piano, a delegato without a delegation, someone else's comune.
    check_access(can_act=bool(rappresentanze))
    if rifiuto := _rifiuta_se_chiusa(request, seduta):
        return rifiuto
    try:
        for rappresentanza in rappresentanze:
            services.registra_presenza(
                seduta,
                rappresentanza,
                utente=request.user,
                via=Presenza.Via.ONLINE,
                registrata_da=request.user,
            )
    except OperazioneNonAmmessa as errore:
        return _rifiuto(request, seduta, str(errore))
    if request.htmx:
        return _registro(request, ambito, seduta)
    messages.success(
        request,
        _("Presenza registrata per %(comuni)s.")
        % {"comuni": ", ".join(r.comune.nome for r in rappresentanze)},
    )
    if request.POST.get("da") == "seduta":
        return vai_alla_seduta(seduta)
    return _vai_alle_presenze(seduta)


# --- Delegations ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def deleghe(request, slug, pk):
    ambito, seduta = seduta_gestore(request, slug, pk)
    chiusa = seduta.stato == Stato.CHIUSA
    form = None
    if request.method == "POST":
        if chiusa:
            messages.error(request, _("La seduta è chiusa: le deleghe non cambiano più."))
            return redirect("assemblea:deleghe", slug=ambito.slug, pk=seduta.pk)
        if "elimina" in request.POST:
            delega = get_object_or_404(
                Delega.objects.select_related("comune"),
                seduta=seduta,
                pk=intero_o_none(request.POST.get("elimina")),
            )
            try:
                services.elimina_delega(seduta, delega)
            except OperazioneNonAmmessa as errore:
                messages.error(request, str(errore))
            else:
                messages.success(
                    request, _("Delega di %(comune)s eliminata.") % {"comune": delega.comune}
                )
            return redirect("assemblea:deleghe", slug=ambito.slug, pk=seduta.pk)
        form = DelegaForm(request.POST, seduta=seduta)
        try:
            salvata = form.is_valid() and _salva_delega(form, request.user)
        except OperazioneNonAmmessa as errore:
            messages.error(request, str(errore))
            return redirect("assemblea:deleghe", slug=ambito.slug, pk=seduta.pk)
        if salvata:
            delega = form.instance
            messages.success(
                request,
                _("Delega registrata: %(persona)s per %(comune)s.")
                % {
                    "persona": delega.delegato.get_full_name() or delega.delegato.username,
                    "comune": delega.comune,
                },
            )
            return redirect("assemblea:deleghe", slug=ambito.slug, pk=seduta.pk)
    if form is None and not chiusa:
        form = DelegaForm(seduta=seduta)
    return render(
        request,
        "assemblea/deleghe.html",
        {
            "ambito": ambito,
            "seduta": seduta,
            "deleghe": Delega.objects.filter(seduta=seduta)
            .select_related("comune", "delegato", "registrata_da")
            .order_by("comune__nome"),
            "form": form,
            "chiusa": chiusa,
        },
    )


def _salva_delega(form, utente) -> bool:
    """Save, or say why not when a simultaneous request recorded the same comune first."""
    try:
        services.registra_delega(form, utente=utente)
    except IntegrityError:
        form.add_error("comune", _("Per questo comune è già registrata una delega."))
        return False
    return True
