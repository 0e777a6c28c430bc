from django.urls import path

from . import views, views_sezioni, views_versioni

app_name = "piani"

PIANO = "ambiti/<slug:slug>/piani/<int:pk>/"
SEZIONE = PIANO + "sezioni/<int:spk>/"

urlpatterns = [
    path("ambiti/<slug:slug>/piani/", views.elenco, name="elenco"),
    path("ambiti/<slug:slug>/piani/crea/", views.crea, name="crea"),
    path(PIANO, views.dettaglio, name="dettaglio"),
    path(PIANO + "stato/<str:azione>/", views.transizione, name="transizione"),
    path(PIANO + "sezioni/aggiungi/", views.sezione_aggiungi, name="sezione-aggiungi"),
    path(SEZIONE, views_sezioni.modifica, name="sezione"),
    path(SEZIONE + "sposta/<str:verso>/", views.sezione_sposta, name="sezione-sposta"),
    path(SEZIONE + "elimina/", views.sezione_elimina, name="sezione-elimina"),
    path(SEZIONE + "presenza/", views_sezioni.presenza, name="presenza"),
    path(SEZIONE + "revisioni/", views_sezioni.revisioni, name="revisioni"),
    path(
        SEZIONE + "revisioni/<int:versione>/ripristina/",
        views_sezioni.ripristina,
        name="ripristina",
    ),
    path(SEZIONE + "commenti/", views_sezioni.commenti, name="commenti"),
    path(
        SEZIONE + "commenti/<int:cpk>/risolvi/",
        views_sezioni.commento_risolvi,
        name="commento-risolvi",
    ),
    path(PIANO + "versioni/<int:numero>/", views_versioni.versione, name="versione"),
    path(
        PIANO + "versioni/<int:numero>/testo/", views_versioni.versione_testo, name="versione-testo"
    ),
]
