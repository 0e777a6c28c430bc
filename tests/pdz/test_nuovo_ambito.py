"""A new ambito from ISTAT codes (pdz.nuovo_ambito): the command, the admin page, the names.

The ANPR file is the project's real excerpt (Cremona and Mantova, January 2025): of Mantova's 64
comuni, 10 are in the Oglio Po ambito and 54 are free for a new «Mantova» ambito.
"""

import csv
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Ruolo
from ambiti.istat import nome_comune, sigla_provincia
from ambiti.models import Ambito, Comune, Popolazione
from ambiti.territorio import COMUNI_CSV, DATA_DIR
from assemblea.models import QuotaComune, RegolaVoto
from assemblea.services import nuova_regola
from piani.models import Piano, Sezione
from tests.factories import UserFactory
from tests.utils import html
from tests.utils.html import trova, uno

ANPR = DATA_DIR / "anpr_residenti_2025-01_CR_MN.csv"


def _righe_anpr():
    with ANPR.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _liberi_di_mantova():
    """The codes of Mantova's comuni that no ambito of the real territory holds."""
    with COMUNI_CSV.open(encoding="utf-8", newline="") as handle:
        occupati = {riga["istat_code"] for riga in csv.DictReader(handle)}
    return [
        r["COD_ISTAT_COMUNE"]
        for r in _righe_anpr()
        if r["PROVINCIA"] == "MANTOVA" and r["COD_ISTAT_COMUNE"] not in occupati
    ]


def _crea(*extra, codici=None, **opzioni):
    codici = codici if codici is not None else _liberi_di_mantova()
    out = StringIO()
    argomenti = {
        "nome": "Mantova",
        "slug": "mantova",
        "comuni": " ".join(codici),
        "anpr": str(ANPR),
        "ats": "ATS Val Padana",
        "asst": ["ASST Mantova"],
        "capofila": "020030",
        **opzioni,
    }
    call_command("crea_ambito", *extra, stdout=out, **argomenti)
    return out.getvalue()


def test_i_nomi_dei_comuni_si_scrivono_come_nel_territorio():
    """The 123 comuni of the three ambiti, named from ANPR's upper case, read as the project's
    verified list writes them (Casaletto di Sopra, San Martino dall'Argine, Torre de' Picenardi)."""
    maiuscoli = {r["COD_ISTAT_COMUNE"]: r["COMUNE"] for r in _righe_anpr()}
    with COMUNI_CSV.open(encoding="utf-8", newline="") as handle:
        verificati = list(csv.DictReader(handle))
    assert len(verificati) == 123
    diversi = [
        (r["name"], nome_comune(maiuscoli[r["istat_code"]]))
        for r in verificati
        if nome_comune(maiuscoli[r["istat_code"]]) != r["name"]
    ]
    assert diversi == []
    assert {sigla_provincia(r["istat_code"]) for r in verificati} == {"CR", "MN"}
    assert sigla_provincia("108001") == "MB"
    assert sigla_provincia("200001") is None


