"""Outcomes, attendance and attachments of a meeting, and the Ufficio di Piano's review of the
proposals, through the views (htmx fragments and plain posts) and the database constraints."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.test.html import Element
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from ambiti.models import AreaPolicy
from tavoli import services
from tavoli.models import Allegato, Esito, Incontro, Membro, Presenza
from tests.factories import IncontroFactory, MembroFactory, TavoloFactory
from tests.utils.html import albero as _albero
from tests.utils.html import elementi as _elementi
from tests.utils.html import testo_visibile as _testo
from tests.utils.html import trova as _trova
from tests.utils.html import uno as _uno

HTMX = {"HX-Request": "true"}
TESTO_VUOTO = "Scrivi il testo: un elemento vuoto non si registra."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

Tipo = Esito.Tipo
Valutazione = Esito.Valutazione


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def aree(territorio):
    return {
        "anziani": AreaPolicy.objects.get(nome="Domiciliarità e anziani"),
        "casa": AreaPolicy.objects.get(nome="Politiche abitative"),
    }


@pytest.fixture
def tavolo(cremasco, operatore_crema):
    return TavoloFactory(
        ambito=cremasco, titolo="Anziani e domiciliarità", operatori=[operatore_crema]
    )


@pytest.fixture
def incontro(tavolo):
    return IncontroFactory(tavolo=tavolo, titolo="Primo incontro del tavolo")


@pytest.fixture
def membro(tavolo, iscrizione_crema, ente_crema):
    return Membro.objects.create(tavolo=tavolo, ente=iscrizione_crema.ente)


@pytest.fixture
def quattro_membri(tavolo, membro):
    return [
        membro,
        MembroFactory(tavolo=tavolo, nome="Maria Rossi"),
        MembroFactory(tavolo=tavolo, nome="Luca Verdi", ruolo="Caritas"),
        MembroFactory(tavolo=tavolo, nome="Paola Neri"),
    ]


# --- Helpers ----------------------------------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(nome, incontro, **extra):
    return reverse(
        f"tavoli:{nome}",
        kwargs={
            "slug": incontro.tavolo.ambito.slug,
            "pk": incontro.tavolo_id,
            "ipk": incontro.pk,
            **extra,
        },
    )


def _esito(incontro, tipo=Tipo.PROPOSTA, testo="Una proposta", **campi):
    return Esito.objects.create(incontro=incontro, tipo=tipo, testo=testo, **campi)


def _approva(incontro, operatore, approvatore):
    services.salva_verbale(
        incontro=incontro,
        testo="Verbale dell'incontro.",
        versione_letta=incontro.versione,
        utente=operatore,
    )
    services.invia_in_revisione(incontro=incontro, utente=operatore)
    services.approva_verbale(incontro=incontro, utente=approvatore)


def _radice(risposta):
    """The single top element of an htmx fragment."""
    albero = _albero(risposta)
    if albero.name is None:  # several top nodes: keep the elements
        elementi = [f for f in albero.children if isinstance(f, Element)]
        assert len(elementi) == 1, [e.name for e in elementi]
        return elementi[0]
    return albero


def _errore_del_campo(risposta, campo):
    """Text of crispy's wrapper around one field (label, input, errors), whatever the prefix."""
    trovati = [
        el
        for el in _elementi(_albero(risposta))
        if (id_ := dict(el.attributes).get("id") or "").startswith("div_id_")
        and (id_ == f"div_id_{campo}" or id_.endswith(f"-{campo}"))
    ]
    assert len(trovati) == 1, f"{len(trovati)} campi {campo}"
    return _testo(trovati[0])


# --- Outcomes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("tipo", Tipo.values)
def test_un_esito_aggiunto_via_htmx_compare_nella_sua_sezione(
    incontro, operatore_crema, aree, tipo
):
    testo = f"Emerso al tavolo ({tipo}): trasporto sociale"
    risposta = _client(operatore_crema).post(
        _url("esito-nuovo", incontro, tipo=tipo),
        {
            f"{tipo}-tipo": tipo,
            f"{tipo}-testo": f"  {testo}  ",
            f"{tipo}-area_policy": aree["anziani"].pk,
            f"{tipo}-target": "Anziani soli",
        },
        headers=HTMX,
    )

    assert risposta.status_code == 200
    radice = _radice(risposta)
    assert (radice.name, dict(radice.attributes)["id"]) == ("section", "esiti")
    elementi = _trova(radice, data_testid=f"esito-{tipo}")
    assert len(elementi) == 1
    assert _uno(radice, id=f"esiti-{tipo}") is not None
    assert elementi[0] in _trova(_uno(radice, id=f"esiti-{tipo}"), "li")
    riga = _testo(elementi[0])
    assert testo in riga
    assert "Domiciliarità e anziani" in riga
    assert "Anziani soli" in riga
    for altro in set(Tipo.values) - {tipo}:
        assert testo not in _testo(_uno(radice, id=f"esiti-{altro}"))
        assert _testo(_uno(radice, data_testid=f"conteggio-{altro}")) == "0"
    assert _testo(_uno(radice, data_testid=f"conteggio-{tipo}")) == "1"

    esito = Esito.objects.get(incontro=incontro)
    assert (esito.tipo, esito.testo, esito.area_policy, esito.target, esito.creato_da) == (
        tipo,
        testo,
        aree["anziani"],
        "Anziani soli",
        operatore_crema,
    )
    assert esito.valutazione == Valutazione.DA_VALUTARE


