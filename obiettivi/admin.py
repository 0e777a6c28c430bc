from django.contrib import admin

from .models import AreaPolicy


@admin.register(AreaPolicy)
class AreaPolicyAdmin(admin.ModelAdmin):
    list_display = ["nome", "ordine", "integrazione_sociosanitaria", "trasversale"]
    list_editable = ["ordine"]
    prepopulated_fields = {"slug": ["nome"]}
    search_fields = ["nome"]
