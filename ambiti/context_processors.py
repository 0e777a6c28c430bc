from django.utils.functional import SimpleLazyObject

from accounts.permissions import can_manage_ambito, is_amministratore, ruoli_di

from .permissions import ambiti_visibili


def navigation(request):
    """The user's ambiti and roles for the header and the navigation, computed lazily so that
    pages which do not show them pay no query."""
    # An error page for a request refused before AuthenticationMiddleware (a host not in
    # ALLOWED_HOSTS) has no user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def ambiti():
        ruoli = ruoli_di(user)
        return [
            {
                "ambito": a,
                "gestisce": can_manage_ambito(user, a),
                # The user's role types in this ambito: which entries of the menu lead her
                # somewhere (templates/partials/navigazione.html).
                "tipi": {r.tipo for r in ruoli if r.ambito_id == a.pk},
            }
            for a in ambiti_visibili(user).order_by("nome")
        ]

    return {
        "nav_ambiti": SimpleLazyObject(ambiti),
        "nav_ruoli": SimpleLazyObject(lambda: ruoli_di(user)),
        "nav_is_amministratore": is_amministratore(user),
    }