def test_un_esito_senza_htmx_torna_alla_pagina(incontro, operatore_crema):
    risposta = _client(operatore_crema).post(
        _url("esito-nuovo", incontro, tipo="bisogno"),
        {"bisogno-tipo": "bisogno", "bisogno-testo": "Solitudine degli anziani"},
    )
    assert risposta.status_code == 302
    assert risposta.url == _url("incontro", incontro)
    assert Esito.objects.get().testo == "Solitudine degli anziani"


def test_gli_esiti_si_numerano_per_tipo(incontro, operatore_crema):
    client = _client(operatore_crema)
    for testo in ("Prima", "Seconda"):
        client.post(
            _url("esito-nuovo", incontro, tipo="proposta"),
            {"proposta-tipo": "proposta", "proposta-testo": testo},
            headers=HTMX,
        )
    client.post(
        _url("esito-nuovo", incontro, tipo="bisogno"),
        {"bisogno-tipo": "bisogno", "bisogno-testo": "Un bisogno"},
        headers=HTMX,
    )
    assert list(Esito.objects.order_by("pk").values_list("tipo", "ordine")) == [
        ("proposta", 1),
        ("proposta", 2),
        ("bisogno", 1),
    ]


@pytest.mark.parametrize("testo", ["", "   ", "\n\t  \n"])
@pytest.mark.parametrize("tipo", Tipo.values)
def test_un_esito_vuoto_non_si_registra(incontro, operatore_crema, tipo, testo):
    risposta = _client(operatore_crema).post(
        _url("esito-nuovo", incontro, tipo=tipo),
        {f"{tipo}-tipo": tipo, f"{tipo}-testo": testo, f"{tipo}-target": "Famiglie"},
        headers=HTMX,
    )

    assert risposta.status_code == 200
    assert TESTO_VUOTO in _errore_del_campo(risposta, f"{tipo}-testo")
    # Only next to this field, and the other target survives in the form.
    assert risposta.content.decode().count(TESTO_VUOTO) == 1
    assert dict(_uno(risposta, "input", name=f"{tipo}-target").attributes)["value"] == "Famiglie"
    assert not Esito.objects.exists()


def test_un_tipo_sconosciuto_e_404(incontro, operatore_crema):
    risposta = _client(operatore_crema).post(
        _url("esito-nuovo", incontro, tipo="desiderio"),
        {"desiderio-tipo": "desiderio", "desiderio-testo": "Qualcosa"},
        headers=HTMX,
    )
    assert risposta.status_code == 404
    assert not Esito.objects.exists()


def test_un_tipo_diverso_da_quello_dell_indirizzo_non_si_registra(incontro, operatore_crema):
    _client(operatore_crema).post(
        _url("esito-nuovo", incontro, tipo="bisogno"),
        {"bisogno-tipo": "proposta", "bisogno-testo": "Passata di nascosto"},
        headers=HTMX,
    )
    assert not Esito.objects.exists()


def test_un_membro_non_aggiunge_esiti(incontro, membro, ente_crema):
    risposta = _client(ente_crema).post(
        _url("esito-nuovo", incontro, tipo="bisogno"),
        {"bisogno-tipo": "bisogno", "bisogno-testo": "Dal membro"},
        headers=HTMX,
    )
    assert risposta.status_code == 403
    assert not Esito.objects.exists()


@pytest.mark.parametrize("tipo", Tipo.values)
def test_eliminare_un_esito(incontro, operatore_crema, tipo):
    esito = _esito(incontro, tipo, "Da togliere")
    resta = _esito(incontro, tipo, "Da tenere")

    risposta = _client(operatore_crema).post(
        _url("esito-elimina", incontro, epk=esito.pk), headers=HTMX
    )

    assert risposta.status_code == 200
    radice = _radice(risposta)
    assert dict(radice.attributes)["id"] == "esiti"
    assert "Da togliere" not in _testo(radice)
    assert "Da tenere" in _testo(radice)
    assert list(Esito.objects.all()) == [resta]


@pytest.mark.parametrize(
    "valutazione", [Valutazione.ACCOLTA, Valutazione.NON_ACCOLTA, Valutazione.ACCORPATA]
)
def test_una_proposta_gia_valutata_non_si_elimina(
    incontro, operatore_crema, ufficio_piano_crema, valutazione
):
    altra = _esito(incontro, testo="Proposta principale")
    proposta = _esito(incontro, testo="Proposta valutata")
    services.valuta_proposta(
        proposta=proposta,
        valutazione=valutazione,
        motivazione="Fuori dalle competenze dell'ambito.",
        accorpata_in=altra,
        utente=ufficio_piano_crema,
    )
    client = _client(operatore_crema)

    risposta = client.post(_url("esito-elimina", incontro, epk=proposta.pk), headers=HTMX)
    assert risposta.status_code == 200
    assert "Proposta valutata" in _testo(_radice(risposta))
    assert Esito.objects.filter(pk=proposta.pk).exists()

    # Without htmx the refusal is explained on the page.
    risposta = client.post(_url("esito-elimina", incontro, epk=proposta.pk), follow=True)
    assert "La proposta è già stata valutata: non si può eliminare." in (risposta.content.decode())
    assert Esito.objects.filter(pk=proposta.pk).exists()


