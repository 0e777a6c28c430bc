"""The register of participating bodies: list, filters, pagination, registration, edit.

The permission matrix lives in tests/ambiti/test_permessi.py; here the Ufficio di Piano of the
Cremasco works, unless a test says otherwise.
"""

import datetime
import html
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from stdnum import luhn

from ambiti.models import AreaPolicy, Ente, Iscrizione
from tests.factories import EnteFactory, IscrizioneFactory

RIGA = re.compile(r'<th scope="row"><a href="(?P<href>[^"]*)">(?P<nome>.*?)</a></th>', re.S)
CONTEGGIO = re.compile(r'data-testid="conteggio">(.*?)</p>', re.S)
PAGINA = re.compile(r'<span class="page-link" aria-current="page">(.*?)</span>')


def codice_fiscale(n: int) -> str:
    """A valid 11-digit tax code of a legal person, distinct from the factory's ones."""
    base = f"80{n:05d}001"
    return base + luhn.calc_check_digit(base)


def _url(nome, iscrizione=None, slug="cremasco"):
    kwargs = {"slug": slug}
    if iscrizione is not None:
        kwargs["pk"] = iscrizione.pk
    return reverse(f"ambiti:{nome}", kwargs=kwargs)


def _testo(response):
    assert response.status_code == 200
    return response.content.decode()


def _nomi(response):
    return [html.unescape(m["nome"]) for m in RIGA.finditer(_testo(response))]


def _aree_spuntate(testo):
    """The pks of the policy areas whose checkbox is ticked in the form."""
    return {
        int(re.search(r'value="(\d+)"', tag).group(1))
        for tag in re.findall(r"<input[^>]*>", testo)
        if 'name="iscrizione-aree_policy"' in tag and re.search(r"\schecked[\s>]", tag)
    }


def _conteggio(response):
    return html.unescape(CONTEGGIO.search(_testo(response)).group(1))


