from django.apps import AppConfig


class TavoliConfig(AppConfig):
    name = "tavoli"
    verbose_name = "Tavoli tematici"