def test_una_proposta_in_cui_altre_sono_accorpate_non_si_elimina(
    incontro, operatore_crema, ufficio_piano_crema
):
    principale = _esito(incontro, testo="Proposta principale, ancora da valutare")
    accorpata = _esito(incontro, testo="Proposta accorpata")
    services.valuta_proposta(
        proposta=accorpata,
        valutazione=Valutazione.ACCORPATA,
        motivazione="",
        accorpata_in=principale,
        utente=ufficio_piano_crema,
    )

    risposta = _client(operatore_crema).post(
        _url("esito-elimina", incontro, epk=principale.pk), headers=HTMX
    )

    assert risposta.status_code == 200
    assert "Altre proposte sono state accorpate in questa" in risposta.content.decode()
    assert Esito.objects.filter(pk=principale.pk).exists()
    accorpata.refresh_from_db()
    assert accorpata.accorpata_in == principale


def test_non_si_elimina_l_esito_di_un_altro_incontro(tavolo, incontro, operatore_crema):
    altro = IncontroFactory(tavolo=tavolo)
    esito = _esito(altro, Tipo.BISOGNO, "Dell'altro incontro")
    risposta = _client(operatore_crema).post(
        _url("esito-elimina", incontro, epk=esito.pk), headers=HTMX
    )
    assert risposta.status_code == 404
    assert Esito.objects.filter(pk=esito.pk).exists()


# --- Attendance -------------------------------------------------------------------------------


def _presenze(client, incontro, membri, presenti, *, htmx=True):
    """`presenti` maps a member's index to its head count (as typed); the others are absent."""
    dati = {}
    for indice, membro in enumerate(membri):
        if indice in presenti:
            dati[f"presente_{membro.pk}"] = "on"
            dati[f"partecipanti_{membro.pk}"] = presenti[indice]
        else:
            dati[f"partecipanti_{membro.pk}"] = "1"
    return client.post(_url("presenze", incontro), dati, headers=HTMX if htmx else {})


def _registrate(incontro):
    return dict(Presenza.objects.filter(incontro=incontro).values_list("membro_id", "partecipanti"))


def test_presenze_registrate_e_totale(incontro, operatore_crema, quattro_membri):
    client = _client(operatore_crema)
    m = quattro_membri

    risposta = _presenze(client, incontro, m, {0: "2", 1: "1", 3: "4"})

    assert risposta.status_code == 200
    radice = _radice(risposta)
    assert dict(radice.attributes)["id"] == "presenze"
    assert _testo(_uno(radice, data_testid="totale-partecipanti")) == "7 partecipanti"
    assert "Presenze registrate." in _testo(radice)
    assert _registrate(incontro) == {m[0].pk: 2, m[1].pk: 1, m[3].pk: 4}
    spuntati = {
        dict(i.attributes)["name"]
        for i in _trova(radice, "input", type="checkbox")
        if "checked" in dict(i.attributes)
    }
    assert spuntati == {f"presente_{m[i].pk}" for i in (0, 1, 3)}

    # Unchecking removes; a changed count is updated; a new presence is added.
    risposta = _presenze(client, incontro, m, {1: "3", 2: "5"})
    assert _registrate(incontro) == {m[1].pk: 3, m[2].pk: 5}
    assert _testo(_uno(risposta, data_testid="totale-partecipanti")) == "8 partecipanti"

    risposta = _presenze(client, incontro, m, {})
    assert _registrate(incontro) == {}
    assert _testo(_uno(risposta, data_testid="totale-partecipanti")) == "0 partecipanti"


def test_presenze_senza_htmx_tornano_alla_pagina(incontro, operatore_crema, quattro_membri):
    client = _client(operatore_crema)
    risposta = _presenze(client, incontro, quattro_membri, {2: "6"}, htmx=False)
    assert risposta.status_code == 302
    assert _registrate(incontro) == {quattro_membri[2].pk: 6}
    pagina = client.get(risposta.url)
    assert _testo(_uno(pagina, data_testid="totale-partecipanti")) == "6 partecipanti"


@pytest.mark.parametrize(
    ("numero", "errore"),
    [
        ("", "Indica quante persone erano presenti."),
        ("0", "Assicurati che questo valore sia maggiore o uguale a 1."),
    ],
)
def test_un_presente_senza_numero_non_salva_nulla(
    incontro, operatore_crema, quattro_membri, numero, errore
):
    m = quattro_membri
    Presenza.objects.create(incontro=incontro, membro=m[3], partecipanti=2)
    prima = _registrate(incontro)

    risposta = _presenze(_client(operatore_crema), incontro, m, {0: "2", 1: numero, 2: "4"})

    assert risposta.status_code == 200
    assert _registrate(incontro) == prima
    righe = {
        dict(_uno(tr, "input", type="number").attributes)["name"]: _testo(tr)
        for tr in _trova(_radice(risposta), "tr")
        if _trova(tr, "input", type="number")
    }
    assert errore in righe[f"partecipanti_{m[1].pk}"]
    for altro in (0, 2, 3):
        assert errore not in righe[f"partecipanti_{m[altro].pk}"]
    campo = _uno(risposta, "input", name=f"partecipanti_{m[1].pk}")
    assert "is-invalid" in dict(campo.attributes)["class"]
    assert "Presenze registrate." not in risposta.content.decode()


