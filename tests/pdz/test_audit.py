"""The audit trail records every model issue 13 lists (pdz/audit.py): for each, a change leaves
an entry with who, from which request and address, the field before and after, and the ambito.

Each case changes its object inside a request's context as the middleware sets it (the actor
and address from auditlog's middleware, the request id from pdz.osservabilita); the view tests
in test_audit_richieste.py go through the real middleware and views.
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Ruolo, User
from ambiti.demo import carica_periodo
from ambiti.models import (
    Ambito,
    Candidatura,
    Comune,
    Ente,
    Iscrizione,
    Popolazione,
    SubAmbito,
)
from assemblea import services as assemblea_services
from assemblea.models import (
    Delega,
    PuntoOdg,
    QuotaComune,
    Recepimento,
    RegolaVoto,
    Seduta,
    Votazione,
    Voto,
)
from assemblea.models import Presenza as PresenzaSeduta
from obiettivi.demo import carica_fondi
from obiettivi.models import (
    Azione,
    Destinatario,
    Disponibilita,
    Indicatore,
    Obiettivo,
    Risorsa,
    RisorsaAzione,
    SpesaEffettiva,
    ValoreIndicatore,
    Valutazione,
)
from pdz import osservabilita
from pdz.audit import correlazione, modelli_registrati
from piani import services as piani_services
from piani.models import Piano, Sezione, VersionePiano
from tavoli.models import Esito, Incontro, Membro, Tavolo
from tavoli.models import Presenza as PresenzaIncontro
from tests.factories import (
    AzioneFactory,
    DisponibilitaFactory,
    IncontroFactory,
    IndicatoreFactory,
    MembroFactory,
    ObiettivoFactory,
    RisorsaAzioneFactory,
    RisorsaFactory,
    RuoloFactory,
    TavoloFactory,
    UserFactory,
    ValoreIndicatoreFactory,
)

RICHIESTA = "richiesta-di-prova-0001"
INDIRIZZO = "192.0.2.10"


@contextmanager
def in_richiesta(utente, request_id=RICHIESTA):
    """What RichiestaMiddleware and auditlog's middleware set for the length of a request."""
    token = osservabilita._contesto.set(osservabilita.ContestoRichiesta(request_id))
    try:
        with set_actor(utente, remote_addr=INDIRIZZO):
            yield
    finally:
        osservabilita._contesto.reset(token)


def voci_di(oggetto, azione=None):
    voci = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(oggetto)), object_pk=str(oggetto.pk)
    )
    return voci.filter(action=azione) if azione is not None else voci


# --- One case per audited model: (build the object, change it) -------------------------------
# Each "cambia" runs inside the request and returns the field its entry must show changed; a
# model that is never edited (the voting rules) is recorded when it is created.


def _cambia(campo, valore):
    def cambia(oggetto, mondo):
        setattr(oggetto, campo, valore)
        oggetto.save()
        return oggetto, campo, LogEntry.Action.UPDATE

    return cambia


def _seduta(mondo):
    return Seduta.objects.create(
        ambito=mondo.ambito,
        titolo="Assemblea di prova",
        modalita=Seduta.Modalita.ONLINE,
        link_online="https://incontri.example.org/a",
        prima_convocazione=timezone.now(),
    )


def _regola(mondo):
    return assemblea_services.nuova_regola(
        RegolaVoto(
            ambito=mondo.ambito,
            peso=RegolaVoto.Peso.UNO,
            quorum=RegolaVoto.Misura.NESSUNA,
            scrutinio=RegolaVoto.Scrutinio.SEGRETO,
        ),
        utente=mondo.utente,
    )


def _votazione_aperta(mondo):
    regola = _regola(mondo)
    seduta = assemblea_services.apri_seduta(
        _seduta(mondo), utente=mondo.utente, convocazione=Seduta.Convocazione.PRIMA
    )
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Punto di prova")
    votazione = Votazione.objects.create(punto=punto, regola=regola)
    return assemblea_services.apri_votazione(votazione, utente=mondo.utente)


def _vota(votazione, scelta, utente):
    crema = Comune.objects.get(nome="Crema")
    return assemblea_services.vota(
        votazione,
        assemblea_services.Rappresentanza(crema, "sindaco", "Sindaco"),
        scelta,
        utente=utente,
    )


