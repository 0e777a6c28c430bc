"""Settings of pdz, read from the environment (12-factor).

With no environment at all the portal starts for a newcomer: SQLite file, Celery tasks run
in-process, e-mail printed to the console. Production sets DJANGO_DEBUG=false and the variables
below; `manage.py check --deploy` is then clean.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

from core.storage import storage_dei_documenti
from pdz.osservabilita import amministratori, inizializza_sentry

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` (written by `make run`, ignored by git) keeps a developer's settings; the test
# settings and production do not read it.
if env.bool("DJANGO_READ_DOT_ENV", default=True) and (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# --- Core -------------------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise environ.ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false."
        )
    SECRET_KEY = "django-insecure-only-for-local-development-never-in-production"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_filters",
    "axes",
    "csp",
    "django_prose_editor",
    # People (issue 13): SPID/CIE over SAML, second factor, audit trail, e-mail log.
    "djangosaml2",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "post_office",
    "core",
    "accounts",
    "ambiti",
    "tavoli",
    "obiettivi",
    "piani",
    "assemblea",
    "pubblico",
    "api",
    "pdz",
]

MIDDLEWARE = [
    # First: drops the proxy headers a client typed, before anything reads them.
    "pdz.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Request id, user and ambito on every log line, and the request's own line.
    "pdz.osservabilita.RichiestaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # request.user.is_verified(): the second factor of this session (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # The second factor where it is due: UdP staff, administrators, whoever set one up.
    "accounts.middleware_otp.SecondoFattoreMiddleware",
    # Who and from which request, on every audit-trail entry (django-auditlog).
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pdz.urls"
WSGI_APPLICATION = "pdz.wsgi.application"
ASGI_APPLICATION = "pdz.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ambiti.context_processors.navigation",
            ],
        },
    },
]

# Every form's selects written without a template per option (core.moduli): the same markup, a
# fraction of the CPU on a select of 250 comuni or 150 enti.
FORM_RENDERER = "core.moduli.RendererModuli"

# --- Data -------------------------------------------------------------------------------------

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
# With persistent connections, one that the database closed (a restart, a failover) is noticed
# before a request uses it instead of failing that request.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# The cache holds what every web process must agree on (rate limits, the API's throttles, the
# SPID assertions already used, the e-mail queue's lock): Redis, shared by every gunicorn worker
# and replica. The in-memory fallback is for a developer's single process; without DEBUG
# `check --deploy` refuses it (core.storage.condivisione_dei_processi).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pdz",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The API's limits per caller (api/v1.py): per address without a token, per user with one.
API_LIMITI = {
    "anonimo": env("API_LIMITE_ANONIMO", default="120/m"),
    "token": env("API_LIMITE_TOKEN", default="600/m"),
}

# --- Background work --------------------------------------------------------------------------

# With no broker the tasks run in the calling process: a first start needs no Redis.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Embedded mode (no broker): the long tasks that report their progress (the plan's PDF) run in
# a background thread of the process, after the response (core/sfondo.py), not in the request.
PDZ_TASK_IN_SFONDO = CELERY_TASK_ALWAYS_EAGER
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker's memory (benchmarks/plan_pdf.py measures it). A rendering holds the whole laid-out
# plan: a pool process peaks at about 0.6 GiB for 160 objectives, and Python keeps that memory
# after the task. So: at most CELERY_WORKER_CONCURRENCY renderings at once (prefetch 1: a pool
# process never holds a second message), and a pool process whose peak passed
# CELERY_WORKER_MAX_MEMORY_PER_CHILD (KiB; without psutil Celery reads the peak, ru_maxrss) is
# replaced once its task is done and acknowledged: the memory goes back to the system and the
# next rendering starts from a fresh fork. A task is never lost to this, and one whose process is
# killed meanwhile (the kernel's OOM killer, a container's limit) is given back to the queue
# (reject_on_worker_lost) and runs again (piani/tasks.py, MASSIMO_TENTATIVI).
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=300 * 1024
)
# What the worker above stays within, main process and pool summed, while its two pool processes
# render two plans of 160 objectives each (benchmarks/plan_pdf.py prints whether it held; it
# measured 1.5 GiB of RSS summed, shared pages counted twice, hence a third more here): give the
# worker's container at least this much memory, and about 0.7 GiB more per extra process.
PDZ_WORKER_MEMORIA_MASSIMA_MB = env.int("PDZ_WORKER_MEMORIA_MASSIMA_MB", default=2048)
# A message unacknowledged for this long goes to another worker: longer than the slowest render.
_visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    # How often a worker looks for such messages: kombu's default is every 10 x 10 s, so the job
    # of a worker that died came back up to 100 s after the timeout (tests/pdz/test_repliche.py);
    # every tenth of the timeout instead (at most 10 s), well before piani.rendering.scadenza().
    "unacked_restore_interval": max(1, min(10, _visibility_timeout // 10)),
    "unacked_restore_throttle": 1,
}
CELERY_TIMEZONE = "Europe/Rome"
# The periodic jobs (celery beat; docker-compose.yml runs one beat process). Each is idempotent.
CELERY_BEAT_SCHEDULE = {
    "chiudi-ruoli-scaduti": {
        "task": "accounts.tasks.chiudi_ruoli_scaduti",
        "schedule": crontab(minute=5, hour=0),
    },
}

# --- Accounts and security --------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.throttling.ThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed logins (accounts/throttling.py explains the three limits). django-axes records them.
# (a) One username from one address: locked out after AXES_FAILURE_LIMIT failures, for
# AXES_COOLOFF_TIME from the last one (a fixed, announced end: failures while locked do not
# extend it).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.throttling.risposta_blocco"
# The client's address is REMOTE_ADDR, as pdz.proxy.TrustedProxyMiddleware settled it; never a
# header (axes would read X-Forwarded-For through django-ipware if that were installed).
AXES_CLIENT_IP_CALLABLE = "pdz.proxy.indirizzo_cliente"
AXES_VERBOSE = False
# (b) One address across usernames: locked out after this many failures.
PDZ_LOGIN_ADDRESS_FAILURE_LIMIT = env.int("PDZ_LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
# (c) One username across addresses: after this many failures, a delay doubling from 1 second
# up to PDZ_LOGIN_MAX_DELAY, never a lock; addresses the user signed in from within
# PDZ_LOGIN_KNOWN_ADDRESS_DAYS are exempt.
PDZ_LOGIN_USER_FAILURE_LIMIT = env.int("PDZ_LOGIN_USER_FAILURE_LIMIT", default=10)
PDZ_LOGIN_MAX_DELAY = timedelta(seconds=env.int("PDZ_LOGIN_MAX_DELAY_SECONDS", default=300))
PDZ_LOGIN_KNOWN_ADDRESS_DAYS = env.int("PDZ_LOGIN_KNOWN_ADDRESS_DAYS", default=90)

# Proxies whose X-Forwarded-* headers are believed (addresses or CIDRs, comma-separated): the
# TLS proxy in front of gunicorn. Empty: no header about the client is believed.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])

# Sessions in the database every instance shares: a login, a logout or a second factor seen by
# one web process is seen by all of them at once (a cache-only session would be lost with Redis,
# a per-process one would log people out at random behind a load balancer).
# With Redis, cached_db reads a session from the cache every process shares and writes through to
# the database: one query less on every page, and a cleared cache loses nobody's login.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_HTTPONLY = True
# Messages wait for the next page in the session, on the server: a cookie is signed, not
# encrypted, and the message after a vote names the choice and the receipt code.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The container health checks call the app directly over HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^salute/$", r"^salute/pronto/$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy the scheme arrives in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# What a page may load and run. Everything comes from our own static files: no inline script,
# no `style=` attribute, no eval, so an injected fragment of HTML can run nothing. The frozen
# plan text (piani.views_versioni.versione_testo) sets its own, stricter sandbox policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap Italia draws form controls with data: SVG backgrounds; the favicon is data:.
        "img-src": [SELF, "data:"],
        # Bootstrap Italia's style sheet embeds the video player's icon font as a data: URL,
        # which Chromium fetches on every page whether or not a player is shown.
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # Browsers post what the policy blocked here (pdz.views.csp_report logs it).
        "report-uri": "/csp-report/",
    }
}
# Browser features the portal never uses are switched off for it and for anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Reports accepted per client address and minute; the rest are dropped unread.
CSP_REPORTS_PER_MINUTE = env.int("CSP_REPORTS_PER_MINUTE", default=30)
# The public form by which an ente asks to join an ambito's register (ambiti/views_candidature.py):
# how many times an hour one address may send it, and how long its e-mail confirmation link lasts.
PDZ_CANDIDATURE_PER_ORA = env.int("PDZ_CANDIDATURE_PER_ORA", default=10)
PDZ_CANDIDATURA_LINK_ORE = env.int("PDZ_CANDIDATURA_LINK_ORE", default=72)

# The portal's own page, in Italian, when a form comes back with an expired token.
CSRF_FAILURE_VIEW = "pdz.views.csrf_failure"

# --- E-mail -----------------------------------------------------------------------------------

_email_url = env("DJANGO_EMAIL_URL", default="")
if _email_url:
    vars().update(env.email_url_config(_email_url))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Every e-mail is recorded with its status (django-post-office): Django's backend is post_office's,
# which delivers through the real one above. Priority "now": sending stays synchronous where it
# was; a failed send is recorded as failed with its error and retried by core.tasks.
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_BACKEND},
    "DEFAULT_PRIORITY": "now",
    "MAX_RETRIES": env.int("PDZ_EMAIL_MAX_RETRIES", default=3),
    "RETRY_INTERVAL": timedelta(minutes=env.int("PDZ_EMAIL_RETRY_MINUTES", default=10)),
    "LOG_LEVEL": 2,
    "CELERY_ENABLED": False,
}
EMAIL_BACKEND = "post_office.EmailBackend"
# Links in e-mails point here (the portal's public address).
PDZ_BASE_URL = env("PDZ_BASE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="pdz <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who receives the errors: "Nome Cognome <a@b.it>, Altro <c@d.it>".
ADMINS = amministratori(env("DJANGO_ADMINS", default=""))
EMAIL_SUBJECT_PREFIX = "[pdz] "

# --- Language, time ---------------------------------------------------------------------------

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano")]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
# The Italian named formats of the project ("3 marzo 2026"), over Django's ("03 Marzo 2026").
FORMAT_MODULE_PATH = ["core.formati"]

# --- Static files, front end ------------------------------------------------------------------

STATIC_URL = "static/"
# collectstatic writes here and WhiteNoise serves from here (the image builds it in /app).
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
# The front-end packages come from npm (package.json); Django serves their build as static files.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap-italia", NODE_MODULES / "bootstrap-italia" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    # The files the portal writes: MEDIA_ROOT, or a private S3 bucket shared by every instance
    # (PDZ_MEDIA_S3_BUCKET, AWS_S3_ENDPOINT_URL, ...: core/storage.py, README "Più istanze").
    "default": storage_dei_documenti(env.ENVIRON),
    "staticfiles": {
        # Without DEBUG always the manifest: a way to turn it off hid a production that failed.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development WhiteNoise serves straight from the finders; production serves STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Never served at this URL (no route): every file is downloaded through a view that checks who
# asks (core/storage.py).
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging and error reports ---------------------------------------------------------------

# One line per event on stdout: JSON in production, plain text for a developer (DEBUG). Every
# line has request_id, user_id and ambito (pdz.osservabilita); secrets are masked.
LOG_FORMAT = env("DJANGO_LOG_FORMAT", default="testo" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "contesto": {"()": "pdz.osservabilita.FiltroContesto"},
        "riservato": {"()": "pdz.osservabilita.FiltroRiservato"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "pdz.osservabilita.FormatoJson"},
        "testo": {"()": "pdz.osservabilita.FormatoTesto"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "testo",
            "filters": ["contesto", "riservato"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "contesto", "riservato"],
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Redefined so that Django's default handlers (stderr, and mail for every
        # django.security error, DisallowedHost included) are replaced by ours.
        "django": {"handlers": [], "level": "INFO"},
        # The 4xx warnings repeat the request line (pdz.richieste); 5xx go to ADMINS too.
        "django.request": {"handlers": ["mail_admins"], "level": "ERROR"},
        "django.server": {"handlers": [], "level": "WARNING"},
        # A Celery task that fails: "Task … raised unexpected", with the traceback.
        "celery.app.trace": {"handlers": ["mail_admins"], "level": "INFO"},
        # WeasyPrint narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
DEFAULT_EXCEPTION_REPORTER = "pdz.rapporti.RapportoErrori"
DEFAULT_EXCEPTION_REPORTER_FILTER = "pdz.rapporti.FiltroRapporti"

# Errors and failed tasks to Sentry, when a DSN is given (pdz/osservabilita.py).
inizializza_sentry(
    dsn=env("SENTRY_DSN", default=""),
    environment=env("SENTRY_ENVIRONMENT", default="production"),
    release=env("SENTRY_RELEASE", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)

# --- Second factor (accounts/otp.py, accounts/middleware_otp.py) ------------------------------
# Password logins of the Ufficio di Piano and administrators need an authenticator app; whoever
# set one up is asked for it. Off with DEBUG so that `make run`'s demo personas just log in.
PDZ_SECONDO_FATTORE_OBBLIGATORIO = env.bool("PDZ_SECONDO_FATTORE_OBBLIGATORIO", default=not DEBUG)
# The name the authenticator app shows next to the code.
OTP_TOTP_ISSUER = "pdz Piani di Zona"

# --- The seal that signs the published documents (issue 15; core/firma.py, README) ----------

# The approved plan and the Assemblea's minutes are published signed (PAdES) with the seal of the
# body that runs the site; without a certificate they are published unsigned. Paths outside the
# repository: the certificate (PEM/DER, or a PKCS#12 file holding the key when no key is given),
# its key, their password, the intermediate certificates (comma-separated) and, for PAdES-B-T,
# a timestamping service.
PDZ_FIRMA_CERTIFICATO = env("PDZ_FIRMA_CERTIFICATO", default="")
PDZ_FIRMA_CHIAVE = env("PDZ_FIRMA_CHIAVE", default="")
PDZ_FIRMA_PASSWORD = env("PDZ_FIRMA_PASSWORD", default="")
PDZ_FIRMA_CATENA = env.list("PDZ_FIRMA_CATENA", default=[])
PDZ_FIRMA_TSA_URL = env("PDZ_FIRMA_TSA_URL", default="")

# --- SPID and CIE login (issue 13; accounts/spid.py, README "SPID e CIE") --------------------

# Off unless the entity id, the certificate, its key and at least one identity provider are given:
# then the login page shows "Entra con SPID" / "Entra con CIE" and /spid/ answers.
PDZ_SPID_ENTITY_ID = env("PDZ_SPID_ENTITY_ID", default="")
# PEM files outside the repository (the key is a secret).
PDZ_SPID_CERT_FILE = env("PDZ_SPID_CERT_FILE", default="")
PDZ_SPID_KEY_FILE = env("PDZ_SPID_KEY_FILE", default="")
# The identity providers' metadata: files or URLs, comma-separated.
PDZ_SPID_IDP_METADATA = env.list("PDZ_SPID_IDP_METADATA", default=[])
PDZ_CIE_IDP_METADATA = env.list("PDZ_CIE_IDP_METADATA", default=[])
# Where the identity providers send people back (the ACS and logout URLs in the metadata).
PDZ_SPID_BASE_URL = env("PDZ_SPID_BASE_URL", default=PDZ_BASE_URL)
# The minimum SPID/CIE level of every login (1, 2 or 3); an action may ask for more.
PDZ_SPID_LIVELLO = env.int("PDZ_SPID_LIVELLO", default=2)
# The public administration behind the service (AgID's metadata, ContactPerson "other").
PDZ_SPID_IPA_CODE = env("PDZ_SPID_IPA_CODE", default="")
PDZ_SPID_ORGANIZZAZIONE = {
    "nome": env("PDZ_SPID_ORGANIZZAZIONE_NOME", default="pdz"),
    "nome_visualizzato": env("PDZ_SPID_ORGANIZZAZIONE_NOME_VISUALIZZATO", default=""),
    "url": env("PDZ_SPID_ORGANIZZAZIONE_URL", default=PDZ_BASE_URL),
    "email": env("PDZ_SPID_ORGANIZZAZIONE_EMAIL", default=""),
    "telefono": env("PDZ_SPID_ORGANIZZAZIONE_TELEFONO", default=""),
    "partita_iva": env("PDZ_SPID_ORGANIZZAZIONE_PARTITA_IVA", default=""),
    "codice_fiscale": env("PDZ_SPID_ORGANIZZAZIONE_CODICE_FISCALE", default=""),
    # The ISTAT code of the administration's comune (the CIE metadata's Municipality).
    "comune": env("PDZ_SPID_ORGANIZZAZIONE_COMUNE", default=""),
}
PDZ_SPID_XMLSEC_BINARY = env("PDZ_SPID_XMLSEC_BINARY", default="/usr/bin/xmlsec1")
# Seconds of clock difference tolerated with an identity provider.
PDZ_SPID_TOLLERANZA_OROLOGIO = env.int("PDZ_SPID_TOLLERANZA_OROLOGIO", default=60)
SAML_CONFIG_LOADER = "accounts.spid.sp_config"
# The identity provider posts the response to /spid/acs/ from its own site: the Lax session
# cookie is not sent then, so the pending requests live in djangosaml2's own session, whose
# cookie is SameSite=None (and Secure where the session cookie is).
SAML_SESSION_COOKIE_NAME = "pdz_saml"
# Browsers drop a SameSite=None cookie that is not Secure: on plain HTTP (development) Lax.
SAML_SESSION_COOKIE_SAMESITE = "None" if globals().get("SESSION_COOKIE_SECURE") else "Lax"
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "djangosaml2.middleware.SamlSessionMiddleware",
)
# The login page's SPID/CIE buttons (lazy: no other page reads them).
TEMPLATES[0]["OPTIONS"]["context_processors"].append("accounts.spid.contesto_accesso")

# --- Audit trail (django-auditlog, issue 13; models registered in pdz/audit.py) -------------
# The request id of pdz.osservabilita (or the Celery task, or the command) as each entry's cid.
AUDITLOG_CID_GETTER = "pdz.audit.correlazione"
# Fixtures loaded with loaddata are not changes anybody made.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# The client address as pdz.proxy settled it, not the X-Forwarded-For the client may type.
MIDDLEWARE[MIDDLEWARE.index("auditlog.middleware.AuditlogMiddleware")] = (
    "pdz.audit.AuditlogMiddleware"
)

# --- Reminders and notifications (issue 13) ---------------------------------------------------

# Days before a plan's review deadline the reviewers are reminded (and again on the day).
PDZ_PROMEMORIA_SCADENZA_GIORNI = env.int("PDZ_PROMEMORIA_SCADENZA_GIORNI", default=3)
# Days minutes may wait in review before the table's people are reminded to read them.
PDZ_PROMEMORIA_VERBALE_GIORNI = env.int("PDZ_PROMEMORIA_VERBALE_GIORNI", default=3)
# Minutes a vote stays open before those who have not voted are told it is closing.
PDZ_PROMEMORIA_VOTO_CHIUSURA_MINUTI = env.int("PDZ_PROMEMORIA_VOTO_CHIUSURA_MINUTI", default=30)
# Hour (Europe/Rome) of the daily digest.
PDZ_RIEPILOGO_ORA = env.int("PDZ_RIEPILOGO_ORA", default=7)
# The periodic jobs; each takes no argument and is idempotent (accounts.notifiche: one reminder
# per person and key). The e-mail queue: retries of failed sends.
CELERY_BEAT_SCHEDULE.update(
    {
        "posta-in-coda": {
            "task": "core.tasks.invia_posta_in_coda",
            "schedule": timedelta(minutes=env.int("PDZ_BEAT_POSTA_MINUTI", default=5)),
        },
        "promemoria-incontri": {
            "task": "tavoli.tasks.promemoria_incontri",
            "schedule": crontab(minute=15),
        },
        "promemoria-verbali": {
            "task": "tavoli.tasks.promemoria_verbali",
            "schedule": crontab(minute=20, hour=8),
        },
        "promemoria-scadenze-piano": {
            "task": "piani.tasks.promemoria_scadenze_revisione",
            "schedule": crontab(minute=30, hour=8),
        },
        # After midnight every draft's fingerprint has a new day: the log of the writes to
        # its sources can be forgotten at no cost (piani.impronta.pota_registro).
        "pota-registro-modifiche": {
            "task": "piani.tasks.pota_registro_modifiche",
            "schedule": crontab(minute=10, hour=0),
        },
        "promemoria-votazioni": {
            "task": "assemblea.tasks.promemoria_votazioni",
            "schedule": timedelta(minutes=5),
        },
        "riepilogo-notifiche": {
            "task": "accounts.tasks.invia_riepiloghi",
            "schedule": crontab(minute=0, hour=PDZ_RIEPILOGO_ORA),
        },
    }
)
# The production stack's test makes one job run at once (seconds), to see beat and worker at work.
if env("PDZ_BEAT_PROVA_SECONDI", default=""):
    CELERY_BEAT_SCHEDULE["prova-beat"] = {
        "task": "core.tasks.battito",
        "schedule": env.float("PDZ_BEAT_PROVA_SECONDI"),
    }
# Embedded mode (no broker, `manage.py runserver`): a thread of the server runs the periodic jobs
# (pdz/promemoria.py, started by pdz/apps.py); with a broker, celery beat does.
PDZ_PROMEMORIA_IN_PROCESSO = env.bool("PDZ_PROMEMORIA_IN_PROCESSO", default=not REDIS_URL)
PDZ_PROMEMORIA_INTERVALLO_S = env.int("PDZ_PROMEMORIA_INTERVALLO_S", default=300)
