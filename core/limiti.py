"""How many times something happened lately, counted in the cache (Redis across every web
process): what a public endpoint anyone may call uses to hold back a flood from one address."""

from django.core.cache import cache


def oltre_il_limite(chiave: str, *, massimo: int, secondi: int) -> bool:
    """Count one more event under `chiave` and say whether it exceeds `massimo` in the window of
    `secondi` opened by the first one (a fixed window: it ends `secondi` after that event)."""
    cache.add(chiave, 0, timeout=secondi)
    try:
        numero = cache.incr(chiave)
    except ValueError:  # expired between add and incr: this event opens a new window
        cache.add(chiave, 1, timeout=secondi)
        numero = 1
    return numero > massimo