def _versione(mondo):
    piano = piani_services.crea_piano(
        ambito=mondo.ambito, periodo=carica_periodo(), utente=mondo.utente
    )
    return piani_services.congela(piano=piano, utente=mondo.utente)


def _cambia_esito(versione, mondo):
    versione.esito = VersionePiano.Esito.RESPINTA
    versione.save(update_fields=["esito"])
    return versione, "esito", LogEntry.Action.UPDATE


def _crea_regola(_nulla, mondo):
    return _regola(mondo), "scrutinio", LogEntry.Action.CREATE


def _crea_quote(_nulla, mondo):
    """A rule weighing by shares: one share per comune of the ambito, each in the trail."""
    comuni = Comune.objects.filter(ambito=mondo.ambito).values_list("pk", flat=True)
    regola = assemblea_services.nuova_regola(
        RegolaVoto(ambito=mondo.ambito, peso=RegolaVoto.Peso.QUOTE, quorum="nessuna"),
        utente=mondo.utente,
        quote={pk: Decimal("12.5") for pk in comuni},
    )
    return regola.quote.get(comune__nome="Crema"), "quota", LogEntry.Action.CREATE


def _apri_votazione(votazione, mondo):
    return (
        assemblea_services.apri_votazione(votazione, utente=mondo.utente),
        "stato",
        LogEntry.Action.UPDATE,
    )


def _votazione_preparata(mondo):
    _regola(mondo)
    seduta = assemblea_services.apri_seduta(
        _seduta(mondo), utente=mondo.utente, convocazione=Seduta.Convocazione.PRIMA
    )
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Punto di prova")
    return assemblea_services.prepara_votazione(punto)


def _cambia_voto(votazione, mondo):
    _vota(votazione, "favorevole", mondo.utente)
    voto = _vota(votazione, "contrario", mondo.utente)
    return voto, "modifiche", LogEntry.Action.UPDATE


def _presenza_seduta(mondo):
    _regola(mondo)
    seduta = assemblea_services.apri_seduta(
        _seduta(mondo), utente=mondo.utente, convocazione=Seduta.Convocazione.PRIMA
    )
    return PresenzaSeduta.objects.create(
        seduta=seduta,
        comune=Comune.objects.get(nome="Crema"),
        persona="Sindaco di Crema",
        qualita="sindaco",
        via=PresenzaSeduta.Via.SEGRETERIA,
    )


