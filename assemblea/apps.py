from django.apps import AppConfig


class AssembleaConfig(AppConfig):
    name = "assemblea"
    verbose_name = "Assemblea dei Sindaci"
