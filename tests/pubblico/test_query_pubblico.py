"""Each public page reads the database a fixed number of times, however many objectives, enti,
adoptions and sessions the ambito has."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ambiti.models import AreaPolicy, Comune
from assemblea.models import Recepimento, Seduta
from obiettivi.models import Obiettivo, ValoreIndicatore
from tests.factories import (
    AzioneFactory,
    EnteFactory,
    IndicatoreFactory,
    IscrizioneFactory,
    ObiettivoFactory,
    RisorsaFactory,
    ValoreIndicatoreFactory,
)

from .conftest import crea_pubblicato

pytestmark = pytest.mark.django_db


@pytest.fixture
def pubblicato(cremasco, ufficio_piano_crema, sindaco_crema, delegato_pandino, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return crea_pubblicato(cremasco, ufficio_piano_crema, sindaco_crema, delegato_pandino)


def _pagine(dati):
    piano = dati.piano.pk
    return [
        reverse("pubblico:indice"),
        reverse("pubblico:ambito", args=["cremasco"]),
        reverse("pubblico:piano", args=["cremasco", piano]),
        reverse("pubblico:obiettivi", args=["cremasco", piano]),
        reverse("pubblico:registro", args=["cremasco"]),
        reverse("pubblico:sedute", args=["cremasco"]),
        reverse("pubblico:seduta", args=["cremasco", dati.seduta.pk]),
        reverse("pubblico:accessibilita", args=["cremasco"]),
    ]


def _conta(client, url):
    with CaptureQueriesContext(connection) as query:
        assert client.get(url).status_code == 200
    return len(query)


def _cresci(dati, n):
    periodo = dati.piano.periodo
    aree = list(AreaPolicy.objects.filter(periodo=periodo))
    partner = EnteFactory()
    for i in range(n):
        obiettivo = ObiettivoFactory(
            ambito=dati.ambito,
            periodo=periodo,
            codice=f"9.{i + 1}",
            stato=Obiettivo.Stato.APPROVATO,
            aree=aree[i % len(aree) : i % len(aree) + 2],
        )
        azione = AzioneFactory(obiettivo=obiettivo, avanzamento=10 * (i % 10))
        azione.partner.set([partner])
        AzioneFactory(obiettivo=obiettivo)
        RisorsaFactory(obiettivo=obiettivo, anno=2026, importo=Decimal("1000"))
        indicatore = IndicatoreFactory(obiettivo=obiettivo)
        ValoreIndicatoreFactory(
            indicatore=indicatore, tipo=ValoreIndicatore.Tipo.TARGET, anno=2026, valore=5
        )
        IscrizioneFactory(ambito=dati.ambito, aree_policy=aree[:2], aderisce_adp=i % 2 == 0)
    for comune in Comune.objects.filter(ambito=dati.ambito).exclude(nome="Crema")[:n]:
        Recepimento.objects.create(
            versione=dati.versione, comune=comune, data_atto=date(2027, 1, 10), numero_atto="1"
        )
    for i in range(n):
        Seduta.objects.create(
            ambito=dati.ambito,
            titolo=f"Seduta passata {i}",
            modalita=Seduta.Modalita.PRESENZA,
            luogo="Crema",
            prima_convocazione=timezone.now() - timedelta(days=30 + i),
            stato=Seduta.Stato.CHIUSA,
            chiusa_il=timezone.now() - timedelta(days=29 + i),
        )


def test_query_costanti_al_crescere_dei_dati(client, pubblicato):
    prima = {url: _conta(client, url) for url in _pagine(pubblicato)}
    _cresci(pubblicato, 8)
    dopo = {url: _conta(client, url) for url in _pagine(pubblicato)}
    assert dopo == prima
    obiettivi = client.get(_pagine(pubblicato)[3]).content.decode()
    assert obiettivi.count('data-testid="obiettivo"') == 9
    # Few, too: none of them reads per row.
    assert max(prima.values()) <= 12, prima
