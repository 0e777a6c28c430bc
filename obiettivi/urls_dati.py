from django.urls import path

from . import views_dati

app_name = "obiettivi_dati"

BASE = "ambiti/<slug:slug>/obiettivi/"

urlpatterns = [
    path(BASE + "esporta.<str:formato>", views_dati.esporta, name="esporta"),
    path(BASE + "monitoraggio/importa/", views_dati.importa, name="importa"),
]
