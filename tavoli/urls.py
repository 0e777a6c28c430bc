from django.urls import path

from . import views, views_incontri, views_proposte, views_pubblicazione, views_verbale

app_name = "tavoli"

TAVOLO = "ambiti/<slug:slug>/tavoli/<int:pk>/"
INCONTRO = TAVOLO + "incontri/<int:ipk>/"

urlpatterns = [
    path("ambiti/<slug:slug>/tavoli/", views.elenco, name="elenco"),
    path("ambiti/<slug:slug>/tavoli/nuovo/", views.nuovo, name="nuovo"),
    path(TAVOLO, views.dettaglio, name="dettaglio"),
    path(TAVOLO + "modifica/", views.modifica, name="modifica"),
    path(TAVOLO + "membri/", views.membro_aggiungi, name="membro-aggiungi"),
    path(TAVOLO + "membri/<int:membro_pk>/rimuovi/", views.membro_rimuovi, name="membro-rimuovi"),
    path(TAVOLO + "calendario/rinnova/", views.calendario_rinnova, name="calendario-rinnova"),
    path(TAVOLO + "incontri/nuovo/", views_incontri.incontro_nuovo, name="incontro-nuovo"),
    path(INCONTRO, views_incontri.incontro, name="incontro"),
    path(INCONTRO + "modifica/", views_incontri.incontro_modifica, name="incontro-modifica"),
    path(INCONTRO + "presenze/", views_incontri.presenze, name="presenze"),
    path(INCONTRO + "esiti/<str:tipo>/", views_incontri.esito_nuovo, name="esito-nuovo"),
    path(INCONTRO + "esiti/<int:epk>/elimina/", views_incontri.esito_elimina, name="esito-elimina"),
    path(INCONTRO + "allegati/", views_incontri.allegato_nuovo, name="allegato-nuovo"),
    path(INCONTRO + "allegati/<int:apk>/", views_incontri.allegato, name="allegato"),
    path(INCONTRO + "verbale/", views_verbale.verbale_salva, name="verbale-salva"),
    path(INCONTRO + "verbale/bozza/", views_verbale.verbale_bozza, name="verbale-bozza"),
    path(INCONTRO + "verbale/<str:azione>/", views_verbale.transizione, name="transizione"),
    path(INCONTRO + "commenti/", views_verbale.commento_nuovo, name="commento-nuovo"),
    path(INCONTRO + "storia/", views_verbale.storia, name="storia"),
    path(TAVOLO + "pubblica/", views_pubblicazione.tavolo, name="pubblica-tavolo"),
    path(INCONTRO + "pubblica/", views_pubblicazione.incontro, name="pubblica-incontro"),
    path(INCONTRO + "verbale-pubblico/", views_pubblicazione.verbale, name="pubblica-verbale"),
    path("ambiti/<slug:slug>/proposte/", views_proposte.proposte, name="proposte"),
    path("ambiti/<slug:slug>/proposte/<int:epk>/valuta/", views_proposte.valuta, name="valuta"),
]
