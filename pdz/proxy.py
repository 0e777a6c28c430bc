"""Which request headers about the client to believe: only those set by a proxy we run.

Headers such as X-Forwarded-For or X-Forwarded-Proto are typed by whoever sends the request.
Behind a TLS proxy they carry the client's address and scheme, but only the proxy's copy is
true. `TrustedProxyMiddleware` runs first: a request that did not come from a proxy listed in
`TRUSTED_PROXIES` (DJANGO_TRUSTED_PROXIES) loses these headers, so nothing later (the HTTPS check
of SECURE_PROXY_SSL_HEADER, the login throttling, the logs) can be fooled by them; a request that
came through one gets the client's address in REMOTE_ADDR, the only place the rest of the portal
reads it from.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


@lru_cache(maxsize=8)
def reti_fidate(voci: tuple[str, ...]) -> tuple:
    """The networks of TRUSTED_PROXIES (addresses or CIDRs); a typo stops the start."""
    reti = []
    for voce in voci:
        try:
            reti.append(ipaddress.ip_network(voce.strip(), strict=False))
        except ValueError as errore:
            raise ImproperlyConfigured(
                f"DJANGO_TRUSTED_PROXIES: {voce!r} is not an IP address or network."
            ) from errore
    return tuple(reti)


def _indirizzo(valore):
    try:
        return ipaddress.ip_address((valore or "").strip())
    except ValueError:
        return None


def _fidato(indirizzo, reti) -> bool:
    return indirizzo is not None and any(indirizzo in rete for rete in reti)


def cliente_da_forwarded_for(valore: str, reti):
    """The right-most address of X-Forwarded-For that is not one of our proxies: each proxy
    appends the peer it saw, so everything left of that is the client's own say."""
    ultimo = None
    for voce in reversed([v for v in valore.split(",") if v.strip()]):
        indirizzo = _indirizzo(voce)
        if indirizzo is None:
            break
        ultimo = indirizzo
        if not _fidato(indirizzo, reti):
            return indirizzo
    # A chain of our own proxies only (a health check from inside): the farthest one.
    return ultimo


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        reti_fidate(tuple(settings.TRUSTED_PROXIES))  # a bad value fails at start, not per request

    def __call__(self, request):
        reti = reti_fidate(tuple(settings.TRUSTED_PROXIES))
        meta = request.META
        if _fidato(_indirizzo(meta.get("REMOTE_ADDR")), reti):
            cliente = cliente_da_forwarded_for(meta.get("HTTP_X_FORWARDED_FOR", ""), reti)
            if cliente is not None:
                meta["REMOTE_ADDR"] = str(cliente)
        else:
            for header in PROXY_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)


def indirizzo_cliente(request) -> str | None:
    """For django-axes (AXES_CLIENT_IP_CALLABLE): the address the middleware above settled."""
    return request.META.get("REMOTE_ADDR")
