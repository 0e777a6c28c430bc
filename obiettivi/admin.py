from django.contrib import admin

from .models import (
    Azione,
    Destinatario,
    Fondo,
    Indicatore,
    Obiettivo,
    Risorsa,
    SpesaEffettiva,
    ValoreIndicatore,
    Valutazione,
)


@admin.register(Fondo)
class FondoAdmin(admin.ModelAdmin):
    list_display = ["nome", "sigla", "ordine", "attivo"]
    list_editable = ["ordine", "attivo"]


@admin.register(Destinatario)
class DestinatarioAdmin(admin.ModelAdmin):
    list_display = ["nome", "slug", "ambito", "ordine", "attivo"]
    list_editable = ["ordine", "attivo"]
    list_filter = ["attivo", "ambito"]
    prepopulated_fields = {"slug": ["nome"]}
    search_fields = ["nome"]


class AzioneInline(admin.StackedInline):
    model = Azione
    extra = 0
    autocomplete_fields = ["responsabile", "partner"]


class RisorsaInline(admin.TabularInline):
    model = Risorsa
    extra = 0


class SpesaEffettivaInline(admin.TabularInline):
    model = SpesaEffettiva
    extra = 0
    exclude = ["registrato_da"]


@admin.register(Obiettivo)
class ObiettivoAdmin(admin.ModelAdmin):
    list_display = ["codice", "titolo", "ambito", "periodo", "priorita", "stato"]
    list_filter = ["ambito", "periodo", "stato", "priorita"]
    search_fields = ["codice", "titolo"]
    filter_horizontal = ["aree_policy", "asst", "gruppi_destinatari"]
    raw_id_fields = ["proposte"]
    inlines = [AzioneInline, RisorsaInline, SpesaEffettivaInline]


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