@pytest.mark.parametrize("rimasto", ["0", "7", ""])
def test_un_membro_non_spuntato_non_conta_tra_le_persone(
    incontro, operatore_crema, quattro_membri, rimasto
):
    m = quattro_membri
    Presenza.objects.create(incontro=incontro, membro=m[1], partecipanti=3)
    dati = {f"presente_{m[0].pk}": "on", f"partecipanti_{m[0].pk}": "2"}
    # m[1] was present with 3 people: unticked, with whatever is left in her box.
    dati[f"partecipanti_{m[1].pk}"] = rimasto

    risposta = _client(operatore_crema).post(_url("presenze", incontro), dati, headers=HTMX)

    assert _registrate(incontro) == {m[0].pk: 2}
    assert _testo(_uno(risposta, data_testid="totale-partecipanti")) == "2 partecipanti"
    assert "Presenze registrate." in _testo(_radice(risposta))
    # The members not ticked show no head count that would read as counted.
    for assente in m[1:]:
        campo = _uno(risposta, "input", name=f"partecipanti_{assente.pk}")
        assert dict(campo.attributes).get("value", "") == ""
    campo = _uno(risposta, "input", name=f"partecipanti_{m[0].pk}")
    assert dict(campo.attributes)["value"] == "2"


def test_un_membro_di_un_altro_tavolo_non_si_registra(
    cremasco, incontro, operatore_crema, quattro_membri
):
    estraneo = MembroFactory(tavolo=TavoloFactory(ambito=cremasco), nome="Estraneo")
    _client(operatore_crema).post(
        _url("presenze", incontro),
        {
            f"presente_{estraneo.pk}": "on",
            f"partecipanti_{estraneo.pk}": "3",
            f"presente_{quattro_membri[0].pk}": "on",
            f"partecipanti_{quattro_membri[0].pk}": "1",
        },
        headers=HTMX,
    )
    assert _registrate(incontro) == {quattro_membri[0].pk: 1}


def test_un_membro_non_registra_presenze(incontro, quattro_membri, ente_crema):
    risposta = _presenze(_client(ente_crema), incontro, quattro_membri, {0: "1"})
    assert risposta.status_code == 403
    assert _registrate(incontro) == {}


# --- Attachments ------------------------------------------------------------------------------


def _carica(client, incontro, nome, contenuto, *, htmx=True):
    return client.post(
        _url("allegato-nuovo", incontro),
        {"file": SimpleUploadedFile(nome, contenuto)},
        headers=HTMX if htmx else {},
    )


def _file_salvati(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_un_pdf_valido_si_conserva(incontro, operatore_crema, media):
    risposta = _carica(_client(operatore_crema), incontro, "Presentazione.pdf", PDF)

    assert risposta.status_code == 200
    radice = _radice(risposta)
    assert dict(radice.attributes)["id"] == "allegati"
    allegato = Allegato.objects.get(incontro=incontro)
    assert (allegato.nome, allegato.dimensione, allegato.caricato_da) == (
        "Presentazione.pdf",
        len(PDF),
        operatore_crema,
    )
    link = _uno(radice, "a", href=_url("allegato", incontro, apk=allegato.pk))
    assert _testo(link) == "Presentazione.pdf"
    with allegato.file.open("rb") as file:
        assert file.read() == PDF
    salvati = _file_salvati(media)
    assert len(salvati) == 1
    assert salvati[0].read_bytes() == PDF
    assert str(salvati[0].relative_to(media)).startswith(
        f"tavoli/{incontro.tavolo_id}/{incontro.pk}/"
    )


def test_altri_formati_ammessi(incontro, operatore_crema):
    client = _client(operatore_crema)
    assert _carica(client, incontro, "foto.PNG", b"\x89PNG\r\n\x1a\nxx").status_code == 200
    assert _carica(client, incontro, "elenco.csv", b"nome;numero\n").status_code == 200
    assert _carica(client, incontro, "testo.docx", b"PK\x03\x04resto").status_code == 200
    assert Allegato.objects.filter(incontro=incontro).count() == 3


@pytest.mark.parametrize(
    ("nome", "contenuto", "errore"),
    [
        ("programma.exe", b"MZ\x90\x00", "Tipo di file non ammesso (.exe)."),
        ("LEGGIMI", b"%PDF-1.4 senza estensione", "Tipo di file non ammesso (senza estensione)."),
        (
            "verbale.pdf",
            b"<html><script>alert(1)</script></html>",
            "Il contenuto del file non corrisponde all'estensione .pdf.",
        ),
        ("pagina.html", b"<html></html>", "Tipo di file non ammesso (.html)."),
    ],
)
def test_file_non_ammessi_rifiutati(incontro, operatore_crema, media, nome, contenuto, errore):
    risposta = _carica(_client(operatore_crema), incontro, nome, contenuto)

    assert risposta.status_code == 200
    assert errore in _errore_del_campo(risposta, "file")
    assert not Allegato.objects.exists()
    assert _file_salvati(media) == []


def test_file_troppo_grande_rifiutato(incontro, operatore_crema, media, monkeypatch):
    monkeypatch.setattr("tavoli.validators.DIMENSIONE_MASSIMA", 1024)
    risposta = _carica(_client(operatore_crema), incontro, "grande.pdf", PDF + b"0" * 1024)

    errore = _errore_del_campo(risposta, "file")
    assert "Il file è troppo grande" in errore
    assert "il massimo è 1,0\xa0KB" in errore or "il massimo è 1,0 KB" in errore
    assert not Allegato.objects.exists()
    assert _file_salvati(media) == []


def test_file_oltre_dieci_mega_rifiutato(incontro, operatore_crema, media):
    contenuto = PDF + b"0" * (10 * 1024 * 1024 + 1 - len(PDF))
    risposta = _carica(_client(operatore_crema), incontro, "scansione.pdf", contenuto)

    assert "Il file è troppo grande" in _errore_del_campo(risposta, "file")
    assert not Allegato.objects.exists()
    assert _file_salvati(media) == []


def test_file_di_dieci_mega_esatti_ammesso(incontro, operatore_crema):
    contenuto = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))
    assert _carica(_client(operatore_crema), incontro, "scansione.pdf", contenuto).status_code == (
        200
    )
    assert Allegato.objects.get().dimensione == 10 * 1024 * 1024


