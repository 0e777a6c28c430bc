from django.contrib import admin

from .models import (
    Azione,
    Fondo,
    Indicatore,
    Obiettivo,
    Risorsa,
    ValoreIndicatore,
    Valutazione,
)


@admin.register(Fondo)
class FondoAdmin(admin.ModelAdmin):
    list_display = ["nome", "sigla", "ordine", "attivo"]
    list_editable = ["ordine", "attivo"]


class AzioneInline(admin.StackedInline):
    model = Azione
    extra = 0
    autocomplete_fields = ["responsabile", "partner"]


class RisorsaInline(admin.TabularInline):
    model = Risorsa
    extra = 0


@admin.register(Obiettivo)
class ObiettivoAdmin(admin.ModelAdmin):
    list_display = ["codice", "titolo", "ambito", "periodo", "priorita", "stato"]
    list_filter = ["ambito", "periodo", "stato", "priorita"]
    search_fields = ["codice", "titolo"]
    filter_horizontal = ["aree_policy", "asst"]
    raw_id_fields = ["proposte"]
    inlines = [AzioneInline, RisorsaInline]


class ValoreInline(admin.TabularInline):
    model = ValoreIndicatore
    extra = 0
    exclude = ["registrato_da"]


@admin.register(Indicatore)
class IndicatoreAdmin(admin.ModelAdmin):
    list_display = ["nome", "obiettivo", "unita", "valore_base", "anno_base"]
    search_fields = ["nome", "obiettivo__titolo"]
    inlines = [ValoreInline]


@admin.register(Valutazione)
class ValutazioneAdmin(admin.ModelAdmin):
    list_display = ["obiettivo", "grado", "prosegue", "obiettivo_successivo"]
    list_filter = ["grado", "prosegue"]
