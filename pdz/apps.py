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

        # Embedded mode only (`manage.py runserver`, no broker): the periodic jobs run in a
        # thread of the server, as celery beat runs them in production (pdz/promemoria.py).
        from .promemoria import avvia_se_runserver

        avvia_se_runserver()
