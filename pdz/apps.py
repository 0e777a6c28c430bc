from django.apps import AppConfig


class PdzConfig(AppConfig):
    # The project itself, installed as the top of the stack: it owns what composes every app
    # (the demo data command, the ambito's dashboard), which no feature app may import.
    name = "pdz"
    verbose_name = "Portale Piano di Zona"
