"""The permission matrix of the objectives of the plan: every URL of obiettivi/urls.py, every
persona, every wrong method, and nothing written by a request that is refused."""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse

from ambiti.demo import carica_aree_policy, carica_periodo
from obiettivi.demo import carica_fondi
from obiettivi.models import (
    Azione,
    Disponibilita,
    Indicatore,
    Obiettivo,
    Risorsa,
    RisorsaAzione,
    SpesaEffettiva,
    ValoreIndicatore,
    Valutazione,
)
from tests.factories import (
    AzioneFactory,
    IndicatoreFactory,
    ObiettivoFactory,
    RisorsaFactory,
    ValoreIndicatoreFactory,
)

GESTORI = ["ufficio_piano_crema", "amministratore"]
# Users with a role in the ambito who only read its objectives.
LETTORI = ["operatore_crema", "ente_crema", "sindaco_crema", "delegato_pandino"]
ALTRI_AMBITI = ["ufficio_piano_cremona", "sindaco_cremona", "senza_ruolo"]
PERSONE = [*GESTORI, *LETTORI, *ALTRI_AMBITI]

# Every table and link a request to these pages could write.
MODELLI = [
    Obiettivo,
    Obiettivo.aree_policy.through,
    Obiettivo.proposte.through,
    Obiettivo.asst.through,
    Obiettivo.gruppi_destinatari.through,
    Azione,
    Azione.partner.through,
    Risorsa,
    RisorsaAzione,
    Disponibilita,
    Indicatore,
    ValoreIndicatore,
    Valutazione,
    SpesaEffettiva,
]


def _fotografia():
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in MODELLI}


@pytest.fixture
def scena(
    cremasco,
    cremonese,
    iscrizione_crema,
    ufficio_piano_crema,
    amministratore,
    operatore_crema,
    ente_crema,
    sindaco_crema,
    delegato_pandino,
    ufficio_piano_cremona,
    sindaco_cremona,
    senza_ruolo,
):
    periodo = carica_periodo()
    precedente = carica_periodo("2021-2023")
    aree_precedenti = carica_aree_policy(precedente)
    fondi = carica_fondi()
    area = periodo.aree.order_by("ordine").first()
    obiettivo = ObiettivoFactory(
        ambito=cremasco, codice="1.1", titolo="Anziani a casa", aree=[area]
    )
    azione = AzioneFactory(obiettivo=obiettivo, descrizione="Trasporto sociale")
    RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=fondi[0], importo=Decimal("500.00"))
    indicatore = IndicatoreFactory(obiettivo=obiettivo, nome="Persone trasportate")
    ValoreIndicatoreFactory(indicatore=indicatore, anno=2025, valore=Decimal("30"))
    obiettivo_precedente = ObiettivoFactory(
        ambito=cremasco,
        periodo=precedente,
        codice="P.1",
        titolo="Obiettivo del piano 2021-2023",
        aree=[aree_precedenti[0]],
    )
    persone = {
        "ufficio_piano_crema": ufficio_piano_crema,
        "amministratore": amministratore,
        "operatore_crema": operatore_crema,
        "ente_crema": ente_crema,
        "sindaco_crema": sindaco_crema,
        "delegato_pandino": delegato_pandino,
        "ufficio_piano_cremona": ufficio_piano_cremona,
        "sindaco_cremona": sindaco_cremona,
        "senza_ruolo": senza_ruolo,
    }
    return SimpleNamespace(
        ambito=cremasco,
        cremonese=cremonese,
        periodo=periodo,
        area=area,
        fondi=fondi,
        obiettivo=obiettivo,
        azione=azione,
        indicatore=indicatore,
        obiettivo_precedente=obiettivo_precedente,
        persone=persone,
    )


# --- The cases ---------------------------------------------------------------------------------


def _kwargs(nome, s):
    kwargs = {"slug": s.ambito.slug}
    if nome in ("panoramica", "nuovo", "valutazione", "disponibilita"):
        return kwargs
    if nome in ("valutazione-salva", "valutazione-spesa"):
        return kwargs | {"pk": s.obiettivo_precedente.pk}
    kwargs["pk"] = s.obiettivo.pk
    if nome in ("azione", "azione-elimina", "avanzamento"):
        kwargs["apk"] = s.azione.pk
    elif nome in ("indicatore", "indicatore-elimina", "misura"):
        kwargs["ipk"] = s.indicatore.pk
    return kwargs


