from django.urls import path

from . import views_spid

app_name = "spid"

urlpatterns = [
    path("metadata/", views_spid.metadata, name="metadata"),
    path("login/", views_spid.accesso, name="login"),
    path("acs/", views_spid.acs, name="acs"),
    path("ls/", views_spid.uscita, name="ls"),
]