def test_allegato_senza_htmx_torna_alla_pagina(incontro, operatore_crema):
    risposta = _carica(_client(operatore_crema), incontro, "nota.pdf", PDF, htmx=False)
    assert risposta.status_code == 302
    assert Allegato.objects.get().nome == "nota.pdf"


def _scarica(client, incontro, allegato):
    risposta = client.get(_url("allegato", incontro, apk=allegato.pk))
    # Reading the whole stream closes the file; the test client closes the response itself
    # (an explicit close() would also close the database connection).
    contenuto = b"".join(risposta.streaming_content) if risposta.streaming else None
    return risposta, contenuto


@pytest.fixture
def allegato(incontro, operatore_crema):
    _carica(_client(operatore_crema), incontro, "Relazione finale.pdf", PDF)
    return Allegato.objects.get()


@pytest.mark.parametrize("chi", ["operatore_crema", "ufficio_piano_crema"])
def test_chi_modifica_scarica_gli_allegati(request, incontro, allegato, chi):
    risposta, contenuto = _scarica(_client(request.getfixturevalue(chi)), incontro, allegato)
    assert risposta.status_code == 200
    assert contenuto == PDF
    assert risposta["Content-Disposition"].startswith("attachment")
    assert "Relazione finale.pdf" in risposta["Content-Disposition"]


def test_i_membri_scaricano_quando_il_verbale_e_visibile(
    incontro, allegato, membro, ente_crema, operatore_crema, ufficio_piano_crema
):
    client = _client(ente_crema)
    risposta, _contenuto = _scarica(client, incontro, allegato)
    assert risposta.status_code == 404
    assert "Relazione finale.pdf" not in client.get(_url("incontro", incontro)).content.decode()

    services.salva_verbale(
        incontro=incontro, testo="Verbale.", versione_letta=1, utente=operatore_crema
    )
    services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    risposta, contenuto = _scarica(client, incontro, allegato)
    assert risposta.status_code == 200
    assert contenuto == PDF

    # Approved, then reopened as a draft: the approved minutes stay visible to the members.
    services.approva_verbale(incontro=incontro, utente=ufficio_piano_crema)
    services.apri_nuova_revisione(incontro=incontro, utente=ufficio_piano_crema)
    incontro.refresh_from_db()
    assert incontro.stato == Incontro.Stato.BOZZA
    assert _scarica(client, incontro, allegato)[0].status_code == 200


def test_estranei_non_scaricano(
    cremasco, incontro, allegato, ente_crema, ufficio_piano_cremona, operatore_crema
):
    # ente_crema is not a member of this table; Cremona's office is another ambito.
    assert _scarica(_client(ente_crema), incontro, allegato)[0].status_code == 404
    assert _scarica(_client(ufficio_piano_cremona), incontro, allegato)[0].status_code == 404
    # An attachment asked through another meeting's address does not exist there.
    altro = IncontroFactory(tavolo=incontro.tavolo)
    assert _scarica(_client(operatore_crema), altro, allegato)[0].status_code == 404


# --- Proposals of the ambito ------------------------------------------------------------------


@pytest.fixture
def proposte(cremasco, cremonese, tavolo, incontro, aree):
    giovani = TavoloFactory(ambito=cremasco, titolo="Giovani e famiglie")
    incontro_giovani = IncontroFactory(tavolo=giovani, titolo="Incontro giovani")
    cremona = IncontroFactory(tavolo=TavoloFactory(ambito=cremonese, titolo="Tavolo di Cremona"))
    return {
        "trasporto": _esito(
            incontro,
            testo="Potenziare il trasporto sociale",
            area_policy=aree["anziani"],
            target="Anziani soli",
        ),
        "custode": _esito(
            incontro, testo="Custode sociale nei condomini", area_policy=aree["casa"]
        ),
        "centro": _esito(incontro_giovani, testo="Centro di aggregazione a Pandino"),
        "bisogno": _esito(incontro, Tipo.BISOGNO, "Bisogno: solitudine degli anziani"),
        "risorsa": _esito(incontro, Tipo.RISORSA, "Risorsa: rete dei volontari"),
        "cremona": _esito(cremona, testo="Proposta del Cremonese"),
        "giovani": giovani,
    }


def _url_proposte():
    return reverse("tavoli:proposte", kwargs={"slug": "cremasco"})


def _testi_elencati(risposta):
    """The proposals' own texts, row by row (the first text of the first cell)."""
    return [
        _trova(tr, "td")[0].children[0] for tr in _trova(_albero(risposta), data_testid="proposta")
    ]