def _url(nome, s):
    return reverse(f"obiettivi:{nome}", kwargs=_kwargs(nome, s))


def _dati_obiettivo(s, codice, titolo):
    return {
        "codice": codice,
        "titolo": titolo,
        "descrizione": "",
        "aree_policy": [s.area.pk],
        "destinatari": "",
        "priorita": Obiettivo.Priorita.ALTA,
        "stato": Obiettivo.Stato.APPROVATO,
    }


def _dati_indicatore(nome):
    return {
        "nome": nome,
        "unita": "persone",
        "fonte": "",
        "valore_base": "10",
        "anno_base": "2024",
        "target_2025": "15",
        "target_2026": "20",
    }


def _dati(nome, s):
    """Valid data: what an allowed user posts succeeds, so a refusal is the permission's doing."""
    azione = {"descrizione": "Sportello di ascolto", "responsabile_altro": "Ufficio di Piano"}
    prefisso = f"v{s.obiettivo_precedente.pk}-"
    return {
        "nuovo": _dati_obiettivo(s, "9.9", "Nuovo obiettivo"),
        "modifica": _dati_obiettivo(s, "1.1", "Anziani a casa propria"),
        "azione-nuova": azione,
        "azione": azione,
        "avanzamento": {"avanzamento": "40", "nota_avanzamento": "A buon punto"},
        "risorse": {f"r_2026_{s.fondi[1].pk}": "1000,00"},
        "disponibilita": {
            f"d_2025_{s.fondi[0].pk}": "100.000,00",
            f"atto_2025_{s.fondi[0].pk}": "Decreto di riparto",
        },
        "indicatore-nuovo": _dati_indicatore("Accessi allo sportello"),
        "indicatore": _dati_indicatore("Persone trasportate ogni mese"),
        "misura": {"anno": "2025", "valore": "28", "nota": ""},
        "valutazione-salva": {prefisso + "grado": "parziale", prefisso + "criticita": "Poco"},
        "valutazione-spesa": {f"s_2021_{s.fondi[0].pk}": "1.250,50"},
    }.get(nome, {})


def _attesi(gestori, lettori):
    attesi = dict.fromkeys(GESTORI, gestori)
    attesi |= dict.fromkeys(LETTORI, lettori)
    return attesi | dict.fromkeys(ALTRI_AMBITI, 404)


@dataclass
class Caso:
    nome: str
    metodo: str
    attesi: dict

    @property
    def id(self):
        return f"{self.nome}-{self.metodo}"


LETTURA = _attesi(200, 200)
GESTIONE_GET = _attesi(200, 403)
GESTIONE_POST = _attesi(302, 403)

CASI = [
    Caso("panoramica", "get", LETTURA),
    Caso("nuovo", "get", GESTIONE_GET),
    Caso("nuovo", "post", GESTIONE_POST),
    Caso("disponibilita", "get", GESTIONE_GET),
    Caso("disponibilita", "post", GESTIONE_POST),
    Caso("valutazione", "get", LETTURA),
    Caso("valutazione-salva", "post", GESTIONE_POST),
    Caso("valutazione-spesa", "get", GESTIONE_GET),
    Caso("valutazione-spesa", "post", GESTIONE_POST),
    Caso("dettaglio", "get", LETTURA),
    Caso("modifica", "get", GESTIONE_GET),
    Caso("modifica", "post", GESTIONE_POST),
    Caso("azione-nuova", "get", GESTIONE_GET),
    Caso("azione-nuova", "post", GESTIONE_POST),
    Caso("azione", "get", GESTIONE_GET),
    Caso("azione", "post", GESTIONE_POST),
    Caso("azione-elimina", "post", GESTIONE_POST),
    Caso("avanzamento", "get", GESTIONE_GET),
    Caso("avanzamento", "post", GESTIONE_POST),
    Caso("risorse", "get", GESTIONE_GET),
    Caso("risorse", "post", GESTIONE_POST),
    Caso("indicatore-nuovo", "get", GESTIONE_GET),
    Caso("indicatore-nuovo", "post", GESTIONE_POST),
    Caso("indicatore", "get", GESTIONE_GET),
    Caso("indicatore", "post", GESTIONE_POST),
    Caso("indicatore-elimina", "post", GESTIONE_POST),
    Caso("misura", "get", GESTIONE_GET),
    Caso("misura", "post", GESTIONE_POST),
]


