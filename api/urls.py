from django.urls import path

from . import views

app_name = "api-token"

urlpatterns = [
    path("", views.elenco, name="elenco"),
    path("<int:pk>/revoca/", views.revoca, name="revoca"),
]