def test_l_ufficio_di_piano_vede_le_proposte_dell_ambito(ufficio_piano_crema, proposte):
    risposta = _client(ufficio_piano_crema).get(_url_proposte())

    assert risposta.status_code == 200
    testi = " | ".join(_testi_elencati(risposta))
    for chiave in ("trasporto", "custode", "centro"):
        assert proposte[chiave].testo in testi
    assert len(_testi_elencati(risposta)) == 3
    html = risposta.content.decode()
    assert "solitudine" not in html
    assert "rete dei volontari" not in html
    assert "Proposta del Cremonese" not in html
    assert _testo(_uno(risposta, data_testid="conteggio")) == "3 proposte"


@pytest.mark.parametrize(
    ("filtro", "attesi"),
    [
        ({"q": "trasporto"}, {"trasporto"}),
        ({"q": "  ANZIANI soli "}, {"trasporto"}),  # the target, case and spaces aside
        ({"q": "Cremonese"}, set()),
        ({"q": "solitudine"}, set()),
        ({"area": "casa"}, {"custode"}),
        ({"tavolo": "giovani"}, {"centro"}),
        ({"valutazione": "accolta"}, {"custode"}),
        ({"valutazione": "da_valutare"}, {"trasporto", "centro"}),
        ({"q": "sociale", "valutazione": "da_valutare"}, {"trasporto"}),
    ],
)
def test_filtri_delle_proposte(ufficio_piano_crema, proposte, aree, filtro, attesi):
    services.valuta_proposta(
        proposta=proposte["custode"],
        valutazione=Valutazione.ACCOLTA,
        motivazione="",
        accorpata_in=None,
        utente=ufficio_piano_crema,
    )
    query = dict(filtro)
    if "area" in query:
        query["area"] = aree[query["area"]].pk
    if "tavolo" in query:
        query["tavolo"] = proposte[query["tavolo"]].pk

    client = _client(ufficio_piano_crema)
    pagina = client.get(_url_proposte(), query)
    frammento = client.get(_url_proposte(), query, headers=HTMX)

    atteso = sorted(proposte[c].testo for c in attesi)
    assert sorted(_testi_elencati(pagina)) == atteso
    assert sorted(_testi_elencati(frammento)) == atteso
    assert dict(_radice(frammento).attributes)["id"] == "risultati"


def test_solo_l_ufficio_di_piano_del_proprio_ambito(
    operatore_crema, ufficio_piano_cremona, ente_crema, proposte
):
    assert _client(operatore_crema).get(_url_proposte()).status_code == 403
    assert _client(ente_crema).get(_url_proposte()).status_code == 403
    assert _client(ufficio_piano_cremona).get(_url_proposte()).status_code == 404
    valuta = reverse("tavoli:valuta", kwargs={"slug": "cremasco", "epk": proposte["trasporto"].pk})
    assert _client(operatore_crema).post(valuta, {"valutazione": "accolta"}).status_code == 403


def _url_valuta(proposta, slug="cremasco"):
    return reverse("tavoli:valuta", kwargs={"slug": slug, "epk": proposta.pk})


def _nomi_dei_campi(risposta):
    """Field → input name in the evaluation form, whatever prefix the row gives it."""
    nomi = {}
    for el in _trova(_uno(risposta, "form")):
        nome = dict(el.attributes).get("name") or ""
        for campo in ("valutazione", "motivazione", "accorpata_in"):
            if nome == campo or nome.endswith(f"-{campo}"):
                nomi[campo] = nome
    return nomi


def _valuta(client, proposta, htmx=True, **dati):
    """Opens the evaluation row as the page does (htmx GET), then posts it."""
    modulo = client.get(_url_valuta(proposta), headers=HTMX)
    assert modulo.status_code == 200
    nomi = _nomi_dei_campi(modulo)
    return client.post(
        _url_valuta(proposta),
        {nomi[campo]: valore for campo, valore in dati.items()},
        headers=HTMX if htmx else {},
    )


def _riga_valutata(risposta, proposta):
    """The row of a triaged proposal: the fragment also carries the counters (out of band)."""
    righe = [
        e for e in _albero(risposta).children if isinstance(e, Element) and e.name == "tr"
    ] or [_albero(risposta)]
    assert [dict(r.attributes).get("id") for r in righe] == [f"proposta-{proposta.pk}"]
    return righe[0]


def _conteggi(elemento):
    """{"Da valutare": 3, "Accolta": 0, ...} as the counters above the table read."""
    conteggi = {}
    for voce in _trova(_uno(elemento, data_testid="conteggi-proposte"), "span"):
        etichetta, numero = _testo(voce).split(":")
        conteggi[etichetta.strip()] = int(numero)
    return conteggi


def test_i_contatori_si_aggiornano_dopo_la_valutazione(ufficio_piano_crema, proposte):
    client = _client(ufficio_piano_crema)
    prima = _conteggi(_albero(client.get(_url_proposte())))

    risposta = _valuta(client, proposte["trasporto"], valutazione="accolta")

    # The counters come back with the row, to be swapped out of band over the old ones.
    contatori = _uno(risposta, data_testid="conteggi-proposte")
    assert dict(contatori.attributes)["hx-swap-oob"] == "true"
    assert dict(contatori.attributes)["id"] == "conteggi-proposte"
    dopo = _conteggi(_albero(risposta))
    assert dopo["Da valutare"] == prima["Da valutare"] - 1
    assert dopo["Accolta"] == prima["Accolta"] + 1
    assert dopo == _conteggi(_albero(client.get(_url_proposte())))
    # On the full page the counters are in place, not out of band.
    pagina = _uno(client.get(_url_proposte()), data_testid="conteggi-proposte")
    assert "hx-swap-oob" not in dict(pagina.attributes)