CASI = {
    Ambito: (lambda m: m.ambito, _cambia("nome", "Cremasco (rinominato)")),
    SubAmbito: (
        lambda m: SubAmbito.objects.create(ambito=m.ambito, nome="Sub-ambito di prova"),
        _cambia("ente_gestore", "Comunità Sociale Cremasca"),
    ),
    Comune: (lambda m: Comune.objects.get(nome="Crema"), _cambia("popolazione", 34000)),
    Popolazione: (
        lambda m: Popolazione.objects.create(
            comune=Comune.objects.get(nome="Crema"),
            data_riferimento=datetime.date(2031, 1, 1),
            fonte="ANPR",
            residenti=33000,
        ),
        _cambia("residenti", 33100),
    ),
    Ente: (lambda m: m.iscrizione.ente, _cambia("telefono", "0373 000000")),
    Iscrizione: (lambda m: m.iscrizione, _cambia("note", "Rinnovata")),
    Candidatura: (
        lambda m: Candidatura.objects.create(
            ambito=m.ambito,
            denominazione="Associazione Amici del Serio",
            tipo="odv",
            codice_fiscale="91234500196",
            email="amici@example.org",
            stato="da_esaminare",
        ),
        _cambia("referente", "Maria Rossi"),
    ),
    User: (lambda m: m.sindaco, _cambia("email", "nuova@example.org")),
    Ruolo: (
        lambda m: Ruolo.objects.get(user=m.sindaco),
        _cambia("al", datetime.date(2030, 6, 1)),
    ),
    Tavolo: (lambda m: m.tavolo, _cambia("titolo", "Tavolo rinominato")),
    Membro: (
        lambda m: MembroFactory(tavolo=m.tavolo, nome="Anna Bianchi"),
        _cambia("ruolo", "Assistente sociale"),
    ),
    Incontro: (lambda m: m.incontro, _cambia("luogo", "Sala Bottesini")),
    PresenzaIncontro: (
        lambda m: PresenzaIncontro.objects.create(
            incontro=m.incontro, membro=MembroFactory(tavolo=m.tavolo, nome="Luca Verdi")
        ),
        _cambia("partecipanti", 2),
    ),
    Esito: (
        lambda m: Esito.objects.create(incontro=m.incontro, tipo="proposta", testo="Più centri"),
        _cambia("testo", "Più centri diurni"),
    ),
    Obiettivo: (lambda m: m.obiettivo, _cambia("titolo", "Obiettivo rinominato")),
    Azione: (lambda m: AzioneFactory(obiettivo=m.obiettivo), _cambia("avanzamento", 50)),
    Risorsa: (
        lambda m: RisorsaFactory(obiettivo=m.obiettivo),
        _cambia("importo", Decimal("2500.00")),
    ),
    RisorsaAzione: (
        lambda m: RisorsaAzioneFactory(azione=AzioneFactory(obiettivo=m.obiettivo)),
        _cambia("importo", Decimal("750.25")),
    ),
    Disponibilita: (
        lambda m: DisponibilitaFactory(ambito=m.ambito),
        _cambia("atto", "Decreto di riparto n. 12"),
    ),
    Indicatore: (lambda m: IndicatoreFactory(obiettivo=m.obiettivo), _cambia("unita", "famiglie")),
    ValoreIndicatore: (
        lambda m: ValoreIndicatoreFactory(indicatore=IndicatoreFactory(obiettivo=m.obiettivo)),
        _cambia("valore", Decimal("30")),
    ),
    Valutazione: (
        lambda m: Valutazione.objects.create(obiettivo=m.obiettivo, grado="parziale"),
        _cambia("grado", "raggiunto"),
    ),
    SpesaEffettiva: (
        lambda m: SpesaEffettiva.objects.create(
            obiettivo=m.obiettivo, anno=2025, fondo=carica_fondi()[0], importo=Decimal("900.00")
        ),
        _cambia("importo", Decimal("950.50")),
    ),
    # A group the ambito added for itself: the shared ones belong to no ambito.
    Destinatario: (
        lambda m: Destinatario.objects.create(ambito=m.ambito, nome="Caregiver", slug="caregiver"),
        _cambia("nome", "Caregiver familiari"),
    ),
    Piano: (
        lambda m: piani_services.crea_piano(
            ambito=m.ambito, periodo=carica_periodo(), utente=m.utente
        ),
        _cambia("titolo", "Piano di Zona rinominato"),
    ),
    Sezione: (
        lambda m: piani_services.crea_piano(
            ambito=m.ambito, periodo=carica_periodo(), utente=m.utente
        ).sezioni.first(),
        _cambia("titolo", "Premessa"),
    ),
    VersionePiano: (_versione, _cambia_esito),
    RegolaVoto: (lambda m: None, _crea_regola),
    QuotaComune: (lambda m: None, _crea_quote),
    Seduta: (_seduta, _cambia("luogo", "Sala dei Ricevimenti")),
    PuntoOdg: (
        lambda m: PuntoOdg.objects.create(seduta=_seduta(m), ordine=1, titolo="Bilancio"),
        _cambia("titolo", "Bilancio sociale"),
    ),
    Delega: (
        lambda m: Delega.objects.create(
            seduta=_seduta(m),
            comune=Comune.objects.get(nome="Crema"),
            delegato=UserFactory(),
            atto="Decreto n. 1",
        ),
        _cambia("atto", "Decreto n. 2"),
    ),
    PresenzaSeduta: (_presenza_seduta, _cambia("uscita_il", timezone.now())),
    Votazione: (_votazione_preparata, _apri_votazione),
    Voto: (_votazione_aperta, _cambia_voto),
    Recepimento: (
        lambda m: Recepimento.objects.create(
            versione=_versione(m),
            comune=Comune.objects.get(nome="Crema"),
            data_atto=datetime.date(2025, 3, 1),
            numero_atto="12",
        ),
        _cambia("numero_atto", "12/bis"),
    ),
}


