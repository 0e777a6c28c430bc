"""The Ufficio di Piano reads its ambito's audit trail: who changed what, when, before and after,
from which request; filtered by who, what, when and action; exported as CSV or XLSX.

In pdz because it reads every app's models (the links, the names behind the ids). Read only:
no view of the portal writes or deletes an entry (the admin neither, pdz/admin.py).

An entry belongs to the ambito written in it (pdz/audit.py); an ente's or a user's belongs to
every ambito whose register lists the ente, or where the user holds a role.
"""

import contextlib
import datetime

import django_filters
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Ruolo
from ambiti.models import Ente, Iscrizione
from ambiti.permissions import get_ambito_for_manager
from assemblea.models import Seduta
from core.esportazioni import FUSO_ORARIO, risposta_tabellare, verifica_formato
from core.moduli import DateInput, FiltriConEtichette
from obiettivi.models import Obiettivo
from piani.models import Piano, Sezione
from tavoli.models import Incontro, Tavolo

from .audit import modelli_registrati

VOCI_PER_PAGINA = 50
VUOTO = "—"

AZIONI = [
    (LogEntry.Action.CREATE, gettext_lazy("Creazione")),
    (LogEntry.Action.UPDATE, gettext_lazy("Modifica")),
    (LogEntry.Action.DELETE, gettext_lazy("Eliminazione")),
]
NOMI_AZIONI = dict(AZIONI)

# The objects with a page of their own: (model, URL name, the lookup to its ambito, the extra
# URL argument before the object's id, or None).
PAGINE = [
    (Iscrizione, "ambiti:iscrizione-dettaglio", "ambito", None),
    (Tavolo, "tavoli:dettaglio", "ambito", None),
    (Incontro, "tavoli:incontro", "tavolo__ambito", "tavolo_id"),
    (Obiettivo, "obiettivi:dettaglio", "ambito", None),
    (Piano, "piani:dettaglio", "ambito", None),
    (Sezione, "piani:sezione", "piano__ambito", "piano_id"),
    (Seduta, "assemblea:seduta", "ambito", None),
]


def voci_dell_ambito(ambito):
    """The ambito's entries: one indexed key (pdz/migrations/0001), and for enti and users the
    register and the roles. Content types by subquery, not by join: an OR over a joined table
    would keep PostgreSQL from combining the indexes."""
    User = get_user_model()

    def tipo(modello):
        return ContentType.objects.filter(
            app_label=modello._meta.app_label, model=modello._meta.model_name
        ).values("pk")

    return LogEntry.objects.filter(
        Q(additional_data__ambito_id=ambito.pk)
        | Q(
            content_type__in=tipo(Ente),
            object_id__in=Iscrizione.objects.filter(ambito=ambito).values("ente_id"),
        )
        | Q(
            content_type__in=tipo(User),
            object_id__in=Ruolo.objects.filter(ambito=ambito).values("user_id"),
        )
    )


def _scelte_modelli():
    modelli = sorted(modelli_registrati(), key=lambda m: str(m._meta.verbose_name_plural))
    return [(m._meta.label_lower, capfirst(m._meta.verbose_name_plural)) for m in modelli]


class FiltroAttivita(FiltriConEtichette, django_filters.FilterSet):
    chi = django_filters.ModelChoiceFilter(
        field_name="actor", label=gettext_lazy("Chi"), queryset=get_user_model().objects.none()
    )
    cosa = django_filters.ChoiceFilter(
        label=gettext_lazy("Che cosa"), method="filtra_modello", choices=[]
    )
    azione = django_filters.ChoiceFilter(
        field_name="action", label=gettext_lazy("Azione"), choices=AZIONI
    )
    dal = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__gte",
        label=gettext_lazy("Dal"),
        widget=DateInput(),
    )
    al = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__lte",
        label=gettext_lazy("Al"),
        widget=DateInput(),
    )

    class Meta:
        model = LogEntry
        fields = ["chi", "cosa", "azione", "dal", "al"]

    def __init__(self, *args, voci, **kwargs):
        super().__init__(*args, queryset=voci, **kwargs)
        self.filters["chi"].queryset = (
            get_user_model()
            .objects.filter(pk__in=voci.values("actor_id"))
            .order_by("last_name", "first_name", "username")
        )
        self.filters["cosa"].extra["choices"] = _scelte_modelli()

    def filtra_modello(self, queryset, name, value):
        app_label, _punto, modello = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=modello)


