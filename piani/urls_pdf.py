from django.urls import path

from . import views_pdf

app_name = "piani_pdf"

PDF = "ambiti/<slug:slug>/piani/<int:pk>/pdf/"
RENDER = PDF + "<int:rpk>/"

urlpatterns = [
    path(PDF + "genera/", views_pdf.genera, name="genera"),
    path(RENDER, views_pdf.stato, name="stato"),
    path(RENDER + "riprova/", views_pdf.riprova, name="riprova"),
    path(RENDER + "scarica/", views_pdf.scarica, name="scarica"),
]
