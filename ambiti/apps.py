from django.apps import AppConfig


class AmbitiConfig(AppConfig):
    name = "ambiti"
    verbose_name = "Ambiti territoriali"