def _chiama(client, scena, persona, metodo, url, dati):
    """One request in a savepoint rolled back afterwards, so that every persona finds the same
    data. Returns the response and whether the request wrote anything."""
    with transaction.atomic():
        client.logout()
        if persona is not None:
            client.force_login(scena.persone[persona])
        prima = _fotografia()
        risposta = getattr(client, metodo)(url, dati)
        scritto = _fotografia() != prima
        transaction.set_rollback(True)
    return risposta, scritto


@pytest.mark.parametrize("caso", CASI, ids=lambda c: c.id)
def test_matrice_dei_permessi(client, scena, caso):
    url, dati = _url(caso.nome, scena), _dati(caso.nome, scena)
    attesi, ottenuti = {}, {}
    for persona in PERSONE:
        risposta, scritto = _chiama(client, scena, persona, caso.metodo, url, dati)
        codice = caso.attesi[persona]
        # An allowed POST writes (the data are valid); a GET or a refused POST writes nothing.
        attesi[persona] = (codice, caso.metodo == "post" and codice == 302)
        ottenuti[persona] = (risposta.status_code, scritto)
    assert ottenuti == attesi


@pytest.mark.parametrize("caso", CASI, ids=lambda c: c.id)
def test_anonimo_va_al_login(client, scena, caso):
    url = _url(caso.nome, scena)
    risposta, scritto = _chiama(client, scena, None, caso.metodo, url, _dati(caso.nome, scena))
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("accounts:login"))
    assert not scritto


# --- Methods -----------------------------------------------------------------------------------

METODI = {"get", "post", "put", "patch", "delete"}
AMMESSI = {
    "panoramica": {"get"},
    "nuovo": {"get", "post"},
    "disponibilita": {"get", "post"},
    "valutazione": {"get"},
    "valutazione-salva": {"post"},
    "valutazione-spesa": {"get", "post"},
    "dettaglio": {"get"},
    "modifica": {"get", "post"},
    "azione-nuova": {"get", "post"},
    "azione": {"get", "post"},
    "azione-elimina": {"post"},
    "avanzamento": {"get", "post"},
    "risorse": {"get", "post"},
    "indicatore-nuovo": {"get", "post"},
    "indicatore": {"get", "post"},
    "indicatore-elimina": {"post"},
    "misura": {"get", "post"},
}


def test_la_matrice_copre_ogni_indirizzo():
    from obiettivi.urls import urlpatterns

    nomi = {p.name for p in urlpatterns}
    assert nomi == set(AMMESSI)
    assert {(c.nome, c.metodo) for c in CASI} == {
        (nome, metodo) for nome, metodi in AMMESSI.items() for metodo in metodi
    }


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "operatore_crema"])
@pytest.mark.parametrize(
    ("nome", "metodo"),
    [(n, m) for n, ammessi in AMMESSI.items() for m in sorted(METODI - ammessi)],
)
def test_metodo_sbagliato(client, scena, persona, nome, metodo):
    client.force_login(scena.persone[persona])
    prima = _fotografia()
    risposta = getattr(client, metodo)(_url(nome, scena), _dati(nome, scena))
    assert risposta.status_code == 405
    assert _fotografia() == prima


# --- Identifiers from elsewhere under this address ---------------------------------------------


@pytest.fixture
def altrove(scena):
    """An objective of the Cremonese (current and previous plan), and another objective of the
    Cremasco with its own action and indicator."""
    cremona = ObiettivoFactory(ambito=scena.cremonese, codice="1.1", aree=[scena.area])
    azione_cremona = AzioneFactory(obiettivo=cremona)
    indicatore_cremona = IndicatoreFactory(obiettivo=cremona)
    precedente_cremona = ObiettivoFactory(
        ambito=scena.cremonese,
        periodo=scena.obiettivo_precedente.periodo,
        codice="P.1",
        aree=list(scena.obiettivo_precedente.aree_policy.all()),
    )
    fratello = ObiettivoFactory(ambito=scena.ambito, codice="2.1", aree=[scena.area])
    return SimpleNamespace(
        cremona=cremona,
        azione_cremona=azione_cremona,
        indicatore_cremona=indicatore_cremona,
        precedente_cremona=precedente_cremona,
        fratello=fratello,
        azione_fratello=AzioneFactory(obiettivo=fratello),
        indicatore_fratello=IndicatoreFactory(obiettivo=fratello),
    )


