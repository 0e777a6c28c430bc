from django.urls import path

from . import attivita

app_name = "attivita"

urlpatterns = [
    path("ambiti/<slug:slug>/attivita/", attivita.attivita, name="elenco"),
    path(
        "ambiti/<slug:slug>/attivita/esporta.<str:formato>",
        attivita.attivita_export,
        name="esporta",
    ),
]
