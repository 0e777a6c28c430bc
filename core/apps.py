from django.apps import AppConfig


class CoreConfig(AppConfig):
    # An app only so that its template tags and templates are found; it has no models.
    name = "core"
    verbose_name = "Infrastruttura comune"
