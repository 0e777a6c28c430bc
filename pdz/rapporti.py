"""The error reports e-mailed to ADMINS (settings DEFAULT_EXCEPTION_REPORTER and
DEFAULT_EXCEPTION_REPORTER_FILTER): Django's, less what must not leave the portal.

Django already hides the settings named like secrets, the session cookie and the POST fields a
view marks with sensitive_post_parameters. On top of that: every POST and GET field named like a
secret (pdz.osservabilita.RISERVATE: a receipt checked by its code travels in the query string),
the query string itself, the addresses that may carry one, the connection URLs with their
passwords, the messages cookie (it repeats a cast vote and its receipt), and any receipt code
left in the text.
"""

import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from .osservabilita import RISERVATE, maschera_testo


class FiltroRapporti(SafeExceptionReporterFilter):
    # Django's list, then: Sentry's DSN and the Redis URLs (settings), the query string and
    # the addresses that repeat it (request.META), the messages cookie (request.COOKIES).
    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE"
        "|DSN|REDIS|BROKER|RESULT_BACKEND|LOCATION"
        "|QUERY_STRING|URI|REFERER|^messages$",
        flags=re.IGNORECASE,
    )

    def senza_riservati(self, dati):
        pulito = dati.copy()
        for chiave in dati:
            if RISERVATE.search(chiave):
                pulito[chiave] = self.cleansed_substitute
        return pulito

    def get_post_parameters(self, request):
        parametri = super().get_post_parameters(request)
        if request is None or not self.is_active(request):
            return parametri
        return self.senza_riservati(parametri)


class RapportoErrori(ExceptionReporter):
    def get_traceback_data(self):
        dati = super().get_traceback_data()
        if self.request is not None and self.filter.is_active(self.request):
            dati["request_GET_items"] = FiltroRapporti().senza_riservati(self.request.GET).items()
            dati["request_insecure_uri"] = dati["request_insecure_uri"].split("?", 1)[0]
        return dati

    def get_traceback_text(self):
        return maschera_testo(super().get_traceback_text())

    def get_traceback_html(self):
        return maschera_testo(super().get_traceback_html())