def test_il_comando_crea_ambito_comuni_regole_piano_e_ufficio_di_piano(
    territorio, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        uscita = _crea(ufficio_piano=["Maria", "Rossi", "maria.rossi@comune.mantova.example"])

    ambito = Ambito.objects.get(slug="mantova")
    comuni = Comune.objects.filter(ambito=ambito)
    assert comuni.count() == 54
    asola = comuni.get(codice_istat="020002")
    assert (asola.nome, asola.provincia, asola.popolazione_fonte) == ("Asola", "MN", "ANPR")
    residenti = {r["COD_ISTAT_COMUNE"]: int(r["RESIDENTI"]) for r in _righe_anpr()}
    assert {c.codice_istat: c.popolazione for c in comuni} == {
        c: residenti[c] for c in _liberi_di_mantova()
    }
    assert str(asola.popolazione_data) == "2025-01-01"
    assert Popolazione.objects.filter(comune__ambito=ambito).count() == 54
    assert comuni.get(codice_istat="020008").nome == "Canneto sull'Oglio"
    assert comuni.get(codice_istat="020014").nome == "Castel d'Ario"
    assert ambito.ente_capofila.nome == "Mantova"
    assert [a.nome for a in ambito.asst.all()] == ["ASST Mantova"]

    regola = RegolaVoto.objects.get(ambito=ambito)
    assert (regola.versione, regola.peso, regola.maggioranza) == (1, "uno", "semplice")
    piano = Piano.objects.get(ambito=ambito)
    aree = Sezione.objects.filter(piano=piano, area__isnull=False).count()
    assert aree == 10 and piano.sezioni.count() > aree

    ruolo = Ruolo.objects.get(ambito=ambito, tipo=Ruolo.Tipo.UFFICIO_PIANO)
    assert ruolo.user.email == "maria.rossi@comune.mantova.example"
    assert not ruolo.user.has_usable_password()
    assert [m.to for m in mailoutbox] == [["maria.rossi@comune.mantova.example"]]
    assert regola.creata_da == ruolo.user and piano.creato_da == ruolo.user
    assert "Comuni creati: 54" in uscita


def test_rieseguito_non_crea_nulla_due_volte(
    territorio, mailoutbox, django_capture_on_commit_callbacks
):
    opzioni = {"ufficio_piano": ["Maria", "Rossi", "maria.rossi@comune.mantova.example"]}
    with django_capture_on_commit_callbacks(execute=True):
        _crea(**opzioni)
    prima = {
        "comuni": Comune.objects.count(),
        "popolazione": Popolazione.objects.count(),
        "regole": RegolaVoto.objects.count(),
        "piani": Piano.objects.count(),
        "sezioni": Sezione.objects.count(),
        "ruoli": Ruolo.objects.count(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        uscita = _crea(**opzioni)
    assert {
        "comuni": Comune.objects.count(),
        "popolazione": Popolazione.objects.count(),
        "regole": RegolaVoto.objects.count(),
        "piani": Piano.objects.count(),
        "sezioni": Sezione.objects.count(),
        "ruoli": Ruolo.objects.count(),
    } == prima
    assert "già presente" in uscita and "già nell'ambito: 54" in uscita
    assert len(mailoutbox) == 1


def test_un_comune_aggiunto_dopo_entra_senza_toccare_gli_altri(territorio):
    liberi = _liberi_di_mantova()
    _crea(codici=liberi[:-1])
    asola = Comune.objects.get(codice_istat="020002")
    asola.popolazione = 1
    asola.save()
    uscita = _crea(codici=liberi)
    assert Comune.objects.filter(ambito__slug="mantova").count() == 54
    assert Comune.objects.get(codice_istat="020002").popolazione == 1
    assert "Comuni creati: 1" in uscita


@pytest.mark.parametrize(
    ("codici", "opzioni", "messaggio"),
    [
        (["020007"], {}, "già di un altro ambito: 020007 Bozzolo (Oglio Po)"),
        (["020002", "015146"], {}, "Nel file ANPR non c'è il mese 2025-01 dei comuni: 015146"),
        (["020002", "200001"], {}, "Provincia sconosciuta per i codici: 200001"),
        (["020002", "2o002"], {}, "Non sono codici ISTAT di 6 cifre: 2o002"),
        (["020002"], {"capofila": "020003"}, "--capofila: Il comune capofila"),
        (["020002"], {"modello": "a-sorteggio"}, "Modello sconosciuto «a-sorteggio»"),
        (["020002"], {"slug": "Mantova Nord"}, "--slug:"),
        (["020002"], {"nome": "Cremasco"}, "--nome: Un altro ambito ha già questo nome"),
    ],
)
def test_una_richiesta_sbagliata_dice_cosa_e_non_salva_nulla(
    territorio, codici, opzioni, messaggio
):
    ambiti, comuni = Ambito.objects.count(), Comune.objects.count()
    with pytest.raises(CommandError) as errore:
        _crea(codici=codici, **opzioni)
    assert "Nessuna modifica salvata" in str(errore.value)
    assert messaggio in str(errore.value)
    assert (Ambito.objects.count(), Comune.objects.count()) == (ambiti, comuni)


def test_le_regole_si_copiano_da_un_altro_ambito_ma_non_le_quote(territorio, cremasco):
    nuova_regola(
        RegolaVoto(
            ambito=cremasco,
            peso="popolazione",
            quorum="entrambe",
            maggioranza="assoluta",
            base="presenti",
            misura_maggioranza="popolazione",
            minimo_comuni_favorevoli=11,
            scrutinio="segreto",
        ),
        utente=None,
    )
    _crea(modello="ambito:cremasco")
    copia = RegolaVoto.objects.get(ambito__slug="mantova")
    assert (copia.versione, copia.peso, copia.minimo_comuni_favorevoli, copia.scrutinio) == (
        1,
        "popolazione",
        11,
        "segreto",
    )

    oglio = territorio["oglio-po"]
    comuni = list(Comune.objects.filter(ambito=oglio).values_list("pk", flat=True))
    nuova_regola(
        RegolaVoto(ambito=oglio, peso="quote", quorum="popolazione", misura_maggioranza="teste"),
        utente=None,
        quote=dict.fromkeys(comuni, "10"),
    )
    with pytest.raises(CommandError, match="pesano le quote"):
        _crea(slug="mantova-sud", nome="Mantova Sud", codici=["020002"], modello="ambito:oglio-po")
    assert not QuotaComune.objects.filter(regola__ambito__slug="mantova").exists()


# --- The admin page --------------------------------------------------------------------------

URL = "/admin/ambiti/ambito/nuovo-da-istat/"


def _upload():
    return SimpleUploadedFile("anpr.csv", ANPR.read_bytes(), content_type="text/csv")


def _dati(**campi):
    return {
        "nome": "Mantova",
        "slug": "mantova",
        "codici": "\n".join(_liberi_di_mantova()),
        "anpr": _upload(),
        "mese": "",
        "ats": "ATS Val Padana",
        "asst": "ASST Mantova",
        "capofila": "20030",
        "ente_gestore": "",
        "modello": "ponderato-popolazione",
        "up_nome": "Maria",
        "up_cognome": "Rossi",
        "up_email": "maria.rossi@comune.mantova.example",
        **campi,
    }


def test_la_pagina_e_solo_di_chi_amministra_gli_ambiti(client, territorio, ufficio_piano_crema):
    assert reverse("admin-crea-ambito") == URL
    accesso = f"{reverse('accounts:login')}?next={URL}"
    risposta = client.get(URL)
    assert (risposta.status_code, risposta["Location"]) == (302, accesso)

    client.force_login(ufficio_piano_crema)
    risposta = client.post(URL, _dati())  # not staff: sent to log in as an administrator
    assert (risposta.status_code, risposta["Location"]) == (
        302,
        f"{reverse('admin:login')}?next={URL}",
    )
    assert not Ambito.objects.filter(slug="mantova").exists()

    personale = UserFactory(username="personale", is_staff=True)
    client.force_login(personale)
    assert client.get(URL).status_code == 403
    assert client.post(URL, _dati()).status_code == 403
    assert not Ambito.objects.filter(slug="mantova").exists()

    personale.user_permissions.add(Permission.objects.get(codename="add_ambito"))
    assert client.get(URL).status_code == 200


def test_dalla_lista_degli_ambiti_l_amministratore_crea_un_ambito(
    client, territorio, amministratore, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(amministratore)
    lista = client.get(reverse("admin:ambiti_ambito_changelist"))
    assert trova(lista, "a", href=URL)

    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(URL, _dati(), follow=True)
    ambito = Ambito.objects.get(slug="mantova")
    assert risposta.redirect_chain[-1][0] == reverse("admin:ambiti_ambito_change", args=[ambito.pk])
    assert "Comuni creati: 54" in risposta.content.decode()
    assert ambito.comuni.count() == 54 and ambito.ente_capofila.codice_istat == "020030"
    regola = RegolaVoto.objects.get(ambito=ambito)
    assert (regola.peso, regola.fonte_popolazione) == ("popolazione", "ANPR")
    assert len(mailoutbox) == 1


def test_un_errore_compare_accanto_al_campo_e_non_salva_nulla(client, territorio, amministratore):
    client.force_login(amministratore)
    risposta = client.post(URL, _dati(codici="020002 020007"))
    assert risposta.status_code == 200
    errore = uno(risposta, "ul", id="id_codici_error")
    assert "020007 Bozzolo (Oglio Po)" in html.testo(errore)
    assert html.testo(uno(risposta, "textarea", name="codici")) == "020002 020007"
    assert not Ambito.objects.filter(slug="mantova").exists()

    risposta = client.post(URL, _dati(up_email=""))
    assert "Per il primo utente servono nome, cognome ed e-mail." in risposta.content.decode()
    assert not Ambito.objects.filter(slug="mantova").exists()
