"""The votes of the Assemblea (concatenated into assemblea/urls.py, namespace "assemblea")."""

from django.urls import path

from . import views_voto

BASE = "ambiti/<slug:slug>/assemblea/"
SEDUTA = BASE + "sedute/<int:pk>/"
PUNTO = SEDUTA + "punti/<int:punto>/"
VOTAZIONE = PUNTO + "votazione/"

urlpatterns = [
    path(VOTAZIONE + "crea/", views_voto.crea, name="votazione-crea"),
    path(VOTAZIONE, views_voto.votazione, name="votazione"),
    path(VOTAZIONE + "apri/", views_voto.apri, name="votazione-apri"),
    path(VOTAZIONE + "chiudi/", views_voto.chiudi, name="votazione-chiudi"),
    path(VOTAZIONE + "vota/", views_voto.vota, name="vota"),
    path(VOTAZIONE + "live/", views_voto.live, name="votazione-live"),
    path(VOTAZIONE + "cartaceo/", views_voto.cartaceo, name="voto-cartaceo"),
    path(VOTAZIONE + "eventi/", views_voto.eventi, name="votazione-eventi"),
    path(BASE + "ricevuta/", views_voto.ricevuta, name="ricevuta"),
]
