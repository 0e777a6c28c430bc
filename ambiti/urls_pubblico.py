"""The public form by which an ente asks to join an ambito's register (no login), mounted by
pdz/urls.py under /pubblico/<slug-ambito>/aderisci/."""

from django.urls import path

from . import views_candidature

app_name = "adesione"

urlpatterns = [
    path("", views_candidature.aderisci, name="modulo"),
    path("inviata/", views_candidature.inviata, name="inviata"),
    path("conferma/<str:token>/", views_candidature.conferma, name="conferma"),
]