def _casi_altro_ambito(s, altrove):
    """Every URL of one objective, with the Cremonese objective's ids under the Cremasco slug."""
    base = {"slug": s.ambito.slug, "pk": altrove.cremona.pk}
    azione = base | {"apk": altrove.azione_cremona.pk}
    indicatore = base | {"ipk": altrove.indicatore_cremona.pk}
    return [
        ("get", "dettaglio", base),
        ("get", "modifica", base),
        ("post", "modifica", base),
        ("get", "azione-nuova", base),
        ("post", "azione-nuova", base),
        ("get", "azione", azione),
        ("post", "azione", azione),
        ("post", "azione-elimina", azione),
        ("get", "avanzamento", azione),
        ("post", "avanzamento", azione),
        ("get", "risorse", base),
        ("post", "risorse", base),
        ("get", "indicatore-nuovo", base),
        ("post", "indicatore-nuovo", base),
        ("get", "indicatore", indicatore),
        ("post", "indicatore", indicatore),
        ("post", "indicatore-elimina", indicatore),
        ("get", "misura", indicatore),
        ("post", "misura", indicatore),
        ("post", "valutazione-salva", {"slug": s.ambito.slug, "pk": altrove.precedente_cremona.pk}),
        ("get", "valutazione-spesa", {"slug": s.ambito.slug, "pk": altrove.precedente_cremona.pk}),
        ("post", "valutazione-spesa", {"slug": s.ambito.slug, "pk": altrove.precedente_cremona.pk}),
    ]


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "amministratore", "operatore_crema"])
def test_obiettivo_di_un_altro_ambito_sotto_questo_indirizzo_e_404(client, scena, altrove, persona):
    client.force_login(scena.persone[persona])
    prima = _fotografia()
    ottenuti = {}
    for metodo, nome, kwargs in _casi_altro_ambito(scena, altrove):
        risposta = getattr(client, metodo)(
            reverse(f"obiettivi:{nome}", kwargs=kwargs), _dati(nome, scena)
        )
        ottenuti[f"{nome}-{metodo}"] = risposta.status_code
    attesi = dict.fromkeys(ottenuti, 404)
    if persona == "operatore_crema":
        # Saving an evaluation or its spending is the Ufficio di Piano's: refused before the
        # lookup.
        attesi["valutazione-salva-post"] = 403
        attesi["valutazione-spesa-get"] = 403
        attesi["valutazione-spesa-post"] = 403
    assert ottenuti == attesi
    assert _fotografia() == prima


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "amministratore"])
def test_azione_o_indicatore_di_un_altro_obiettivo_sotto_questo_indirizzo_e_404(
    client, scena, altrove, persona
):
    client.force_login(scena.persone[persona])
    base = {"slug": scena.ambito.slug, "pk": scena.obiettivo.pk}
    casi = []
    for azione in (altrove.azione_fratello, altrove.azione_cremona):
        for metodo, nome in [
            ("get", "azione"),
            ("post", "azione"),
            ("post", "azione-elimina"),
            ("get", "avanzamento"),
            ("post", "avanzamento"),
        ]:
            casi.append((metodo, nome, base | {"apk": azione.pk}))
    for indicatore in (altrove.indicatore_fratello, altrove.indicatore_cremona):
        for metodo, nome in [
            ("get", "indicatore"),
            ("post", "indicatore"),
            ("post", "indicatore-elimina"),
            ("get", "misura"),
            ("post", "misura"),
        ]:
            casi.append((metodo, nome, base | {"ipk": indicatore.pk}))
    prima = _fotografia()
    ottenuti = [
        (
            metodo,
            nome,
            kwargs,
            getattr(client, metodo)(
                reverse(f"obiettivi:{nome}", kwargs=kwargs), _dati(nome, scena)
            ).status_code,
        )
        for metodo, nome, kwargs in casi
    ]
    assert ottenuti == [(metodo, nome, kwargs, 404) for metodo, nome, kwargs in casi]
    assert _fotografia() == prima


def test_la_valutazione_riguarda_solo_i_piani_precedenti(client, scena):
    """An objective of the current plan has no evaluation of the previous plan to save."""
    client.force_login(scena.persone["ufficio_piano_crema"])
    prima = _fotografia()
    url = reverse("obiettivi:valutazione-salva", args=[scena.ambito.slug, scena.obiettivo.pk])
    prefisso = f"v{scena.obiettivo.pk}-"
    risposta = client.post(url, {prefisso + "grado": "raggiunto", prefisso + "criticita": ""})
    assert risposta.status_code == 404
    spesa = reverse("obiettivi:valutazione-spesa", args=[scena.ambito.slug, scena.obiettivo.pk])
    assert client.get(spesa).status_code == 404
    assert client.post(spesa, {f"s_2025_{scena.fondi[0].pk}": "10"}).status_code == 404
    assert _fotografia() == prima