class _ErroriDeiCampi(HTMLParser):
    """Every field error crispy renders, with the id of the field block (div_id_…) around it."""

    VUOTI = {"area", "base", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.aperti = []
        self.errori = []
        self._corrente = None

    def handle_starttag(self, tag, attrs):
        if tag in self.VUOTI:
            return
        ident = dict(attrs).get("id") or ""
        self.aperti.append((tag, ident))
        if re.fullmatch(r"error_\d+_id_.+", ident):
            blocchi = [i for _, i in self.aperti if i.startswith("div_id_")]
            self._corrente = [blocchi[-1] if blocchi else None, ident, ""]

    def handle_endtag(self, tag):
        if tag in self.VUOTI:
            return
        while self.aperti:
            chiuso, ident = self.aperti.pop()
            if chiuso == tag:
                break
        if self._corrente and ident == self._corrente[1]:
            self.errori.append((self._corrente[0], self._corrente[2].strip()))
            self._corrente = None

    def handle_data(self, data):
        if self._corrente:
            self._corrente[2] += data


def errori_dei_campi(response):
    """[(field block id, message)] for the errors shown next to the fields of the page."""
    parser = _ErroriDeiCampi()
    parser.feed(_testo(response))
    return parser.errori


@pytest.fixture
def aree(territorio):
    return list(AreaPolicy.objects.all())


@pytest.fixture
def gestore(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


def _dati(**valori):
    """A valid registration form; keys without prefix, e.g. ente__denominazione."""
    dati = {
        "ente-denominazione": "Associazione Nuova Speranza",
        "ente-tipo": Ente.Tipo.ODV,
        "ente-codice_fiscale": codice_fiscale(1),
        "ente-referente": "Maria Bianchi",
        "ente-email": "info@nuovasperanza.example.org",
        "ente-pec": "",
        "ente-telefono": "0373 123456",
        "ente-indirizzo": "Via Roma 1, Crema",
        "ente-sito_web": "",
        "iscrizione-data_iscrizione": "2025-02-01",
        "iscrizione-stato": Iscrizione.Stato.ATTIVA,
        "iscrizione-note": "",
    }
    for chiave, valore in valori.items():
        chiave = chiave.replace("__", "-")
        if valore is None:
            dati.pop(chiave, None)
        else:
            dati[chiave] = valore
    return dati


def _dati_di(iscrizione, **valori):
    """The edit form as the page fills it for this registration, with some values changed."""
    ente = iscrizione.ente
    dati = _dati(
        ente__denominazione=ente.denominazione,
        ente__tipo=ente.tipo,
        ente__codice_fiscale=ente.codice_fiscale,
        ente__referente=ente.referente,
        ente__email=ente.email,
        ente__telefono=ente.telefono,
        ente__indirizzo=ente.indirizzo,
        iscrizione__data_iscrizione=iscrizione.data_iscrizione.isoformat(),
        iscrizione__stato=iscrizione.stato,
        iscrizione__note=iscrizione.note,
    )
    dati["iscrizione-aree_policy"] = [a.pk for a in iscrizione.aree_policy.all()]
    if iscrizione.aderisce_adp:
        dati["iscrizione-aderisce_adp"] = "on"
        dati["iscrizione-data_adesione_adp"] = iscrizione.data_adesione_adp.isoformat()
    for chiave, valore in valori.items():
        chiave = chiave.replace("__", "-")
        if valore is None:
            dati.pop(chiave, None)
        else:
            dati[chiave] = valore
    return dati


# --- List -------------------------------------------------------------------------------------


def test_elenco_solo_delle_iscrizioni_dell_ambito(gestore, iscrizione_crema, iscrizione_cremona):
    response = gestore.get(_url("registro"))
    assert _nomi(response) == ["Cooperativa Il Ponte"]
    assert _conteggio(response) == "1 ente iscritto"
    assert "Cooperativa La Rete" not in _testo(response)
    link = RIGA.search(_testo(response))["href"]
    assert link == _url("iscrizione-dettaglio", iscrizione_crema)


def test_ente_iscritto_in_due_ambiti_compare_con_l_iscrizione_dell_ambito(
    gestore, cremasco, cremonese, iscrizione_cremona
):
    condivisa = IscrizioneFactory(
        ambito=cremasco, ente=iscrizione_cremona.ente, stato=Iscrizione.Stato.SOSPESA
    )
    response = gestore.get(_url("registro"))
    assert _nomi(response) == ["Cooperativa La Rete"]
    assert RIGA.search(_testo(response))["href"] == _url("iscrizione-dettaglio", condivisa)
    assert "<td>Sospesa</td>" in _testo(response)


def test_riga_dell_elenco(gestore, cremasco, aree):
    IscrizioneFactory(
        ambito=cremasco,
        ente__denominazione="Associazione Alfa",
        ente__tipo=Ente.Tipo.APS,
        ente__codice_fiscale=codice_fiscale(7),
        aree_policy=aree[:2],
        aderisce_adp=True,
        data_adesione_adp=datetime.date(2025, 1, 15),
    )
    testo = _testo(gestore.get(_url("registro")))
    riga = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", testo, re.S).group(0)
    celle = [
        html.unescape(re.sub(r"<[^>]+>", "|", c)).strip("|")
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", riga, re.S)
    ]
    assert celle == [
        "Associazione Alfa",
        "Associazione di promozione sociale (APS)",
        codice_fiscale(7),
        f"{aree[0].nome}||{aree[1].nome}",
        "Sì, dal 15/01/2025",
        "Attiva",
    ]


@pytest.fixture
def registro_vario(cremasco, cremonese, aree):
    """Three registrations of the Cremasco that differ in every filtered field, and a Cremonese
    one that would match most filters if the ambito were not respected."""
    IscrizioneFactory(
        ambito=cremasco,
        ente__denominazione="Associazione Alfa",
        ente__tipo=Ente.Tipo.APS,
        ente__codice_fiscale=codice_fiscale(11),
        ente__referente="Mario Rossi",
        aree_policy=[aree[0], aree[1]],
        aderisce_adp=True,
        data_adesione_adp=datetime.date(2025, 1, 15),
    )
    IscrizioneFactory(
        ambito=cremasco,
        ente__denominazione="Cooperativa Beta",
        ente__tipo=Ente.Tipo.COOPERATIVA,
        ente__codice_fiscale=codice_fiscale(12),
        ente__referente="Anna Verdi",
        aree_policy=[aree[1]],
        stato=Iscrizione.Stato.SOSPESA,
    )
    IscrizioneFactory(
        ambito=cremasco,
        ente__denominazione="Fondazione Gamma",
        ente__tipo=Ente.Tipo.FONDAZIONE,
        ente__codice_fiscale="",
        stato=Iscrizione.Stato.CESSATA,
    )
    IscrizioneFactory(
        ambito=cremonese,
        ente__denominazione="Associazione Alfa di Cremona",
        ente__tipo=Ente.Tipo.APS,
        ente__codice_fiscale=codice_fiscale(13),
        ente__referente="Mario Rossi",
        aree_policy=[aree[0], aree[1]],
        aderisce_adp=True,
        data_adesione_adp=datetime.date(2025, 1, 15),
    )


@pytest.mark.parametrize(
    ("filtri", "attesi"),
    [
        ({}, ["Associazione Alfa", "Cooperativa Beta", "Fondazione Gamma"]),
        ({"q": "alfa"}, ["Associazione Alfa"]),
        ({"q": "  BETA "}, ["Cooperativa Beta"]),
        ({"q": codice_fiscale(12)}, ["Cooperativa Beta"]),
        ({"q": codice_fiscale(12)[:6]}, []),  # the tax code is matched whole, not in part
        ({"q": "rossi"}, ["Associazione Alfa"]),
        ({"tipo": Ente.Tipo.COOPERATIVA}, ["Cooperativa Beta"]),
        ({"tipo": Ente.Tipo.APS}, ["Associazione Alfa"]),
        ({"tipo": Ente.Tipo.ODV}, []),
        ({"area": 1}, ["Associazione Alfa"]),
        ({"area": 2}, ["Associazione Alfa", "Cooperativa Beta"]),
        ({"area": 3}, []),
        ({"aderisce_adp": "true"}, ["Associazione Alfa"]),
        ({"aderisce_adp": "false"}, ["Cooperativa Beta", "Fondazione Gamma"]),
        ({"stato": Iscrizione.Stato.ATTIVA}, ["Associazione Alfa"]),
        ({"stato": Iscrizione.Stato.SOSPESA}, ["Cooperativa Beta"]),
        ({"stato": Iscrizione.Stato.CESSATA}, ["Fondazione Gamma"]),
        ({"area": 2, "stato": Iscrizione.Stato.SOSPESA}, ["Cooperativa Beta"]),
        ({"tipo": Ente.Tipo.APS, "aderisce_adp": "false"}, []),
    ],
)
def test_filtri_del_registro(gestore, registro_vario, aree, filtri, attesi):
    if "area" in filtri:  # the parameters name areas by position in their order
        filtri = {**filtri, "area": aree[filtri["area"] - 1].pk}
    response = gestore.get(_url("registro"), filtri)
    assert _nomi(response) == attesi
    n = len(attesi)
    assert _conteggio(response) == (f"{n} ente iscritto" if n == 1 else f"{n} enti iscritti")
    if not attesi:
        assert "Nessun ente corrisponde ai filtri." in _testo(response)


def test_richiesta_htmx_restituisce_solo_i_risultati(gestore, registro_vario):
    response = gestore.get(_url("registro"), {"q": "beta"}, headers={"HX-Request": "true"})
    testo = _testo(response)
    assert testo.strip().startswith('<div id="risultati">')
    assert "<html" not in testo
    assert _nomi(response) == ["Cooperativa Beta"]


# --- Pagination -------------------------------------------------------------------------------


def _molte_iscrizioni(ambito, numero, aree=()):
    enti = Ente.objects.bulk_create(
        Ente(
            denominazione=f"Ente {i:03d}",
            tipo=Ente.Tipo.ODV if i % 2 else Ente.Tipo.APS,
            codice_fiscale=codice_fiscale(1000 + i),
        )
        for i in range(numero)
    )
    iscrizioni = Iscrizione.objects.bulk_create(
        Iscrizione(ambito=ambito, ente=e, data_iscrizione=datetime.date(2024, 9, 1)) for e in enti
    )
    legami = Iscrizione.aree_policy.through
    legami.objects.bulk_create(
        legami(iscrizione_id=i.pk, areapolicy_id=a.pk) for i in iscrizioni for a in aree
    )
    return iscrizioni


def test_paginazione_a_50(gestore, cremasco):
    _molte_iscrizioni(cremasco, 120)
    pagine = [gestore.get(_url("registro"), {"pagina": n}) for n in (1, 2, 3)]
    nomi = [_nomi(p) for p in pagine]
    assert [len(n) for n in nomi] == [50, 50, 20]
    assert [nome for pagina in nomi for nome in pagina] == [f"Ente {i:03d}" for i in range(120)]
    assert [PAGINA.search(_testo(p)).group(1) for p in pagine] == [
        "Pagina 1 di 3",
        "Pagina 2 di 3",
        "Pagina 3 di 3",
    ]
    assert all(_conteggio(p) == "120 enti iscritti" for p in pagine)
    primo, secondo, ultimo = (_testo(p) for p in pagine)
    assert 'href="?&amp;pagina=2">Successiva' in primo
    assert "Precedente" not in primo
    assert 'href="?&amp;pagina=1">Precedente' in secondo
    assert 'href="?&amp;pagina=3">Successiva' in secondo
    assert "Successiva" not in ultimo


def test_pagina_fuori_intervallo(gestore, cremasco):
    _molte_iscrizioni(cremasco, 60)
    assert _nomi(gestore.get(_url("registro"), {"pagina": 99}))[0] == "Ente 050"
    assert _nomi(gestore.get(_url("registro"), {"pagina": "abc"}))[0] == "Ente 000"


def test_paginazione_conserva_i_filtri(gestore, cremasco):
    _molte_iscrizioni(cremasco, 120)  # 60 ODV (odd numbers), 60 APS
    response = gestore.get(_url("registro"), {"tipo": Ente.Tipo.ODV, "pagina": 2})
    assert _conteggio(response) == "60 enti iscritti"
    assert _nomi(response) == [f"Ente {i:03d}" for i in range(101, 120, 2)]
    assert 'href="?tipo=odv&amp;pagina=1">Precedente' in _testo(response)


def test_nessuna_paginazione_con_pochi_enti(gestore, cremasco):
    _molte_iscrizioni(cremasco, 50)
    response = gestore.get(_url("registro"))
    assert len(_nomi(response)) == 50
    assert 'class="pagination"' not in _testo(response)


# --- Registration -----------------------------------------------------------------------------


def test_modulo_vuoto_propone_la_data_di_oggi(gestore, cremasco):
    testo = _testo(gestore.get(_url("iscrizione-nuova")))
    oggi = timezone.localdate().isoformat()
    assert f'name="iscrizione-data_iscrizione" value="{oggi}"' in testo
    assert errori_dei_campi(gestore.get(_url("iscrizione-nuova"))) == []


def test_iscrizione_di_un_nuovo_ente(gestore, cremasco, aree):
    dati = _dati(
        iscrizione__aree_policy=[aree[2].pk, aree[4].pk],
        iscrizione__aderisce_adp="on",
        iscrizione__data_adesione_adp="2025-03-10",
        iscrizione__note="Segnalato dal tavolo anziani.",
    )
    response = gestore.post(_url("iscrizione-nuova"), dati)
    iscrizione = Iscrizione.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("iscrizione-dettaglio", iscrizione)
    ente = iscrizione.ente
    assert (ente.denominazione, ente.tipo, ente.codice_fiscale, ente.referente) == (
        "Associazione Nuova Speranza",
        Ente.Tipo.ODV,
        codice_fiscale(1),
        "Maria Bianchi",
    )
    assert ente.email == "info@nuovasperanza.example.org"
    assert iscrizione.ambito == cremasco
    assert iscrizione.data_iscrizione == datetime.date(2025, 2, 1)
    assert iscrizione.stato == Iscrizione.Stato.ATTIVA
    assert set(iscrizione.aree_policy.all()) == {aree[2], aree[4]}
    assert iscrizione.aderisce_adp is True
    assert iscrizione.data_adesione_adp == datetime.date(2025, 3, 10)
    assert iscrizione.note == "Segnalato dal tavolo anziani."

    dettaglio = _testo(gestore.get(response["Location"]))
    assert "Ente iscritto al registro." in dettaglio
    assert "Aderisce dal 10/03/2025" in dettaglio
    assert html.escape(f"{aree[2].nome}, {aree[4].nome}") in dettaglio
    assert _nomi(gestore.get(_url("registro"))) == ["Associazione Nuova Speranza"]


def test_iscrizione_senza_codice_fiscale_ne_aree(gestore, cremasco):
    response = gestore.post(_url("iscrizione-nuova"), _dati(ente__codice_fiscale=""))
    assert response.status_code == 302
    iscrizione = Iscrizione.objects.get()
    assert iscrizione.ente.codice_fiscale == ""
    assert list(iscrizione.aree_policy.all()) == []
    assert iscrizione.aderisce_adp is False


def test_codice_fiscale_di_persona_fisica_salvato_in_maiuscolo(gestore, cremasco):
    response = gestore.post(
        _url("iscrizione-nuova"), _dati(ente__codice_fiscale="rssmra85t10a562s")
    )
    assert response.status_code == 302
    assert Ente.objects.get().codice_fiscale == "RSSMRA85T10A562S"


def test_codice_fiscale_con_spazi_salvato_compatto(gestore, cremasco):
    cf = codice_fiscale(5)
    scritto = f" {cf[:3]} {cf[3:7]} {cf[7:]} "
    response = gestore.post(_url("iscrizione-nuova"), _dati(ente__codice_fiscale=scritto))
    assert response.status_code == 302
    assert Ente.objects.get().codice_fiscale == cf


ERRORI = [
    pytest.param(
        {"ente__denominazione": ""},
        "div_id_ente-denominazione",
        "Questo campo è obbligatorio.",
        id="denominazione-mancante",
    ),
    pytest.param(
        {"ente__tipo": None},
        "div_id_ente-tipo",
        "Questo campo è obbligatorio.",
        id="tipo-mancante",
    ),
    pytest.param(
        {"ente__codice_fiscale": "12345678901"},
        "div_id_ente-codice_fiscale",
        "Codice fiscale non valido: l'ultima delle 11 cifre, la cifra di controllo, non "
        "corrisponde alle altre. Controlla di averlo copiato senza errori.",
        id="codice-fiscale-cifra-di-controllo",
    ),
    pytest.param(
        {"ente__codice_fiscale": codice_fiscale(1)[:10]},
        "div_id_ente-codice_fiscale",
        "Codice fiscale non valido: quello di un ente o di una società ha 11 cifre (come la "
        "partita IVA), quello di una persona fisica 16 caratteri tra lettere e cifre. Quello "
        "inserito ha 10 caratteri.",
        id="codice-fiscale-corto",
    ),
    pytest.param(
        {"ente__codice_fiscale": "RSSMRA85T10A562X"},
        "div_id_ente-codice_fiscale",
        "Codice fiscale non valido: i 16 caratteri non formano un codice fiscale di persona "
        "fisica (l'ultimo, il carattere di controllo, non corrisponde). Controlla di averlo "
        "copiato senza errori.",
        id="codice-fiscale-persona-fisica",
    ),
    pytest.param(
        {"ente__sito_web": "javascript:alert(1)"},
        "div_id_ente-sito_web",
        "Inserisci un URL valido.",
        id="sito-non-web",
    ),
    pytest.param(
        {"iscrizione__data_iscrizione": ""},
        "div_id_iscrizione-data_iscrizione",
        "Questo campo è obbligatorio.",
        id="data-iscrizione-mancante",
    ),
    pytest.param(
        {"iscrizione__aderisce_adp": "on"},
        "div_id_iscrizione-data_adesione_adp",
        "Indicare la data di adesione all'Accordo di Programma.",
        id="adesione-senza-data",
    ),
    pytest.param(
        {"iscrizione__data_adesione_adp": "2025-03-10"},
        "div_id_iscrizione-data_adesione_adp",
        "Indicare la data solo se l'ente aderisce all'AdP.",
        id="data-senza-adesione",
    ),
]


@pytest.mark.parametrize(("modifiche", "blocco", "messaggio"), ERRORI)
def test_errori_di_validazione(gestore, cremasco, modifiche, blocco, messaggio):
    response = gestore.post(_url("iscrizione-nuova"), _dati(**modifiche))
    assert response.status_code == 200
    assert errori_dei_campi(response) == [(blocco, messaggio)]
    assert 'id="riepilogo-errori"' in _testo(response)
    assert not Ente.objects.exists()
    assert not Iscrizione.objects.exists()


def test_dopo_un_errore_i_dati_restano_nel_modulo(gestore, cremasco, aree):
    dati = _dati(
        ente__codice_fiscale="12345678901",
        ente__referente="Giulia Neri",
        iscrizione__aree_policy=[aree[3].pk],
    )
    testo = _testo(gestore.post(_url("iscrizione-nuova"), dati))
    assert 'name="ente-denominazione" value="Associazione Nuova Speranza"' in testo
    assert 'name="ente-referente" value="Giulia Neri"' in testo
    assert 'name="ente-codice_fiscale" value="12345678901"' in testo
    assert _aree_spuntate(testo) == {aree[3].pk}


def test_ente_di_un_altro_ambito_e_riusato(gestore, cremasco, cremonese, iscrizione_cremona):
    ente = iscrizione_cremona.ente
    dati = _dati(ente__denominazione=ente.denominazione, ente__codice_fiscale=ente.codice_fiscale)
    response = gestore.post(_url("iscrizione-nuova"), dati | {"azione": "collega"})
    assert response.status_code == 302
    assert Ente.objects.filter(codice_fiscale=ente.codice_fiscale).count() == 1
    assert Ente.objects.count() == 1
    assert set(ente.iscrizioni.values_list("ambito__slug", flat=True)) == {
        "cremasco",
        "cremonese",
    }
    nuova = ente.iscrizioni.get(ambito=cremasco)
    assert response["Location"] == _url("iscrizione-dettaglio", nuova)
    # The Cremonese's registration is untouched.
    iscrizione_cremona.refresh_from_db()
    assert iscrizione_cremona.ambito == cremonese


def test_iscrivere_un_ente_condiviso_non_ne_cambia_i_dati(gestore, iscrizione_cremona):
    ente = iscrizione_cremona.ente
    dati = _dati(
        ente__denominazione="Nome riscritto dal Cremasco",
        ente__codice_fiscale=ente.codice_fiscale,
        ente__email="",
    )
    assert gestore.post(_url("iscrizione-nuova"), dati | {"azione": "collega"}).status_code == 302
    prima_email = ente.email
    ente.refresh_from_db()
    assert ente.denominazione == "Cooperativa La Rete"
    assert ente.email == prima_email


def test_modificare_un_ente_condiviso_cambia_solo_l_iscrizione(
    gestore, cremasco, iscrizione_cremona
):
    ente = iscrizione_cremona.ente
    iscrizione = IscrizioneFactory(ambito=cremasco, ente=ente)
    pagina = gestore.get(_url("iscrizione-modifica", iscrizione)).content.decode()
    assert "sono condivisi" in pagina
    dati = _dati_di(iscrizione, ente__denominazione="Rinominato", iscrizione__note="Nota crema")
    assert gestore.post(_url("iscrizione-modifica", iscrizione), dati).status_code == 302
    ente.refresh_from_db()
    iscrizione.refresh_from_db()
    assert ente.denominazione == "Cooperativa La Rete"
    assert iscrizione.note == "Nota crema"


def test_ente_riconosciuto_anche_con_il_codice_scritto_con_spazi(
    gestore, cremasco, iscrizione_cremona
):
    ente = iscrizione_cremona.ente
    cf = ente.codice_fiscale
    dati = _dati(ente__denominazione=ente.denominazione, ente__codice_fiscale=f"{cf[:5]} {cf[5:]}")
    response = gestore.post(_url("iscrizione-nuova"), dati | {"azione": "collega"})
    assert response.status_code == 302
    assert Ente.objects.count() == 1
    assert ente.iscrizioni.count() == 2


def test_stesso_ente_due_volte_nello_stesso_ambito(gestore, cremasco, iscrizione_crema):
    ente = iscrizione_crema.ente
    dati = _dati(ente__denominazione="Un altro nome", ente__codice_fiscale=ente.codice_fiscale)
    response = gestore.post(_url("iscrizione-nuova"), dati)
    assert response.status_code == 200
    assert errori_dei_campi(response) == [
        ("div_id_ente-codice_fiscale", "Questo ente è già iscritto al registro dell'ambito.")
    ]
    assert Iscrizione.objects.count() == 1
    assert Ente.objects.count() == 1
    ente.refresh_from_db()
    assert ente.denominazione == "Cooperativa Il Ponte"


# --- Edit -------------------------------------------------------------------------------------


def test_il_modulo_di_modifica_mostra_i_dati_attuali(gestore, cremasco, aree):
    iscrizione = IscrizioneFactory(
        ambito=cremasco,
        ente__denominazione="Cooperativa Il Ponte",
        aree_policy=[aree[0], aree[6]],
        aderisce_adp=True,
        data_adesione_adp=datetime.date(2024, 12, 3),
    )
    testo = _testo(gestore.get(_url("iscrizione-modifica", iscrizione)))
    assert 'name="ente-denominazione" value="Cooperativa Il Ponte"' in testo
    assert f'name="ente-codice_fiscale" value="{iscrizione.ente.codice_fiscale}"' in testo
    assert 'name="iscrizione-data_iscrizione" value="2024-06-01"' in testo
    assert 'name="iscrizione-data_adesione_adp" value="2024-12-03"' in testo
    assert _aree_spuntate(testo) == {aree[0].pk, aree[6].pk}


def test_modifica_di_ente_e_iscrizione(gestore, cremasco, aree):
    iscrizione = IscrizioneFactory(
        ambito=cremasco,
        ente__denominazione="Cooperativa Il Ponte",
        ente__referente="Luca Neri",
        aree_policy=[aree[0], aree[1]],
    )
    dati = _dati_di(
        iscrizione,
        ente__denominazione="Cooperativa Il Ponte ETS",
        ente__tipo=Ente.Tipo.COOPERATIVA,
        ente__referente="Sara Gialli",
        iscrizione__stato=Iscrizione.Stato.SOSPESA,
        iscrizione__aree_policy=[aree[1].pk, aree[5].pk],
        iscrizione__aderisce_adp="on",
        iscrizione__data_adesione_adp="2025-04-01",
        iscrizione__note="Sospesa su richiesta dell'ente.",
    )
    response = gestore.post(_url("iscrizione-modifica", iscrizione), dati)
    assert response.status_code == 302
    assert response["Location"] == _url("iscrizione-dettaglio", iscrizione)
    iscrizione.refresh_from_db()
    ente = iscrizione.ente
    assert (ente.denominazione, ente.tipo, ente.referente) == (
        "Cooperativa Il Ponte ETS",
        Ente.Tipo.COOPERATIVA,
        "Sara Gialli",
    )
    assert iscrizione.stato == Iscrizione.Stato.SOSPESA
    assert set(iscrizione.aree_policy.all()) == {aree[1], aree[5]}
    assert (iscrizione.aderisce_adp, iscrizione.data_adesione_adp) == (
        True,
        datetime.date(2025, 4, 1),
    )
    assert iscrizione.note == "Sospesa su richiesta dell'ente."
    assert Ente.objects.count() == 1
    assert Iscrizione.objects.count() == 1
    dettaglio = _testo(gestore.get(response["Location"]))
    assert "Iscrizione aggiornata." in dettaglio
    assert "Cooperativa Il Ponte ETS" in dettaglio


def test_modifica_toglie_tutte_le_aree_e_l_adesione(gestore, cremasco, aree):
    iscrizione = IscrizioneFactory(
        ambito=cremasco,
        aree_policy=aree[:3],
        aderisce_adp=True,
        data_adesione_adp=datetime.date(2025, 1, 1),
    )
    dati = _dati_di(
        iscrizione,
        iscrizione__aree_policy=None,
        iscrizione__aderisce_adp=None,
        iscrizione__data_adesione_adp="",
    )
    response = gestore.post(_url("iscrizione-modifica", iscrizione), dati)
    assert response.status_code == 302
    iscrizione.refresh_from_db()
    assert list(iscrizione.aree_policy.all()) == []
    assert (iscrizione.aderisce_adp, iscrizione.data_adesione_adp) == (False, None)


def test_modifica_con_codice_fiscale_di_un_altro_ente(gestore, cremasco, iscrizione_crema):
    altro = EnteFactory(codice_fiscale=codice_fiscale(42))
    dati = _dati_di(
        iscrizione_crema,
        ente__denominazione="Nome cambiato",
        ente__codice_fiscale=altro.codice_fiscale,
    )
    response = gestore.post(_url("iscrizione-modifica", iscrizione_crema), dati)
    assert response.status_code == 200
    assert errori_dei_campi(response) == [
        ("div_id_ente-codice_fiscale", "Esiste già un ente con questo codice fiscale.")
    ]
    ente = Ente.objects.get(pk=iscrizione_crema.ente_id)
    assert ente.denominazione == "Cooperativa Il Ponte"
    assert ente.codice_fiscale != altro.codice_fiscale


def test_modifica_con_errore_non_salva_nulla(gestore, cremasco, aree):
    iscrizione = IscrizioneFactory(ambito=cremasco, aree_policy=[aree[0]])
    dati = _dati_di(
        iscrizione,
        ente__denominazione="Nome cambiato",
        iscrizione__aree_policy=[aree[1].pk],
        iscrizione__aderisce_adp="on",
    )
    response = gestore.post(_url("iscrizione-modifica", iscrizione), dati)
    assert errori_dei_campi(response) == [
        (
            "div_id_iscrizione-data_adesione_adp",
            "Indicare la data di adesione all'Accordo di Programma.",
        )
    ]
    iscrizione.refresh_from_db()
    assert iscrizione.ente.denominazione != "Nome cambiato"
    assert list(iscrizione.aree_policy.all()) == [aree[0]]
    assert iscrizione.aderisce_adp is False


def test_togliere_l_adesione_lasciando_la_data(gestore, cremasco):
    iscrizione = IscrizioneFactory(
        ambito=cremasco, aderisce_adp=True, data_adesione_adp=datetime.date(2025, 1, 1)
    )
    dati = _dati_di(iscrizione, iscrizione__aderisce_adp=None)
    response = gestore.post(_url("iscrizione-modifica", iscrizione), dati)
    assert set(errori_dei_campi(response)) == {
        ("div_id_iscrizione-data_adesione_adp", "Indicare la data solo se l'ente aderisce all'AdP.")
    }
    iscrizione.refresh_from_db()
    assert (iscrizione.aderisce_adp, iscrizione.data_adesione_adp) == (
        True,
        datetime.date(2025, 1, 1),
    )


def test_togliere_l_adesione_lasciando_la_data_un_solo_messaggio(gestore, cremasco):
    iscrizione = IscrizioneFactory(
        ambito=cremasco, aderisce_adp=True, data_adesione_adp=datetime.date(2025, 1, 1)
    )
    dati = _dati_di(iscrizione, iscrizione__aderisce_adp=None)
    response = gestore.post(_url("iscrizione-modifica", iscrizione), dati)
    assert errori_dei_campi(response) == [
        ("div_id_iscrizione-data_adesione_adp", "Indicare la data solo se l'ente aderisce all'AdP.")
    ]


# --- Escaping ---------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_html_nella_denominazione_e_mostrato_come_testo(gestore, cremasco):
    iscrizione = IscrizioneFactory(
        ambito=cremasco,
        ente__denominazione=f"Associazione {SCRIPT}",
        ente__referente="<b>Capo</b>",
        note='<img src=x onerror="alert(2)">',
    )
    for url in (
        _url("registro"),
        _url("iscrizione-dettaglio", iscrizione),
        _url("iscrizione-modifica", iscrizione),
    ):
        testo = _testo(gestore.get(url))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in testo, url
        assert SCRIPT not in testo, url
    dettaglio = _testo(gestore.get(_url("iscrizione-dettaglio", iscrizione)))
    assert "<b>Capo</b>" not in dettaglio
    assert "<img src=x" not in dettaglio
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in dettaglio
    assert _nomi(gestore.get(_url("registro"))) == [f"Associazione {SCRIPT}"]


# --- Read-only roles --------------------------------------------------------------------------


def test_ruolo_in_sola_lettura_non_vede_i_comandi(client, operatore_crema, iscrizione_crema):
    client.force_login(operatore_crema)
    elenco = _testo(client.get(_url("registro")))
    assert _nomi(client.get(_url("registro"))) == ["Cooperativa Il Ponte"]
    assert "Iscrivi un ente" not in elenco
    assert _url("iscrizione-nuova") not in elenco
    dettaglio = _testo(client.get(_url("iscrizione-dettaglio", iscrizione_crema)))
    assert "Cooperativa Il Ponte" in dettaglio
    assert _url("iscrizione-modifica", iscrizione_crema) not in dettaglio


def test_ufficio_di_piano_vede_i_comandi(gestore, iscrizione_crema):
    elenco = _testo(gestore.get(_url("registro")))
    assert f'href="{_url("iscrizione-nuova")}">Iscrivi un ente</a>' in elenco
    dettaglio = _testo(gestore.get(_url("iscrizione-dettaglio", iscrizione_crema)))
    assert f'href="{_url("iscrizione-modifica", iscrizione_crema)}">Modifica</a>' in dettaglio


# --- Query count ------------------------------------------------------------------------------


def _conta_query(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("per_area", [False, True], ids=["tutti", "per-area"])
def test_numero_di_query_dell_elenco_costante(gestore, cremasco, aree, per_area):
    filtri = {"area": aree[1].pk} if per_area else {}
    _molte_iscrizioni(cremasco, 5, aree=aree[:2])
    prima, response = _conta_query(gestore, _url("registro"), filtri)
    assert len(_nomi(response)) == 5
    assert _testo(response).count("badge bg-light") == 10
    Iscrizione.objects.all().delete()
    Ente.objects.all().delete()
    _molte_iscrizioni(cremasco, 120, aree=aree[:2])
    dopo, response = _conta_query(gestore, _url("registro"), filtri)
    assert len(_nomi(response)) == 50
    assert _conteggio(response) == "120 enti iscritti"
    assert _testo(response).count("badge bg-light") == 100
    assert dopo == prima


def test_numero_di_query_del_dettaglio_costante(gestore, cremasco, aree):
    poche = IscrizioneFactory(ambito=cremasco, aree_policy=aree[:1])
    molte = IscrizioneFactory(ambito=cremasco, aree_policy=aree)
    prima, response = _conta_query(gestore, _url("iscrizione-dettaglio", poche))
    assert html.escape(aree[0].nome) in _testo(response)
    dopo, response = _conta_query(gestore, _url("iscrizione-dettaglio", molte))
    assert all(html.escape(a.nome) in _testo(response) for a in aree)
    assert dopo == prima
