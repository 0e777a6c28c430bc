from django.urls import path

from . import views_export

app_name = "esportazioni"

urlpatterns = [
    path(
        "ambiti/<slug:slug>/proposte/esporta.<str:formato>",
        views_export.proposte_export,
        name="proposte",
    ),
    path(
        "ambiti/<slug:slug>/tavoli/<int:pk>/incontri/<int:ipk>/presenze.<str:formato>",
        views_export.presenze_export,
        name="presenze",
    ),
    path(
        "ambiti/<slug:slug>/tavoli/<int:pk>/incontri/<int:ipk>/verbale.pdf",
        views_export.verbale_pdf,
        name="verbale",
    ),
]