def test_ambito_inesistente_e_404(client, scena):
    client.force_login(scena.persone["amministratore"])
    for nome in ("panoramica", "nuovo", "valutazione"):
        assert client.get(reverse(f"obiettivi:{nome}", args=["inesistente"])).status_code == 404
    url = reverse("obiettivi:dettaglio", args=["inesistente", scena.obiettivo.pk])
    assert client.get(url).status_code == 404


def test_obiettivo_inesistente_e_404(client, scena):
    client.force_login(scena.persone["ufficio_piano_crema"])
    for nome in ("dettaglio", "modifica", "risorse", "azione-nuova", "indicatore-nuovo"):
        url = reverse(f"obiettivi:{nome}", args=[scena.ambito.slug, 999999])
        assert client.get(url).status_code == 404


# --- The forms accept nothing of another ambito ------------------------------------------------


def test_i_moduli_non_accettano_oggetti_di_altri_ambiti(
    client, scena, altrove, iscrizione_cremona, cremonese
):
    from tavoli.models import Esito
    from tests.factories import IncontroFactory, TavoloFactory

    tavolo = TavoloFactory(ambito=cremonese, titolo="Povertà")
    proposta_cremona = Esito.objects.create(
        incontro=IncontroFactory(tavolo=tavolo),
        tipo=Esito.Tipo.PROPOSTA,
        testo="Proposta cremonese",
        valutazione=Esito.Valutazione.ACCOLTA,
    )
    asst_cremona = cremonese.asst.get()
    client.force_login(scena.persone["ufficio_piano_crema"])
    prima = _fotografia()
    dati = _dati_obiettivo(scena, "9.9", "Con proposte altrui")
    risposte = [
        client.post(_url("nuovo", scena), dati | {"proposte": [proposta_cremona.pk]}),
        client.post(
            _url("nuovo", scena),
            dati | {"integrazione_sociosanitaria": "on", "asst": [asst_cremona.pk]},
        ),
        client.post(
            _url("azione-nuova", scena),
            {"descrizione": "Con un ente altrui", "responsabile": iscrizione_cremona.ente.pk},
        ),
        client.post(
            _url("azione", scena),
            {
                "descrizione": "Con un partner altrui",
                "responsabile_altro": "Ufficio di Piano",
                "partner": [iscrizione_cremona.ente.pk],
            },
        ),
        client.post(
            _url("valutazione-salva", scena),
            {
                f"v{scena.obiettivo_precedente.pk}-grado": "raggiunto",
                f"v{scena.obiettivo_precedente.pk}-prosegue": "on",
                f"v{scena.obiettivo_precedente.pk}-obiettivo_successivo": altrove.cremona.pk,
            },
        ),
    ]
    assert [r.status_code for r in risposte] == [200] * len(risposte)
    assert _fotografia() == prima


# --- What each persona sees --------------------------------------------------------------------

INDIRIZZI_DI_GESTIONE = [
    "modifica",
    "azione-nuova",
    "azione",
    "avanzamento",
    "risorse",
    "indicatore-nuovo",
    "indicatore",
    "misura",
]


@pytest.mark.parametrize("persona", [*GESTORI, *LETTORI])
def test_solo_chi_gestisce_vede_i_comandi_di_modifica(client, scena, persona):
    client.force_login(scena.persone[persona])
    risposta = client.get(_url("dettaglio", scena))
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert "Anziani a casa" in html
    gestore = persona in GESTORI
    for nome in INDIRIZZI_DI_GESTIONE:
        assert (f'href="{_url(nome, scena)}"' in html) == gestore, nome


@pytest.mark.parametrize("persona", [*GESTORI, *LETTORI])
def test_la_pagina_di_valutazione_mostra_il_modulo_solo_a_chi_gestisce(client, scena, persona):
    client.force_login(scena.persone[persona])
    risposta = client.get(_url("valutazione", scena))
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert "Obiettivo del piano 2021-2023" in html
    assert (f'action="{_url("valutazione-salva", scena)}"' in html) == (persona in GESTORI)
