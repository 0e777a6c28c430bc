from django.urls import path

from . import views_presenze, views_recepimento, views_regole, views_sedute, views_verbale
from .urls_voto import urlpatterns as voto

app_name = "assemblea"

BASE = "ambiti/<slug:slug>/assemblea/"
SEDUTA = BASE + "sedute/<int:pk>/"
PUNTO = SEDUTA + "punti/<int:punto>/"

urlpatterns = [
    path(BASE + "regole/", views_regole.regole, name="regole"),
    path(BASE + "regole/nuova/", views_regole.regola_nuova, name="regola-nuova"),
    path(BASE + "sedute/", views_sedute.sedute, name="sedute"),
    path(BASE + "sedute/nuova/", views_sedute.seduta_nuova, name="seduta-nuova"),
    path(SEDUTA, views_sedute.seduta, name="seduta"),
    path(SEDUTA + "modifica/", views_sedute.seduta_modifica, name="seduta-modifica"),
    path(SEDUTA + "punti/aggiungi/", views_sedute.punto_aggiungi, name="punto-aggiungi"),
    path(PUNTO + "elimina/", views_sedute.punto_elimina, name="punto-elimina"),
    path(SEDUTA + "convoca/", views_sedute.seduta_convoca, name="seduta-convoca"),
    path(
        SEDUTA + "prima-deserta/",
        views_sedute.seduta_prima_deserta,
        name="seduta-prima-deserta",
    ),
    path(SEDUTA + "apri/", views_sedute.seduta_apri, name="seduta-apri"),
    path(SEDUTA + "chiudi/", views_sedute.seduta_chiudi, name="seduta-chiudi"),
    path(SEDUTA + "deleghe/", views_presenze.deleghe, name="deleghe"),
    path(SEDUTA + "presenze/", views_presenze.presenze, name="presenze"),
    path(
        SEDUTA + "presenze/<int:comune>/uscita/",
        views_presenze.presenza_uscita,
        name="presenza-uscita",
    ),
    path(SEDUTA + "presenza/", views_presenze.checkin, name="checkin"),
    path(SEDUTA + "verbale.pdf", views_verbale.verbale_pdf, name="verbale-pdf"),
    path(
        "ambiti/<slug:slug>/piani/<int:pk>/versioni/<int:numero>/recepimenti/",
        views_recepimento.recepimenti,
        name="recepimenti",
    ),
    *voto,
]
