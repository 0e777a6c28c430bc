from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP

from .models import (
    Delega,
    EventoVoto,
    Presenza,
    PuntoOdg,
    QuotaComune,
    Recepimento,
    RegolaVoto,
    Seduta,
    Voto,
)

# The field that holds a ballot's choice, on Voto and EventoVoto.
SCELTA = "scelta"


def _tocca_la_scelta(percorso) -> bool:
    """A lookup, ordering or search path that reads a ballot's choice, at any depth."""
    return SCELTA in str(percorso).lstrip("-^=@").split(LOOKUP_SEP)


class SceltaNascostaMixin:
    """No list of the admin filters, searches or sorts by a ballot's choice.

    Hiding the column is not enough: Django lets any local field through as a query-string
    filter (?scelta=contrario would list who voted against in a secret ballot), so every
    lookup naming the choice is refused, and Django answers 400. Applied to every ballot,
    open or secret: a list cannot tell them apart row by row, and an open ballot's choices
    are public in the portal anyway."""

    def lookup_allowed(self, lookup, value, request=None):
        if _tocca_la_scelta(lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_list_filter(self, request):
        return [f for f in super().get_list_filter(request) if not _tocca_la_scelta(f)]

    def get_search_fields(self, request):
        return [f for f in super().get_search_fields(request) if not _tocca_la_scelta(f)]

    def get_sortable_by(self, request):
        return [c for c in super().get_sortable_by(request) if not _tocca_la_scelta(c)]

    def get_ordering(self, request):
        return [c for c in super().get_ordering(request) or () if not _tocca_la_scelta(c)]


class PuntoInline(admin.TabularInline):
    model = PuntoOdg
    extra = 0
    raw_id_fields = ["versione_piano"]


class QuotaInline(admin.TabularInline):
    model = QuotaComune
    extra = 0
    fields = ["comune", "quota"]
    readonly_fields = ["comune", "quota"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # The shares belong to an immutable rule version: they come with it, from its page.
        return False


@admin.register(RegolaVoto)
class RegolaVotoAdmin(SceltaNascostaMixin, admin.ModelAdmin):
    list_display = [
        "ambito",
        "versione",
        "peso",
        "quorum",
        "maggioranza",
        "base",
        "astenuti_nel_quorum",
        "astenuti_tra_i_votanti",
        "scrutinio",
        "creata_il",
    ]
    list_filter = ["ambito"]
    inlines = [QuotaInline]

    def has_change_permission(self, request, obj=None):
        # A rule version is immutable: a vote keeps the rules it was opened with.
        return False


@admin.register(Seduta)
class SedutaAdmin(SceltaNascostaMixin, admin.ModelAdmin):
    list_display = ["titolo", "ambito", "prima_convocazione", "stato"]
    list_filter = ["ambito", "stato"]
    inlines = [PuntoInline]


@admin.register(Delega)
class DelegaAdmin(SceltaNascostaMixin, admin.ModelAdmin):
    list_display = ["seduta", "comune", "delegato", "atto"]
    raw_id_fields = ["seduta", "comune", "delegato"]


@admin.register(Presenza)
class PresenzaAdmin(SceltaNascostaMixin, admin.ModelAdmin):
    list_display = ["seduta", "comune", "persona", "qualita", "via", "entrata_il", "uscita_il"]
    list_filter = ["seduta"]


@admin.register(Voto, EventoVoto)
class SolaLetturaAdmin(SceltaNascostaMixin, admin.ModelAdmin):
    """Ballots are cast through the portal only, where the vote row is locked."""

    list_display = ["votazione", "comune", "canale", "qualita"]

    def get_exclude(self, request, obj=None):
        # A secret ballot stays secret in the admin too.
        if obj is not None and obj.votazione.regola.segreto:
            return ["scelta"]
        return super().get_exclude(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recepimento)
class RecepimentoAdmin(SceltaNascostaMixin, admin.ModelAdmin):
    list_display = ["versione", "comune", "data_atto", "numero_atto"]
