"""Settings for the test suite: the same as production's, faster hashing, no manifest."""

import os

os.environ["DJANGO_READ_DOT_ENV"] = "0"
# A developer's shell may hold the production DSN: the test suite never reports to Sentry.
os.environ["SENTRY_DSN"] = ""
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-secret-key-not-used-anywhere-else-0123456789abcdef"
)


def _redis_del_processo(url, processo):
    """Each pytest-xdist process its own Redis database: the base one, then those below it.

    The cache (rate limits, locks) and the Celery broker of one process must not see the other's,
    and the worker a test starts reads REDIS_URL from the environment, so it is rewritten there.
    """
    if not url or not processo.startswith("gw"):
        return url
    from urllib.parse import urlsplit, urlunsplit

    parti = urlsplit(url)
    base = int(parti.path.strip("/") or 0)
    return urlunsplit(parti._replace(path=f"/{(base - int(processo[2:])) % 16}"))


_PROCESSO = os.environ.get("PYTEST_XDIST_WORKER", "")
# The base stays in the environment, so a worker started by a test (which inherits both
# variables) arrives at the same database instead of moving one further down.
os.environ.setdefault("PDZ_REDIS_URL_BASE", os.environ.get("REDIS_URL", ""))
if os.environ["PDZ_REDIS_URL_BASE"]:
    os.environ["REDIS_URL"] = _redis_del_processo(os.environ["PDZ_REDIS_URL_BASE"], _PROCESSO)

from pdz.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
MEDIA_ROOT = BASE_DIR / ".test-media" / (_PROCESSO or "principale")  # noqa: F405
# Browser tests talk plain HTTP to the live server.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run in the test process, Redis or not; the tests that need a real worker start one,
# and that worker process runs with PDZ_CELERY_EAGER=0.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("PDZ_CELERY_EAGER", "1") != "0"
# ...and synchronously, inside the request: the tests of the background thread turn it on.
PDZ_TASK_IN_SFONDO = False
# The suite signs in with force_login; the second factor's own tests turn this on.
PDZ_SECONDO_FATTORE_OBBLIGATORIO = False
# Reminders and notifications (issue 13): the e-mail log delivers to the test outbox, and no
# thread of the test server runs the periodic jobs behind the tests' back.
POST_OFFICE["BACKENDS"] = {"default": "django.core.mail.backends.locmem.EmailBackend"}  # noqa: F405
PDZ_PROMEMORIA_IN_PROCESSO = False
# Nothing is signed unless a test configures its own test CA (tests/utils/firma.py): a seal
# configured on the developer's machine must not change what the suite publishes.
PDZ_FIRMA_CERTIFICATO = ""
PDZ_FIRMA_CHIAVE = ""
PDZ_FIRMA_PASSWORD = ""
PDZ_FIRMA_CATENA = []
PDZ_FIRMA_TSA_URL = ""
