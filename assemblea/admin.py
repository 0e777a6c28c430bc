from django.contrib import admin

from .models import Delega, EventoVoto, Presenza, PuntoOdg, Recepimento, RegolaVoto, Seduta, Voto


class PuntoInline(admin.TabularInline):
    model = PuntoOdg
    extra = 0
    raw_id_fields = ["versione_piano"]


@admin.register(RegolaVoto)
class RegolaVotoAdmin(admin.ModelAdmin):
    list_display = ["ambito", "versione", "peso", "quorum", "maggioranza", "scrutinio", "creata_il"]
    list_filter = ["ambito"]

    def has_change_permission(self, request, obj=None):
        # A rule version is immutable: a vote keeps the rules it was opened with.
        return False


@admin.register(Seduta)
class SedutaAdmin(admin.ModelAdmin):
    list_display = ["titolo", "ambito", "prima_convocazione", "stato"]
    list_filter = ["ambito", "stato"]
    inlines = [PuntoInline]


@admin.register(Delega)
class DelegaAdmin(admin.ModelAdmin):
    list_display = ["seduta", "comune", "delegato", "atto"]
    raw_id_fields = ["seduta", "comune", "delegato"]


@admin.register(Presenza)
class PresenzaAdmin(admin.ModelAdmin):
    list_display = ["seduta", "comune", "persona", "qualita", "via", "entrata_il", "uscita_il"]
    list_filter = ["seduta"]


@admin.register(Voto, EventoVoto)
class SolaLetturaAdmin(admin.ModelAdmin):
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
class RecepimentoAdmin(admin.ModelAdmin):
    list_display = ["versione", "comune", "data_atto", "numero_atto"]