def test_il_modulo_di_valutazione_arriva_via_htmx(ufficio_piano_crema, proposte):
    proposta = proposte["trasporto"]
    risposta = _client(ufficio_piano_crema).get(_url_valuta(proposta), headers=HTMX)

    assert risposta.status_code == 200
    riga = _radice(risposta)
    assert (riga.name, dict(riga.attributes)["id"]) == ("tr", f"proposta-{proposta.pk}")
    modulo = _uno(riga, "form")
    assert dict(modulo.attributes)["hx-post"] == _url_valuta(proposta)
    nomi = _nomi_dei_campi(risposta)
    assert set(nomi) == {"valutazione", "motivazione", "accorpata_in"}
    scelte_valutazione = {dict(o.attributes)["value"] for o in _trova(modulo, "option")} & set(
        Valutazione.values
    )
    assert scelte_valutazione == {"accolta", "accorpata", "non_accolta"}
    # The proposals it can be merged into: the ambito's others, not itself, not Cremona's.
    scelte = {
        dict(o.attributes)["value"]
        for o in _trova(_uno(modulo, "select", name=nomi["accorpata_in"]), "option")
    }
    assert scelte == {"", str(proposte["custode"].pk), str(proposte["centro"].pk)}


def test_accolta(ufficio_piano_crema, proposte):
    proposta = proposte["trasporto"]
    prima = timezone.now()

    risposta = _valuta(_client(ufficio_piano_crema), proposta, valutazione="accolta")

    assert risposta.status_code == 200
    riga = _riga_valutata(risposta, proposta)
    assert _testo(_uno(riga, data_testid="valutazione")) == "Accolta"
    proposta.refresh_from_db()
    assert proposta.valutazione == Valutazione.ACCOLTA
    assert proposta.valutata_da == ufficio_piano_crema
    assert prima <= proposta.valutata_il <= timezone.now()
    assert proposta.accorpata_in is None


def test_valutazione_senza_htmx_torna_all_elenco(ufficio_piano_crema, proposte):
    client = _client(ufficio_piano_crema)
    risposta = _valuta(client, proposte["centro"], htmx=False, valutazione="accolta")
    assert risposta.status_code == 302
    assert risposta.url == _url_proposte()
    pagina = client.get(risposta.url)
    riga = _uno(pagina, "tr", id=f"proposta-{proposte['centro'].pk}")
    assert _testo(_uno(riga, data_testid="valutazione")) == "Accolta"


def test_non_accolta_vuole_la_motivazione(ufficio_piano_crema, proposte):
    proposta = proposte["trasporto"]
    client = _client(ufficio_piano_crema)

    risposta = _valuta(client, proposta, valutazione="non_accolta", motivazione="  ")

    assert risposta.status_code == 200
    assert "Spiega perché la proposta non è accolta." in _errore_del_campo(risposta, "motivazione")
    assert _trova(_radice(risposta), "form")
    proposta.refresh_from_db()
    assert proposta.valutazione == Valutazione.DA_VALUTARE
    assert proposta.valutata_da is None
    assert proposta.valutata_il is None

    risposta = _valuta(
        client, proposta, valutazione="non_accolta", motivazione="Già finanziata dalla Regione."
    )
    riga = _riga_valutata(risposta, proposta)
    assert _testo(_uno(riga, data_testid="valutazione")) == "Non accolta"
    assert "Già finanziata dalla Regione." in _testo(riga)
    proposta.refresh_from_db()
    assert (proposta.valutazione, proposta.motivazione) == (
        Valutazione.NON_ACCOLTA,
        "Già finanziata dalla Regione.",
    )


def test_accorpata_vuole_la_proposta_dell_ambito(ufficio_piano_crema, proposte):
    proposta = proposte["centro"]
    client = _client(ufficio_piano_crema)

    risposta = _valuta(client, proposta, valutazione="accorpata")
    assert "Scegli la proposta in cui è accorpata." in _errore_del_campo(risposta, "accorpata_in")

    for non_valida in (proposte["cremona"], proposta, proposte["bisogno"]):
        risposta = _valuta(client, proposta, valutazione="accorpata", accorpata_in=non_valida.pk)
        assert "Scegli un'opzione valida" in _errore_del_campo(risposta, "accorpata_in")
    proposta.refresh_from_db()
    assert proposta.valutazione == Valutazione.DA_VALUTARE
    assert proposta.accorpata_in is None

    risposta = _valuta(
        client, proposta, valutazione="accorpata", accorpata_in=proposte["trasporto"].pk
    )
    riga = _riga_valutata(risposta, proposta)
    assert _testo(_uno(riga, data_testid="valutazione")) == "Accorpata"
    assert "Potenziare il trasporto sociale" in _testo(riga)
    proposta.refresh_from_db()
    assert proposta.accorpata_in == proposte["trasporto"]
    assert proposta.valutata_da == ufficio_piano_crema

    # Evaluated again as accepted, it no longer points to the other proposal.
    _valuta(client, proposta, valutazione="accolta", accorpata_in=proposte["trasporto"].pk)
    proposta.refresh_from_db()
    assert (proposta.valutazione, proposta.accorpata_in) == (Valutazione.ACCOLTA, None)


