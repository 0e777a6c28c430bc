from collections import defaultdict

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html

from accounts.permissions import can_manage_ambito, is_amministratore, ruoli_di

from .permissions import ambiti_visibili

# A slug the URL pattern accepts, replaced by each ambito's own (slugs need no quoting).
SEGNAPOSTO = "segnaposto-dell-ambito"


def navigation(request):
    """The user's ambiti and roles for the header and the navigation, computed lazily so that
    pages which do not show them pay no query."""
    # An error page for a request refused before AuthenticationMiddleware (a host not in
    # ALLOWED_HOSTS) has no user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def ambiti():
        # The user's role types per ambito, in one pass over her roles: which entries of the
        # menu lead her somewhere (templates/partials/navigazione.html).
        tipi = defaultdict(set)
        for ruolo in ruoli_di(user):
            tipi[ruolo.ambito_id].add(ruolo.tipo)
        # An administrator sees all 91 ambiti of the region: their dashboard addresses come from
        # one reverse() instead of one per entry (issue 16).
        cruscotto = reverse("cruscotto", args=[SEGNAPOSTO])
        voci = []
        for a in ambiti_visibili(user).only("pk", "nome", "slug").order_by("nome"):
            url = cruscotto.replace(SEGNAPOSTO, a.slug)
            voci.append(
                {
                    "ambito": a,
                    "pk": a.pk,
                    "url": url,
                    # The entry of an ambito other than the page's: a link, nothing else.
                    "voce": format_html(
                        '<li class="nav-item"><a class="nav-link" href="{}"><span>{}</span></a>'
                        "</li>",
                        url,
                        a.nome,
                    ),
                    "gestisce": can_manage_ambito(user, a),
                    "tipi": tipi[a.pk],
                }
            )
        return voci

    return {
        "nav_ambiti": SimpleLazyObject(ambiti),
        "nav_ruoli": SimpleLazyObject(lambda: ruoli_di(user)),
        "nav_is_amministratore": is_amministratore(user),
    }