# --- From the stored strings to what a person reads -----------------------------------------


def _data_ora(testo):
    try:
        momento = datetime.datetime.fromisoformat(testo)
    except ValueError:
        return testo
    if timezone.is_naive(momento):
        # auditlog stores date-times as naive UTC.
        momento = momento.replace(tzinfo=datetime.UTC)
    return formats.date_format(timezone.localtime(momento, FUSO_ORARIO), "SHORT_DATETIME_FORMAT")


def _data(testo):
    try:
        return formats.date_format(datetime.date.fromisoformat(testo), "SHORT_DATE_FORMAT")
    except ValueError:
        return testo


class Lettore:
    """Turns a list of entries into rows: field names, choices, dates, related objects by
    name. The related objects are read in one query per model, whatever the number of rows."""

    def __init__(self, voci, ambito):
        self.voci = voci
        self.ambito = ambito
        self._nomi = {}
        self._collegamenti = {}
        self._leggi_relazioni()
        self._leggi_collegamenti()

    def _campo(self, voce, nome):
        modello = voce.content_type.model_class()
        if modello is None:
            return None
        try:
            return modello._meta.get_field(nome)
        except FieldDoesNotExist:
            return None

    @staticmethod
    def _inverso(campo):
        # auditlog's create and delete diffs walk get_fields(), reverse relations included:
        # they say nothing about the object itself.
        return campo is not None and campo.auto_created and not campo.concrete

    def _leggi_relazioni(self):
        chiavi = {}
        for voce in self.voci:
            for nome, valori in (voce.changes or {}).items():
                campo = self._campo(voce, nome)
                if campo is None or not campo.many_to_one or isinstance(valori, dict):
                    continue
                for valore in valori:
                    if valore not in (None, "None", ""):
                        chiavi.setdefault(campo.related_model, set()).add(str(valore))
        for modello, pks in chiavi.items():
            # str() of an object may read its own relations: loaded in the same query.
            relazioni = [f.name for f in modello._meta.fields if f.many_to_one and f.concrete]
            validi = []
            for pk in pks:
                # An id that no longer parses is shown as it was stored.
                with contextlib.suppress(ValidationError):
                    validi.append(modello._meta.pk.to_python(pk))
            oggetti = modello._base_manager.select_related(*relazioni).filter(pk__in=validi)
            for oggetto in oggetti.order_by():
                self._nomi[(modello, str(oggetto.pk))] = str(oggetto)

    def _leggi_collegamenti(self):
        per_modello = {}
        for voce in self.voci:
            if voce.action != LogEntry.Action.DELETE and voce.object_id is not None:
                per_modello.setdefault(voce.content_type.model_class(), set()).add(voce.object_id)
        for modello, nome_url, verso_ambito, extra in PAGINE:
            ids = per_modello.get(modello)
            if not ids:
                continue
            campi = ["pk", extra] if extra else ["pk"]
            righe = (
                modello.objects.filter(pk__in=ids, **{verso_ambito: self.ambito})
                .order_by()
                .values_list(*campi)
            )
            for riga in righe:
                argomenti = [self.ambito.slug, *riga[1:], riga[0]]
                self._collegamenti[(modello, riga[0])] = reverse(nome_url, args=argomenti)

    def valore(self, voce, campo, valore):
        if valore in (None, "None", ""):
            return VUOTO
        if campo is None:
            return str(valore)
        if campo.many_to_one:
            nome = self._nomi.get((campo.related_model, str(valore)))
            return nome if nome is not None else _("%(id)s (non più presente)") % {"id": valore}
        if campo.choices:
            return str(dict(campo.flatchoices).get(valore, valore))
        tipo = campo.get_internal_type()
        if tipo == "BooleanField":
            return _("Sì") if valore in ("True", True) else _("No")
        if tipo == "DateTimeField":
            return _data_ora(str(valore))
        if tipo == "DateField":
            return _data(str(valore))
        return str(valore)

    def modifiche(self, voce):
        """(field, before, after) for each field the entry records."""
        righe = []
        for nome, valori in (voce.changes or {}).items():
            campo = self._campo(voce, nome)
            if self._inverso(campo) or (campo is not None and campo.primary_key):
                # The id says nothing a person reads; the object's name is in the row.
                continue
            etichetta = capfirst(campo.verbose_name) if campo is not None else nome
            if isinstance(valori, dict):
                # A many-to-many change: which objects were added or removed.
                oggetti = ", ".join(str(o) for o in valori.get("objects", []))
                if valori.get("operation") == "add":
                    righe.append((etichetta, VUOTO, _("aggiunti: %(o)s") % {"o": oggetti}))
                else:
                    righe.append((etichetta, _("tolti: %(o)s") % {"o": oggetti}, VUOTO))
                continue
            prima, dopo = [*valori, None, None][:2]
            righe.append(
                (etichetta, self.valore(voce, campo, prima), self.valore(voce, campo, dopo))
            )
        return righe

    def righe(self):
        for voce in self.voci:
            modello = voce.content_type.model_class()
            yield {
                "voce": voce,
                "azione": NOMI_AZIONI.get(voce.action, voce.get_action_display()),
                "tipo": capfirst(modello._meta.verbose_name) if modello else voce.content_type,
                "collegamento": self._collegamenti.get((modello, voce.object_id)),
                "modifiche": self.modifiche(voce),
            }


