from django.urls import path

from . import views, views_dati, views_tavoli

app_name = "pubblico"

AMBITO = "<slug:slug>/"
PIANO = AMBITO + "piani/<int:pk>/"
SEDUTA = AMBITO + "assemblea/<int:pk>/"
TAVOLO = AMBITO + "tavoli/<int:pk>/"

urlpatterns = [
    path("", views.indice, name="indice"),
    path(AMBITO, views.ambito, name="ambito"),
    path(PIANO, views.piano, name="piano"),
    path(PIANO + "piano.pdf", views.piano_pdf, name="piano-pdf"),
    path(PIANO + "piano-copia.pdf", views.piano_pdf_copia, name="piano-pdf-copia"),
    path(PIANO + "obiettivi/", views.obiettivi, name="obiettivi"),
    path(AMBITO + "registro/", views.registro, name="registro"),
    path(AMBITO + "assemblea/", views.sedute, name="sedute"),
    path(SEDUTA, views.seduta, name="seduta"),
    path(SEDUTA + "verbale.pdf", views.verbale_pdf, name="verbale-pdf"),
    path(AMBITO + "logo", views.logo, name="logo"),
    path(AMBITO + "accessibilita/", views.accessibilita, name="accessibilita"),
    path(AMBITO + "privacy/", views.privacy, name="privacy"),
    path(AMBITO + "note-legali/", views.note_legali, name="note-legali"),
    path(AMBITO + "cookie/", views.cookie, name="cookie"),
    path(AMBITO + "tavoli/", views_tavoli.tavoli, name="tavoli"),
    path(AMBITO + "tavoli/calendario.ics", views_tavoli.calendario_ambito, name="tavoli-ics"),
    path(TAVOLO + "calendario.ics", views_tavoli.calendario_tavolo, name="tavolo-ics"),
    path(TAVOLO + "incontri/<int:ipk>/", views_tavoli.incontro, name="incontro-tavolo"),
]

# The open data (pubblico/views_dati.py).
urlpatterns += [
    path("catalogo.jsonld", views_dati.catalogo, name="catalogo"),
    path(AMBITO + "dati/", views_dati.elenco, name="dati"),
    path(AMBITO + "dati/catalogo.jsonld", views_dati.catalogo_ambito, name="catalogo-ambito"),
    path(AMBITO + "dati/<slug:codice>.<str:formato>", views_dati.scarica, name="dato"),
]
