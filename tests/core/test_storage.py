"""core.storage: the media storage chosen from the environment, and the deploy check that
refuses a production whose cache each process keeps for itself. The S3 storage itself is
exercised against moto's server in test_storage_s3.py."""

import pytest
from django.core import checks

from core.storage import FILESYSTEM, S3, storage_dei_documenti

S3_MINIMO = {"PDZ_MEDIA_S3_BUCKET": "pdz-media"}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://redis:6379/0",
    }
}


def test_senza_bucket_i_file_restano_in_media_root():
    assert storage_dei_documenti({}) == {"BACKEND": FILESYSTEM}
    assert storage_dei_documenti({"PDZ_MEDIA_S3_BUCKET": "  "}) == {"BACKEND": FILESYSTEM}


def test_il_bucket_e_privato_e_non_sovrascrive():
    configurazione = storage_dei_documenti(
        S3_MINIMO
        | {
            "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
            "AWS_S3_ADDRESSING_STYLE": "path",
            "AWS_DEFAULT_REGION": "eu-south-1",
            "PDZ_MEDIA_S3_PREFISSO": "/pdz/",
        }
    )
    assert configurazione["BACKEND"] == S3
    opzioni = configurazione["OPTIONS"]
    assert opzioni["bucket_name"] == "pdz-media"
    assert opzioni["endpoint_url"] == "https://s3.example.org"
    assert opzioni["addressing_style"] == "path"
    assert opzioni["region_name"] == "eu-south-1"
    assert opzioni["location"] == "pdz"
    assert opzioni["default_acl"] == "private"
    assert opzioni["file_overwrite"] is False
    assert opzioni["custom_domain"] is None and opzioni["querystring_auth"] is True


def test_un_acl_vuoto_non_manda_intestazioni_per_i_bucket_senza_acl():
    opzioni = storage_dei_documenti(S3_MINIMO | {"PDZ_MEDIA_S3_ACL": ""})["OPTIONS"]
    assert opzioni["default_acl"] is None


def test_le_chiavi_non_entrano_nelle_impostazioni():
    """boto3 reads them from the environment: the settings an error report lists never hold them."""
    configurazione = storage_dei_documenti(
        S3_MINIMO | {"AWS_ACCESS_KEY_ID": "AKIAPROVA", "AWS_SECRET_ACCESS_KEY": "segreto-123"}
    )
    assert "segreto-123" not in repr(configurazione)
    assert "AKIAPROVA" not in repr(configurazione)


def _errori_deploy():
    return [
        m.id
        for m in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.caches])
        if m.level >= checks.ERROR
    ]


@pytest.mark.parametrize(
    ("debug", "caches", "errori"),
    [(False, LOCMEM, ["core.E001"]), (False, REDIS, []), (True, LOCMEM, [])],
)
def test_check_deploy_rifiuta_una_cache_del_singolo_processo(settings, debug, caches, errori):
    settings.DEBUG = debug
    settings.CACHES = caches
    assert _errori_deploy() == errori