def test_da_valutare_non_e_una_scelta(ufficio_piano_crema, proposte):
    proposta = proposte["trasporto"]
    _valuta(_client(ufficio_piano_crema), proposta, valutazione="accolta")
    risposta = _valuta(_client(ufficio_piano_crema), proposta, valutazione="da_valutare")
    assert "Scegli un'opzione valida" in _errore_del_campo(risposta, "valutazione")
    proposta.refresh_from_db()
    assert proposta.valutazione == Valutazione.ACCOLTA


@pytest.mark.parametrize("chiave", ["bisogno", "risorsa", "cremona"])
def test_si_valutano_solo_le_proposte_dell_ambito(ufficio_piano_crema, proposte, chiave):
    esito = proposte[chiave]
    client = _client(ufficio_piano_crema)
    assert client.get(_url_valuta(esito), headers=HTMX).status_code == 404
    assert client.post(_url_valuta(esito), {"valutazione": "accolta"}).status_code == 404
    esito.refresh_from_db()
    assert esito.valutazione == Valutazione.DA_VALUTARE


def test_il_servizio_rifiuta_le_combinazioni_non_valide(ufficio_piano_crema, proposte):
    with pytest.raises(ValidationError):
        services.valuta_proposta(
            proposta=proposte["trasporto"],
            valutazione=Valutazione.NON_ACCOLTA,
            motivazione="",
            accorpata_in=None,
            utente=ufficio_piano_crema,
        )
    with pytest.raises(ValidationError):
        services.valuta_proposta(
            proposta=proposte["trasporto"],
            valutazione=Valutazione.ACCORPATA,
            motivazione="",
            accorpata_in=None,
            utente=ufficio_piano_crema,
        )
    proposte["trasporto"].refresh_from_db()
    assert proposte["trasporto"].valutazione == Valutazione.DA_VALUTARE


@pytest.mark.parametrize(
    "campi",
    [
        {"tipo": Tipo.BISOGNO, "valutazione": Valutazione.ACCOLTA},
        {"tipo": Tipo.RISORSA, "valutazione": Valutazione.NON_ACCOLTA, "motivazione": "No"},
        {"valutazione": Valutazione.ACCORPATA},
        {"valutazione": Valutazione.ACCOLTA, "accorpata_in": "altra"},
        {"valutazione": Valutazione.DA_VALUTARE, "accorpata_in": "altra"},
        {"valutazione": Valutazione.NON_ACCOLTA, "motivazione": ""},
    ],
)
def test_i_vincoli_del_database_reggono(incontro, campi):
    altra = _esito(incontro, testo="Un'altra proposta")
    campi = dict(campi)
    if campi.get("accorpata_in") == "altra":
        campi["accorpata_in"] = altra
    with pytest.raises(IntegrityError), transaction.atomic():
        Esito.objects.create(incontro=incontro, testo="Combinazione non valida", **campi)
    with pytest.raises(IntegrityError), transaction.atomic():
        Esito.objects.filter(pk=altra.pk).update(**campi)
    altra.refresh_from_db()
    assert altra.valutazione == Valutazione.DA_VALUTARE
    assert Esito.objects.count() == 1


def test_presenza_con_zero_partecipanti_rifiutata_dal_database(incontro, quattro_membri):
    with pytest.raises(IntegrityError), transaction.atomic():
        Presenza.objects.create(incontro=incontro, membro=quattro_membri[0], partecipanti=0)
    Presenza.objects.create(incontro=incontro, membro=quattro_membri[0], partecipanti=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Presenza.objects.create(incontro=incontro, membro=quattro_membri[0], partecipanti=2)


# --- Escaping ---------------------------------------------------------------------------------

XSS = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"


def test_il_testo_degli_utenti_e_escapato_in_esiti_allegati_e_proposte(
    incontro, operatore_crema, ufficio_piano_crema, proposte
):
    html = []
    client = _client(operatore_crema)
    html.append(
        client.post(
            _url("esito-nuovo", incontro, tipo="proposta"),
            {
                "proposta-tipo": "proposta",
                "proposta-testo": f"Proposta {XSS}",
                "proposta-target": f"Target {XSS}",
            },
            headers=HTMX,
        ).content.decode()
    )
    html.append(_carica(client, incontro, f"{XSS_IMG}.pdf", PDF).content.decode())
    html.append(client.get(_url("incontro", incontro)).content.decode())
    assert Allegato.objects.get().nome == f"{XSS_IMG}.pdf"

    proposta = Esito.objects.get(testo=f"Proposta {XSS}")
    up = _client(ufficio_piano_crema)
    html.append(
        _valuta(
            up, proposte["trasporto"], valutazione="accorpata", accorpata_in=proposta.pk
        ).content.decode()
    )
    html.append(
        _valuta(
            up, proposta, valutazione="non_accolta", motivazione=f"Motivo {XSS}"
        ).content.decode()
    )
    html.append(up.get(_url_valuta(proposte["custode"]), headers=HTMX).content.decode())
    html.append(up.get(_url_proposte()).content.decode())

    for pezzo in html:
        assert XSS not in pezzo
        assert "<script>alert" not in pezzo
        assert XSS_IMG not in pezzo
    tutto = "".join(html)
    for atteso in (
        f"Proposta {escape(XSS)}",
        f"Target {escape(XSS)}",
        f"Motivo {escape(XSS)}",
        escape(XSS_IMG),
    ):
        assert atteso in tutto
