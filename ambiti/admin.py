from django.contrib import admin

from .models import (
    Ambito,
    AreaPolicy,
    Asst,
    Ats,
    Candidatura,
    Comune,
    Ente,
    Iscrizione,
    Periodo,
    Popolazione,
    SubAmbito,
)


@admin.register(Ats)
class AtsAdmin(admin.ModelAdmin):
    search_fields = ["nome"]


@admin.register(Asst)
class AsstAdmin(admin.ModelAdmin):
    list_display = ["nome", "ats"]
    search_fields = ["nome"]


class SubAmbitoInline(admin.TabularInline):
    model = SubAmbito
    extra = 0


@admin.register(Ambito)
class AmbitoAdmin(admin.ModelAdmin):
    list_display = ["nome", "ente_capofila", "ente_gestore", "ats"]
    search_fields = ["nome"]
    prepopulated_fields = {"slug": ["nome"]}
    autocomplete_fields = ["ente_capofila"]
    filter_horizontal = ["asst"]
    inlines = [SubAmbitoInline]


@admin.register(SubAmbito)
class SubAmbitoAdmin(admin.ModelAdmin):
    list_display = ["nome", "ambito", "ente_gestore"]
    list_filter = ["ambito"]
    search_fields = ["nome"]


@admin.register(Comune)
class ComuneAdmin(admin.ModelAdmin):
    list_display = [
        "nome",
        "codice_istat",
        "provincia",
        "ambito",
        "sub_ambito",
        "popolazione",
        "popolazione_data",
        "popolazione_fonte",
    ]
    list_filter = ["ambito", "provincia", "sub_ambito"]
    search_fields = ["nome", "codice_istat"]
    list_select_related = ["ambito", "sub_ambito"]


@admin.register(Popolazione)
class PopolazioneAdmin(admin.ModelAdmin):
    list_display = ["comune", "data_riferimento", "fonte", "residenti", "importata_il"]
    list_filter = ["fonte", "data_riferimento"]
    search_fields = ["comune__nome", "comune__codice_istat"]
    list_select_related = ["comune"]


class IscrizioneInline(admin.TabularInline):
    model = Iscrizione
    extra = 0
    fields = ["ambito", "data_iscrizione", "stato", "aderisce_adp", "data_adesione_adp"]


@admin.register(Ente)
class EnteAdmin(admin.ModelAdmin):
    list_display = ["denominazione", "tipo", "codice_fiscale", "email"]
    list_filter = ["tipo"]
    search_fields = ["denominazione", "codice_fiscale"]
    inlines = [IscrizioneInline]


@admin.register(Iscrizione)
class IscrizioneAdmin(admin.ModelAdmin):
    list_display = ["ente", "ambito", "stato", "aderisce_adp", "data_iscrizione"]
    list_filter = ["ambito", "stato", "aderisce_adp"]
    search_fields = ["ente__denominazione", "ente__codice_fiscale"]
    autocomplete_fields = ["ente"]
    filter_horizontal = ["aree_policy"]
    list_select_related = ["ente", "ambito"]


@admin.register(Periodo)
class PeriodoAdmin(admin.ModelAdmin):
    list_display = ["nome", "anno_inizio", "anno_fine", "riferimento_normativo"]


@admin.register(AreaPolicy)
class AreaPolicyAdmin(admin.ModelAdmin):
    list_display = ["nome", "periodo", "ordine", "integrazione_sociosanitaria", "trasversale"]
    list_filter = ["periodo", "integrazione_sociosanitaria", "trasversale"]
    list_editable = ["ordine"]
    prepopulated_fields = {"slug": ["nome"]}
    search_fields = ["nome"]


@admin.register(Candidatura)
class CandidaturaAdmin(admin.ModelAdmin):
    """Read-only: a request changes state only through its services (the e-mail link, the
    Ufficio di Piano's answer), which also tell the ente."""

    list_display = ["denominazione", "codice_fiscale", "ambito", "stato", "creata_il"]
    list_filter = ["ambito", "stato"]
    search_fields = ["denominazione", "codice_fiscale", "email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
