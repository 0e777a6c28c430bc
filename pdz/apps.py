from django.apps import AppConfig


class PdzConfig(AppConfig):
    # The project itself, installed as the top of the stack: it owns what composes every app
    # (the demo data command, the ambito's dashboard, the audit trail), which no feature app
    # may import.
    name = "pdz"
    verbose_name = "Portale Piano di Zona"

    def ready(self):
        # The audit trail's list of models spans every app: registered here (pdz/audit.py).
        from .audit import registra_modelli

        registra_modelli()
