from django.urls import path

from . import views_spid

app_name = "spid"

urlpatterns = [
    path("metadata/", views_spid.metadata, name="metadata"),
    # The same SP for the CIE federation, in its own metadata profile.
    path("metadata/cie/", views_spid.metadata_cie, name="metadata-cie"),
    path("login/", views_spid.accesso, name="login"),
    path("acs/", views_spid.acs, name="acs"),
    path("ls/", views_spid.uscita, name="ls"),
]
