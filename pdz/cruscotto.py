"""The ambito's home page: a card per app, each drawn from what that app lets the user see.

It lives in the project, not in ambiti, because it composes every app (the tables, the sessions
of the Assemblea), which ambiti, below them, may not import.
"""

from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ambiti.models import Candidatura, Comune, Iscrizione
from ambiti.permissions import can_manage_registro, get_ambito_for_reader
from assemblea.permissions import sedute_in_corso
from tavoli.permissions import riepilogo_tavoli


@require_GET
def cruscotto(request, slug):
    ambito = get_ambito_for_reader(request.user, slug)
    sub_ambiti = ambito.sub_ambiti.annotate(
        numero_comuni=Count("comuni"), popolazione=Sum("comuni__popolazione")
    )
    comuni = Comune.objects.nell_ambito(ambito).aggregate(
        numero=Count("pk"), popolazione=Sum("popolazione")
    )
    fonti = (
        Comune.objects.nell_ambito(ambito)
        .values("popolazione_fonte", "popolazione_data")
        .annotate(numero=Count("pk"))
        .order_by("-popolazione_data")
    )
    registro = ambito.iscrizioni.aggregate(
        attive=Count("pk", filter=Q(stato=Iscrizione.Stato.ATTIVA)),
        aderenti=Count("pk", filter=Q(stato=Iscrizione.Stato.ATTIVA, aderisce_adp=True)),
    )
    puo_gestire = can_manage_registro(request.user, ambito)
    return render(
        request,
        "pdz/cruscotto.html",
        {
            "ambito": ambito,
            "asst": ambito.asst.all(),
            "sub_ambiti": sub_ambiti,
            "comuni": comuni,
            "fonti": fonti,
            "registro": registro,
            "tavoli": riepilogo_tavoli(request.user, ambito),
            "puo_gestire": puo_gestire,
            # The requests to join the register the Ufficio di Piano has to answer.
            "candidature_in_esame": (
                Candidatura.objects.in_esame().filter(ambito=ambito).count() if puo_gestire else 0
            ),
            "sedute": sedute_in_corso(request.user, ambito),
        },
    )