class Mondo:
    def __init__(self, ambito):
        self.ambito = ambito
        self.utente = UserFactory(username="up_audit", first_name="Ufficio", last_name="Piano")
        RuoloFactory(user=self.utente, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=ambito)

    def __getattr__(self, nome):
        # Built on first use: each case pays only for what it changes.
        costruttori = {
            "iscrizione": lambda: Iscrizione.objects.create(
                ambito=self.ambito,
                ente=Ente.objects.create(denominazione="Cooperativa Il Ponte", tipo="cooperativa"),
                data_iscrizione=datetime.date(2025, 1, 10),
            ),
            "sindaco": lambda: self._sindaco(),
            "tavolo": lambda: TavoloFactory(ambito=self.ambito),
            "incontro": lambda: IncontroFactory(tavolo=self.tavolo),
            "obiettivo": lambda: ObiettivoFactory(ambito=self.ambito),
        }
        if nome not in costruttori:
            raise AttributeError(nome)
        valore = costruttori[nome]()
        setattr(self, nome, valore)
        return valore

    def _sindaco(self):
        user = UserFactory(username="sindaco_audit")
        RuoloFactory(
            user=user,
            tipo=Ruolo.Tipo.SINDACO,
            ambito=self.ambito,
            comune=Comune.objects.get(nome="Crema"),
        )
        return user


def test_ogni_modello_registrato_ha_il_suo_caso():
    assert set(modelli_registrati()) == set(CASI)


@pytest.mark.parametrize("modello", list(CASI), ids=lambda m: m._meta.label)
def test_una_modifica_lascia_chi_quando_cosa_e_da_quale_richiesta(modello, cremasco):
    mondo = Mondo(cremasco)
    prepara, cambia = CASI[modello]
    oggetto = prepara(mondo)
    with in_richiesta(mondo.utente):
        oggetto, campo, azione = cambia(oggetto, mondo)

    voce = voci_di(oggetto, azione).order_by("-timestamp", "-pk").first()
    assert voce is not None, f"nessuna voce per {modello.__name__}"
    assert voce.actor == mondo.utente
    assert voce.cid == RICHIESTA
    assert voce.remote_addr == INDIRIZZO
    prima, dopo = voce.changes[campo]
    assert prima != dopo
    # The ambito, for the Ufficio di Piano's page; enti and users are found through the register
    # and the roles instead.
    atteso = None if modello in (Ente, User) else {"ambito_id": cremasco.pk}
    assert voce.additional_data == atteso


def test_i_segreti_dell_utente_non_entrano_nel_registro(cremasco):
    utente = UserFactory(username="con_segreti")
    with in_richiesta(utente):
        utente.set_password("una-nuova-password-lunga")
        utente.last_login = timezone.now()
        utente.first_name = "Giulia"
        utente.save()
        utente.rinnova_token_calendario()
    voce = voci_di(utente, LogEntry.Action.UPDATE).get()
    assert set(voce.changes) == {"first_name"}
    creazione = voci_di(utente, LogEntry.Action.CREATE).get()
    assert not {"password", "last_login", "token_calendario"} & set(creazione.changes)


def test_i_membri_e_le_aree_di_un_tavolo_e_di_un_ente_iscritto(cremasco):
    mondo = Mondo(cremasco)
    tavolo = mondo.tavolo
    area = cremasco.asst.first()
    with in_richiesta(mondo.utente):
        tavolo.operatori.add(mondo.utente)
        mondo.obiettivo.asst.add(area)
    voce = voci_di(tavolo).filter(changes__has_key="operatori").get()
    assert voce.changes["operatori"] == {
        "type": "m2m",
        "operation": "add",
        "objects": [str(mondo.utente)],
    }
    assert voce.additional_data == {"ambito_id": cremasco.pk}
    assert voci_di(mondo.obiettivo).filter(changes__has_key="asst").exists()


