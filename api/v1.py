"""The read-only API at /api/v1/: the public data as the public pages publish it (selected by
pubblico/selezioni.py alone) and, with a personal token, what its holder reads in the portal
(through the same permission helpers as the portal's views: 404 and 403 where they say so).

The interactive documentation is off: its page would need the Swagger bundle's scripts and
styles, which the site's Content-Security-Policy is not relaxed for. The OpenAPI document is at
/api/v1/openapi.json.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.throttling import SimpleRateThrottle

from .autenticazione import TokenFacoltativo

ERRORI = frozenset({401, 403, 404, 422, 429})


class Limite(SimpleRateThrottle):
    """Requests per caller: the token's user, or the address (REMOTE_ADDR, already the client's
    once pdz.proxy has read the trusted proxy's header). Counted in the default cache, Redis in
    production; the rates are settings, read at each request."""

    def __init__(self):
        super().__init__(rate="1/s")

    def allow_request(self, request):
        utente = getattr(request, "auth", None)
        con_token = utente is not None and utente.is_authenticated
        self.rate = settings.API_LIMITI["token" if con_token else "anonimo"]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        utente = getattr(request, "auth", None)
        if utente is not None and utente.is_authenticated:
            return f"api-limite:u{utente.pk}"
        return f"api-limite:ip{request.META.get('REMOTE_ADDR', '')}"


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The token is optional: every operation answers without one too (an empty
        requirement, in OpenAPI's words), with the public data."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for metodi in schema["paths"].values():
            for operazione in metodi.values():
                if operazione.get("security") and {} not in operazione["security"]:
                    operazione["security"].append({})
        return schema


api = Api(
    title="Piano di Zona — API in sola lettura",
    version="1",
    description=(
        "I dati pubblici degli ambiti (piani approvati, obiettivi, registro degli enti, comuni, "
        "sedute chiuse dell'Assemblea) senza autenticazione; con un token personale "
        "(Authorization: Bearer) ciò che il suo titolare vede nel portale."
    ),
    urls_namespace="api-v1",
    docs_url=None,
    auth=[TokenFacoltativo()],
    throttle=[Limite()],
)


@api.exception_handler(PermissionDenied)
def vietato(request, exc):
    return api.create_response(request, {"detail": "Forbidden"}, status=403)


from . import rotte  # noqa: E402, F401 - the operations register themselves on `api`


def urls():
    """The API's URLs, open without a session: LoginRequiredMiddleware lets them through, the
    token (or its absence) decides what each answers."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns, app_name, namespace
