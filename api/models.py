"""A personal token: the holder reads through the API what she reads in the portal.

Only the SHA-256 of the token is kept (the token is random, 256 bits: a slow hash would add
nothing); the token itself is shown once, when it is created.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFISSO = "pdz_"


def impronta(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenPersonaleQuerySet(models.QuerySet):
    def validi(self):
        adesso = timezone.now()
        return self.filter(revocato_il__isnull=True).filter(
            models.Q(scade_il__isnull=True) | models.Q(scade_il__gt=adesso)
        )


class TokenPersonale(models.Model):
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="token_api"
    )
    nome = models.CharField(
        _("nome"),
        max_length=80,
        help_text=_("Per riconoscerlo, ad esempio «Foglio di calcolo del monitoraggio»."),
    )
    # The first characters, to tell tokens apart in the list without keeping the secret.
    inizio = models.CharField(max_length=12)
    impronta = models.CharField(max_length=64, unique=True)
    creato_il = models.DateTimeField(auto_now_add=True)
    scade_il = models.DateTimeField(_("scade il"), null=True, blank=True)
    revocato_il = models.DateTimeField(_("revocato il"), null=True, blank=True)
    usato_il = models.DateTimeField(_("ultimo uso"), null=True, blank=True)

    objects = TokenPersonaleQuerySet.as_manager()

    class Meta:
        ordering = ["-creato_il", "-pk"]
        verbose_name = _("token personale")
        verbose_name_plural = _("token personali")

    def __str__(self):
        return f"{self.nome} ({self.inizio}…)"

    @classmethod
    def crea(cls, *, utente, nome, scade_il=None) -> tuple["TokenPersonale", str]:
        """The new token and its secret, which is not stored and cannot be shown again."""
        segreto = PREFISSO + secrets.token_urlsafe(32)
        token = cls.objects.create(
            utente=utente,
            nome=nome,
            inizio=segreto[:10],
            impronta=impronta(segreto),
            scade_il=scade_il,
        )
        return token, segreto

    @property
    def valido(self) -> bool:
        return self.revocato_il is None and (
            self.scade_il is None or self.scade_il > timezone.now()
        )
