from django.contrib import admin
from django.urls import include, path

from api.v1 import urls as api_v1_urls

from . import admin_nuovo_ambito, cruscotto, views

admin.site.site_header = "pdz — amministrazione"
admin.site.site_title = "pdz"

urlpatterns = [
    path("", views.home, name="home"),
    path("salute/", views.health, name="health"),
    path("salute/pronto/", views.readiness, name="readiness"),
    path("csp-report/", views.csp_report, name="csp-report"),
    path("account/", include("accounts.urls")),
    # SPID and CIE login (issue 13): 404 unless configured (accounts/spid.py).
    path("spid/", include("accounts.urls_spid")),
    path("ambiti/<slug:slug>/", cruscotto.cruscotto, name="cruscotto"),
    path("ambiti/", include("ambiti.urls")),
    # An ente asks to join an ambito's register, without an account (ambiti/views_candidature.py).
    # Before any other "pubblico/" include, which would otherwise take these addresses.
    path("pubblico/<slug:ambito>/aderisci/", include("ambiti.urls_pubblico")),
    # The Ufficio di Piano reads its ambito's audit trail (pdz/attivita.py).
    path("", include("pdz.urls_attivita")),
    path("", include("tavoli.urls")),
    path("", include("tavoli.urls_export")),
    path("", include("obiettivi.urls")),
    path("", include("obiettivi.urls_dati")),
    path("", include("piani.urls")),
    path("", include("piani.urls_pdf")),
    path("", include("assemblea.urls")),
    path("calendario/", include("tavoli.urls_calendario")),
    # What anyone may read without signing in (pubblico/selezioni.py says what).
    path("pubblico/", include("pubblico.urls")),
    path("api/v1/", api_v1_urls()),
    path("account/token/", include("api.urls")),
    # Before the admin's own addresses, which would take this one for an ambito's id.
    path(
        "admin/ambiti/ambito/nuovo-da-istat/",
        admin_nuovo_ambito.vista,
        name="admin-crea-ambito",
    ),
    path("admin/", admin.site.urls),
]

# The 500 page with the request id to quote, rendered without the database (pdz/views.py).
handler500 = "pdz.views.server_error"
