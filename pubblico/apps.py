from django.apps import AppConfig


class PubblicoConfig(AppConfig):
    name = "pubblico"
    verbose_name = "Pagine pubbliche"
