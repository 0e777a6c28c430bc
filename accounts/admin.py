from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Ruolo, SbloccoAccessi, User


class RuoloInline(admin.TabularInline):
    model = Ruolo
    extra = 0
    autocomplete_fields = ["ambito", "comune", "ente"]


@admin.register(User)
class PdzUserAdmin(UserAdmin):
    inlines = [RuoloInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]
    search_fields = [*UserAdmin.search_fields, "codice_fiscale"]
    fieldsets = [
        *UserAdmin.fieldsets[:1],
        (
            UserAdmin.fieldsets[1][0],
            {"fields": [*UserAdmin.fieldsets[1][1]["fields"], "codice_fiscale"]},
        ),
        *UserAdmin.fieldsets[2:],
    ]


@admin.register(Ruolo)
class RuoloAdmin(admin.ModelAdmin):
    list_display = ["user", "tipo", "ambito", "comune", "ente", "dal", "al", "attivo"]
    list_filter = ["tipo", "ambito", "attivo"]
    date_hierarchy = "dal"
    search_fields = ["user__username", "user__last_name", "comune__nome", "ente__denominazione"]
    autocomplete_fields = ["user", "ambito", "comune", "ente"]
    list_select_related = ["user", "ambito", "comune", "ente"]


@admin.register(SbloccoAccessi)
class SbloccoAccessiAdmin(admin.ModelAdmin):
    list_display = ["utente", "ambito", "sbloccato_da", "sbloccato_il", "tentativi_rimossi"]
    list_filter = ["ambito"]
    list_select_related = ["utente", "ambito", "sbloccato_da"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
