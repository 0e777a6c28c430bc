"""Where the portal keeps its files, and what several instances of it must share.

Every file the portal writes (the plan's PDFs and their signed copies, the Assemblea's archived
and signed minutes, the tables' attachments, the ambiti's logos, the e-mail log's attachments)
goes through Django's default storage: the filesystem under MEDIA_ROOT, or a bucket of an
S3-compatible object store when PDZ_MEDIA_S3_BUCKET is set (`storage_dei_documenti`). Nothing
reads a local path of a stored file, so both behave the same.

The bucket is private and no page links to it: every download goes through the portal's view,
which checks who asks and then streams the file (`FileResponse`). Not a redirect to a presigned
URL: such a URL works for whoever holds it until it expires (forwarded in an e-mail, kept in a
proxy's log or the browser's history), the bucket would have to be reachable from every
browser, and the response would lose the portal's `Cache-Control: private, no-store` and its
file name. The documents are a few megabytes; the web process can carry them.

Several web processes (gunicorn's workers, and replicas on other machines) must share the
database (sessions, django-axes' failed logins), Redis (the cache: rate limits, the API's
throttles, the SPID assertions already used, the e-mail queue's lock) and this storage.
`condivisione_dei_processi` refuses, in `manage.py check --deploy`, a production whose cache
lives in each process's memory.
"""

from collections.abc import Mapping

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"
# A file read from the bucket is held in memory up to this size, then in a temporary file
# that is removed when the download ends.
S3_MEMORIA_MASSIMA = 10 * 1024 * 1024
# The cache backends whose data stays in one process (or nowhere).
CACHE_DEL_PROCESSO = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


# What storage_dei_documenti reads, and boto3's keys: every instance must get the same values
# (docker-compose.yml passes them all; tests/pdz/test_settings_compose.py checks it).
VARIABILI = (
    "PDZ_MEDIA_S3_BUCKET",
    "PDZ_MEDIA_S3_PREFISSO",
    "PDZ_MEDIA_S3_ACL",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)


def _valore(ambiente: Mapping[str, str], nome: str) -> str | None:
    return (ambiente.get(nome) or "").strip() or None


def storage_dei_documenti(ambiente: Mapping[str, str]) -> dict:
    """STORAGES["default"] from the environment: an S3 bucket if PDZ_MEDIA_S3_BUCKET names one,
    else the filesystem (MEDIA_ROOT).

    The keys are not settings: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or
    AWS_SESSION_TOKEN, a profile, the machine's role) from the environment itself, so they
    never appear among the settings an error report may list.
    """
    bucket = _valore(ambiente, "PDZ_MEDIA_S3_BUCKET")
    if bucket is None:
        return {"BACKEND": FILESYSTEM}
    acl = ambiente.get("PDZ_MEDIA_S3_ACL", "private").strip()
    return {
        "BACKEND": S3,
        "OPTIONS": {
            "bucket_name": bucket,
            "location": (ambiente.get("PDZ_MEDIA_S3_PREFISSO") or "").strip("/"),
            "endpoint_url": _valore(ambiente, "AWS_S3_ENDPOINT_URL"),
            "region_name": _valore(ambiente, "AWS_S3_REGION_NAME")
            or _valore(ambiente, "AWS_DEFAULT_REGION"),
            # "path" for most self-hosted stores (MinIO, Ceph, Garage); "virtual" for AWS.
            "addressing_style": _valore(ambiente, "AWS_S3_ADDRESSING_STYLE"),
            # Each object private; empty for a bucket whose ACLs are disabled (AWS's default
            # since 2023, where the bucket is private as a whole and an ACL header is refused).
            "default_acl": acl or None,
            # As on the filesystem, a taken name gets a suffix: a new signature never overwrites
            # the signed file a reader may be downloading (core.firma.salva_firmato), and the
            # replaced one is then deleted by its own name.
            "file_overwrite": False,
            # No public URL: were one ever asked for, it would be signed and short-lived.
            "querystring_auth": True,
            "querystring_expire": 60,
            "custom_domain": None,
            "max_memory_size": S3_MEMORIA_MASSIMA,
        },
    }


def condivisione_dei_processi(app_configs, **kwargs):
    """Without DEBUG, the cache must be one every process sees (Redis, REDIS_URL).

    A deploy check (registered by core.apps); the settings import this module before Django is
    set up, hence the imports inside."""
    from django.conf import settings
    from django.core import checks

    if settings.DEBUG:
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in CACHE_DEL_PROCESSO:
        return []
    return [
        checks.Error(
            f"The default cache ({backend}) lives in each process: with several gunicorn "
            "workers or replicas every process counts its own rate limits and API throttles, "
            "and a SPID assertion already used in one is accepted again by another.",
            hint="Set REDIS_URL to the Redis every web process and worker share.",
            id="core.E001",
        )
    ]
