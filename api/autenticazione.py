"""Who is calling: anyone (the public data), or the holder of a personal token (what she may
see in the portal). A token that is wrong, revoked, expired or whose user is disabled is a 401,
never a silent fall back to the public data."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from .models import TokenPersonale, impronta

# A token used again within this time does not rewrite its «last used».
AGGIORNA_USO_OGNI = 300


class TokenFacoltativo(HttpBearer):
    openapi_description = "Token personale (facoltativo): Authorization: Bearer pdz_…"

    def __call__(self, request):
        if not request.headers.get(self.header):
            return AnonymousUser()
        return super().__call__(request) or _rifiuta()

    def authenticate(self, request, token):
        trovato = (
            TokenPersonale.objects.validi()
            .filter(impronta=impronta(token), utente__is_active=True)
            .select_related("utente")
            .first()
        )
        if trovato is None:
            _rifiuta()
        adesso = timezone.now()
        if (
            trovato.usato_il is None
            or (adesso - trovato.usato_il).total_seconds() > AGGIORNA_USO_OGNI
        ):
            TokenPersonale.objects.filter(pk=trovato.pk).update(usato_il=adesso)
        return trovato.utente


def _rifiuta():
    raise AuthenticationError
