from django.apps import AppConfig


class CoreConfig(AppConfig):
    # An app so that its template tags and templates are found, and its SQLite collation
    # registered; it has no models.
    name = "core"
    verbose_name = "Infrastruttura comune"

    def ready(self):
        from django.core import checks
        from django.db.backends.signals import connection_created

        from .ordinamento import registra_collazione_italiana
        from .storage import condivisione_dei_processi

        connection_created.connect(registra_collazione_italiana)
        checks.register(condivisione_dei_processi, checks.Tags.caches, deploy=True)