def test_un_eliminazione_resta_nel_registro_con_i_valori_di_prima(cremasco):
    mondo = Mondo(cremasco)
    membro = MembroFactory(tavolo=mondo.tavolo, nome="Anna Bianchi")
    pk = membro.pk
    with in_richiesta(mondo.utente):
        membro.delete()
    voce = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Membro),
        object_pk=str(pk),
        action=LogEntry.Action.DELETE,
    )
    assert voce.changes["nome"] == ["Anna Bianchi", "None"]
    assert voce.additional_data == {"ambito_id": cremasco.pk}


def test_fuori_da_una_richiesta_nessun_autore_e_il_nome_del_task(cremasco, monkeypatch):
    class Task:
        name = "accounts.tasks.chiudi_ruoli_scaduti"

        class request:
            id = "c0ffee00-0000-0000-0000-000000000000"

    monkeypatch.setattr("pdz.audit.current_task", Task)
    assert correlazione() == f"celery:{Task.name}:{Task.request.id}"
    monkeypatch.setattr("pdz.audit.current_task", None)
    monkeypatch.setattr("sys.argv", ["manage.py", "seed_demo"])
    assert correlazione() == "comando:seed_demo"

    tavolo = TavoloFactory(ambito=cremasco)
    voce = voci_di(tavolo, LogEntry.Action.CREATE).get()
    assert voce.actor is None
    assert voce.cid == "comando:seed_demo"


# --- Secret ballots -------------------------------------------------------------------------


def _testi_della_voce(voce):
    return [
        str(voce.changes),
        voce.changes_text,
        voce.object_repr,
        str(voce.additional_data),
        str(voce.serialized_data),
    ]


@pytest.mark.parametrize("scrutinio", [RegolaVoto.Scrutinio.SEGRETO, RegolaVoto.Scrutinio.PALESE])
def test_la_scelta_di_voto_non_entra_mai_nel_registro(cremasco, scrutinio):
    mondo = Mondo(cremasco)
    regola = assemblea_services.nuova_regola(
        RegolaVoto(
            ambito=cremasco, peso=RegolaVoto.Peso.UNO, quorum="nessuna", scrutinio=scrutinio
        ),
        utente=mondo.utente,
    )
    seduta = assemblea_services.apri_seduta(
        _seduta(mondo), utente=mondo.utente, convocazione=Seduta.Convocazione.PRIMA
    )
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Approvazione del Piano")
    votazione = assemblea_services.apri_votazione(
        Votazione.objects.create(punto=punto, regola=regola), utente=mondo.utente
    )
    prima = LogEntry.objects.count()
    with in_richiesta(mondo.utente):
        voto = _vota(votazione, "contrario", mondo.utente)
        ricevuta_prima = voto.ricevuta
        voto = _vota(votazione, "astenuto", mondo.utente)
        assemblea_services.chiudi_votazione(votazione, utente=mondo.utente)

    nuove = LogEntry.objects.order_by("pk")[prima:]
    assert voci_di(voto).count() == 2  # cast, then changed: both recorded
    for voce in nuove:
        for testo in _testi_della_voce(voce):
            for segreto in ("contrario", "astenuto", "Contrario", "Astenuto"):
                assert segreto not in testo, (voce.content_type, testo)
            for ricevuta in (ricevuta_prima, voto.ricevuta):
                assert ricevuta not in testo
        assert "scelta" not in (voce.changes or {})


def test_un_task_celery_registra_senza_autore_con_il_suo_nome_e_id(cremasco):
    from accounts.tasks import chiudi_ruoli_scaduti

    utente = UserFactory(username="scaduto")
    ruolo = RuoloFactory(
        user=utente,
        tipo=Ruolo.Tipo.OPERATORE,
        ambito=cremasco,
        dal=datetime.date(2020, 1, 1),
        al=datetime.date(2021, 1, 1),
    )
    risultato = chiudi_ruoli_scaduti.delay()
    assert risultato.get() == 1
    voce = voci_di(ruolo, LogEntry.Action.UPDATE).get()
    assert voce.changes == {"attivo": ["True", "False"]}
    assert voce.actor is None
    assert voce.cid == f"celery:accounts.tasks.chiudi_ruoli_scaduti:{risultato.id}"
    assert voce.additional_data == {"ambito_id": cremasco.pk}
