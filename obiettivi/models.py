from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaPolicy(models.Model):
    """A policy area of the regional guidelines (e.g. «Politiche abitative»)."""

    nome = models.CharField(_("nome"), max_length=150, unique=True)
    slug = models.SlugField(_("codice"), max_length=80, unique=True)
    descrizione = models.TextField(_("descrizione"), blank=True)
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)
    integrazione_sociosanitaria = models.BooleanField(
        _("a integrazione socio-sanitaria"), default=False
    )
    trasversale = models.BooleanField(_("trasversale"), default=False)

    class Meta:
        ordering = ["ordine", "nome"]
        verbose_name = _("area di policy")
        verbose_name_plural = _("aree di policy")

    def __str__(self):
        return self.nome
