from django.urls import path

from . import views_calendario

app_name = "calendario"

urlpatterns = [
    path("tavolo/<str:token>.ics", views_calendario.feed_tavolo, name="tavolo"),
    path("utente/<str:token>.ics", views_calendario.feed_utente, name="utente"),
    path(
        "ambiti/<slug:slug>/tavoli/<int:pk>/incontri/<int:ipk>/invito.ics",
        views_calendario.incontro_ics,
        name="incontro",
    ),
]