def _chi(voce):
    if voce.actor_id is None:
        return _("Sistema")
    return str(voce.actor) if voce.actor is not None else voce.actor_email or VUOTO


def _filtrate(request, ambito):
    voci = voci_dell_ambito(ambito)
    filtro = FiltroAttivita(request.GET or None, voci=voci)
    elenco = filtro.qs if filtro.is_bound and filtro.is_valid() else voci
    if filtro.is_bound and not filtro.is_valid():
        elenco = voci.none()
    return filtro, elenco.select_related("actor", "content_type").order_by("-timestamp", "-pk")


@require_GET
def attivita(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    filtro, elenco = _filtrate(request, ambito)
    pagina = Paginator(elenco, VOCI_PER_PAGINA).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    lettore = Lettore(list(pagina.object_list), ambito)
    righe = [{**riga, "chi": _chi(riga["voce"])} for riga in lettore.righe()]
    return render(
        request,
        "pdz/attivita.html",
        {
            "ambito": ambito,
            "filtro": filtro,
            "pagina": pagina,
            "righe": righe,
            "query": query.urlencode(),
        },
    )


# The trail goes to whoever downloaded it: no shared cache keeps a copy.
@never_cache
@require_GET
def attivita_export(request, slug, formato):
    ambito = get_ambito_for_manager(request.user, slug)
    verifica_formato(formato)
    _filtro, elenco = _filtrate(request, ambito)
    lettore = Lettore(list(elenco), ambito)
    righe = [
        [
            _("Data e ora"),
            _("Chi"),
            _("Azione"),
            _("Tipo di oggetto"),
            _("Oggetto"),
            _("Campo"),
            _("Prima"),
            _("Dopo"),
            _("Richiesta"),
            _("Indirizzo"),
        ]
    ]
    for riga in lettore.righe():
        voce = riga["voce"]
        comuni = [
            formats.date_format(
                timezone.localtime(voce.timestamp, FUSO_ORARIO), "SHORT_DATETIME_FORMAT"
            ),
            _chi(voce),
            str(riga["azione"]),
            str(riga["tipo"]),
            voce.object_repr,
        ]
        coda = [voce.cid or "", voce.remote_addr or ""]
        for campo, prima, dopo in riga["modifiche"] or [("", "", "")]:
            righe.append([*comuni, str(campo), prima, dopo, *coda])
    return risposta_tabellare(
        righe,
        formato,
        _("Attività"),
        f"attivita-{ambito.slug}-{timezone.localdate():%Y-%m-%d}",
    )
