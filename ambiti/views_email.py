"""The e-mail log of an ambito: the Ufficio di Piano proves that a convocation went out.

Every message the portal sends is recorded by django-post-office with its status; those sent
for an ambito carry it in the record's `context` (core/posta.py says why there). The page lists
them with recipient, subject, time, status and the error of a failed one, and sends a failed one
again ("Riprova"). Here rather than in core: the page belongs to an ambito.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from post_office.models import STATUS, Email, Log

from accounts.permissions import check_access
from core import posta
from core.calendario import ROMA

from .permissions import get_ambito_for_manager

EMAIL_PER_PAGINA = 50

# The statuses as the page names them; "ritentata" is a failed message waiting for its retry.
STATI = {
    "inviata": (gettext_lazy("Inviata"), Q(status=STATUS.sent)),
    "non_riuscita": (gettext_lazy("Non riuscita"), Q(status=STATUS.failed)),
    "in_coda": (gettext_lazy("In coda"), Q(status=STATUS.queued) | Q(status__isnull=True)),
    "ritentata": (gettext_lazy("Ritentata, in attesa"), Q(status=STATUS.requeued)),
}
NOME_STATO = {
    STATUS.sent: "inviata",
    STATUS.failed: "non_riuscita",
    STATUS.queued: "in_coda",
    None: "in_coda",
    STATUS.requeued: "ritentata",
}


class FiltroEmail(forms.Form):
    stato = forms.ChoiceField(
        label=gettext_lazy("Stato"),
        required=False,
        choices=[("", gettext_lazy("Tutti"))] + [(k, v[0]) for k, v in STATI.items()],
    )
    testo = forms.CharField(
        label=gettext_lazy("Destinatario o oggetto"), required=False, max_length=200
    )
    dal = forms.DateField(
        label=gettext_lazy("Dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    al = forms.DateField(
        label=gettext_lazy("Al"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def email_dell_ambito(ambito):
    return Email.objects.filter(context__ambito=ambito.pk)


def _giorno(data: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(data, datetime.time.min, tzinfo=ROMA)


def _filtra(queryset, dati):
    if dati.get("stato"):
        queryset = queryset.filter(STATI[dati["stato"]][1])
    if dati.get("testo"):
        queryset = queryset.filter(
            Q(to__icontains=dati["testo"]) | Q(subject__icontains=dati["testo"])
        )
    if dati.get("dal"):
        queryset = queryset.filter(created__gte=_giorno(dati["dal"]))
    if dati.get("al"):
        queryset = queryset.filter(created__lt=_giorno(dati["al"] + datetime.timedelta(days=1)))
    return queryset


@require_GET
def registro_email(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    filtro = FiltroEmail(request.GET or None)
    queryset = email_dell_ambito(ambito)
    if filtro.is_bound and filtro.is_valid():
        queryset = _filtra(queryset, filtro.cleaned_data)
    queryset = queryset.order_by("-created", "-pk").prefetch_related(
        Prefetch(
            "logs",
            queryset=Log.objects.filter(status=STATUS.failed).order_by("-date", "-pk"),
            to_attr="errori",
        )
    )
    pagina = Paginator(queryset, EMAIL_PER_PAGINA).get_page(request.GET.get("pagina"))
    righe = [
        {
            "email": email,
            "stato": NOME_STATO.get(email.status, "in_coda"),
            "etichetta": STATI[NOME_STATO.get(email.status, "in_coda")][0],
            "errore": email.errori[0].message
            if email.errori and email.status != STATUS.sent
            else "",
            "tentativi": email.number_of_retries or 0,
        }
        for email in pagina
    ]
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "ambiti/email.html",
        {
            "ambito": ambito,
            "filtro": filtro,
            "pagina": pagina,
            "righe": righe,
            "query": query.urlencode(),
        },
    )


@require_POST
def riprova_email(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    # Another ambito's message, or one that does not exist, is not there for this Ufficio.
    check_access(can_view=email_dell_ambito(ambito).filter(pk=pk).exists())
    email = posta.riprova(pk)
    if email is None:
        messages.info(request, _("Il messaggio non è più tra quelli non riusciti."))
    elif email.status == STATUS.sent:
        messages.success(request, _("Messaggio inviato."))
    else:
        messages.error(request, _("Invio non riuscito di nuovo: vedi l'errore nell'elenco."))
    return redirect("ambiti:email", slug=ambito.slug)
