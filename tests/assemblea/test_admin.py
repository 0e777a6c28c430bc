"""The Django admin never reveals the choice of a secret ballot: no filter, lookup, search or
ordering on it narrows a list (the admin answers 400 instead), and no page shows it."""

import pytest
from django.contrib import admin
from django.urls import reverse

from ambiti.models import Comune
from assemblea.models import EventoVoto, RegolaVoto, Voto
from assemblea.services import Rappresentanza, vota
from tests.assemblea.test_views_voto import _punto, _regola, _seduta, _votazione

CONTRARI = ["Crema", "Pandino"]
FAVOREVOLI = ["Offanengo", "Castelleone"]
SCELTE_IN_CHIARO = ("Contrario", "contrario", "Favorevole", "favorevole")


@pytest.fixture
def segreta(cremasco, ufficio_piano_crema):
    regola = _regola(cremasco, ufficio_piano_crema, scrutinio=RegolaVoto.Scrutinio.SEGRETO)
    votazione = _votazione(_punto(_seduta(cremasco, ufficio_piano_crema)), regola, None)
    for nomi, scelta in ((CONTRARI, "contrario"), (FAVOREVOLI, "favorevole")):
        for nome in nomi:
            comune = Comune.objects.get(nome=nome)
            vota(
                votazione,
                Rappresentanza(comune, "sindaco", f"Sindaco di {nome}"),
                scelta,
                utente=None,
            )
    return votazione


def _righe(risposta):
    """The pks listed by an admin change list."""
    assert risposta.status_code == 200
    return sorted(oggetto.pk for oggetto in risposta.context["cl"].result_list)


def _url_elenco(modello):
    return reverse(f"admin:assemblea_{modello._meta.model_name}_changelist")


FILTRI = [
    "scelta=contrario",
    "scelta__exact=contrario",
    "scelta__in=contrario",
    "scelta__startswith=c",
    "scelta__iexact=CONTRARIO",
    "scelta__regex=^c",
    "scelta__isnull=False&scelta=contrario",
    "votazione__voti__scelta=contrario",
    "votazione__eventi__scelta=contrario",
]


@pytest.mark.parametrize("modello", [Voto, EventoVoto])
@pytest.mark.parametrize("filtro", FILTRI)
def test_nessun_filtro_sulla_scelta_restringe_l_elenco(admin_client, segreta, modello, filtro):
    tutti = _righe(admin_client.get(_url_elenco(modello)))
    assert len(tutti) == 4
    risposta = admin_client.get(f"{_url_elenco(modello)}?{filtro}")
    assert risposta.status_code == 400 or _righe(risposta) == tutti


@pytest.mark.parametrize(
    ("modello", "filtro"),
    [
        ("seduta", "punti__votazione__voti__scelta=contrario"),
        ("regolavoto", "votazioni__voti__scelta=contrario"),
        ("regolavoto", "votazioni__voti__scelta__in=contrario"),
        ("presenza", "seduta__punti__votazione__voti__scelta=contrario"),
    ],
)
def test_nessun_filtro_sulla_scelta_dalle_altre_pagine(admin_client, segreta, modello, filtro):
    url = reverse(f"admin:assemblea_{modello}_changelist")
    tutti = _righe(admin_client.get(url))
    risposta = admin_client.get(f"{url}?{filtro}")
    assert risposta.status_code == 400 or _righe(risposta) == tutti


@pytest.mark.parametrize("modello", [Voto, EventoVoto])
def test_ricerca_e_ordinamento_non_toccano_la_scelta(admin_client, segreta, modello):
    tutti = _righe(admin_client.get(_url_elenco(modello)))
    for query in ("q=contrario", "q=favorevole"):
        risposta = admin_client.get(f"{_url_elenco(modello)}?{query}")
        assert risposta.status_code == 400 or _righe(risposta) == tutti
    # Sorting by each column, both ways, and faceted counts: never grouped by the choice.
    for query in ("o=1.2.3.4", "o=-4.-3.-2.-1", "_facets=True", "o=scelta", "o=-scelta"):
        risposta = admin_client.get(f"{_url_elenco(modello)}?{query}")
        assert risposta.status_code in (200, 400)
        if risposta.status_code == 200:
            for parola in SCELTE_IN_CHIARO:
                assert parola not in risposta.content.decode()
    # Every column the admin lets one sort by: none is the choice.
    model_admin = admin.site._registry[modello]
    ordinabili = model_admin.get_sortable_by(None)
    assert not [c for c in ordinabili if "scelta" in str(c)]
    assert "scelta" not in model_admin.get_list_display(None)
    assert not [f for f in model_admin.get_list_filter(None) if "scelta" in str(f)]
    assert not [f for f in model_admin.get_search_fields(None) if "scelta" in f]
    assert not model_admin.date_hierarchy or "scelta" not in model_admin.date_hierarchy


def test_nessuna_pagina_dell_admin_mostra_la_scelta_segreta(admin_client, segreta):
    pagine = [_url_elenco(Voto), _url_elenco(EventoVoto)]
    for oggetto in [*Voto.objects.all(), *EventoVoto.objects.all()]:
        nome = oggetto._meta.model_name
        pagine += [
            reverse(f"admin:assemblea_{nome}_change", args=[oggetto.pk]),
            reverse(f"admin:assemblea_{nome}_history", args=[oggetto.pk]),
        ]
    for url in pagine:
        risposta = admin_client.get(url)
        assert risposta.status_code == 200, url
        html = risposta.content.decode()
        for parola in SCELTE_IN_CHIARO:
            assert parola not in html, (url, parola)


def test_il_voto_palese_resta_leggibile_ma_non_filtrabile(
    admin_client, cremasco, ufficio_piano_crema
):
    regola = _regola(cremasco, ufficio_piano_crema)
    votazione = _votazione(_punto(_seduta(cremasco, ufficio_piano_crema)), regola, None)
    for nome, scelta in (("Crema", "contrario"), ("Offanengo", "favorevole")):
        vota(
            votazione,
            Rappresentanza(Comune.objects.get(nome=nome), "sindaco", "X"),
            scelta,
            utente=None,
        )
    voto = Voto.objects.get(comune__nome="Crema")
    pagina = admin_client.get(reverse("admin:assemblea_voto_change", args=[voto.pk]))
    assert "Contrario" in pagina.content.decode()
    risposta = admin_client.get(f"{_url_elenco(Voto)}?scelta=contrario")
    assert risposta.status_code == 400 or len(_righe(risposta)) == 2
