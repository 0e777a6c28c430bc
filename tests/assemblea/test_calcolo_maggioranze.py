"""Abstentions counted for the quorum but not among the votes cast, qualified majorities (two
thirds, three fifths) of votes cast, of those present or of all comuni, and weights by the shares
of an Accordo di Programma, each computed by hand.

Populations from ambiti/data/comuni_ambiti.csv (ANPR, 1 January 2025), as in test_calcolo.py:
  Cremasco 48 comuni (half: 24); Oglio Po 27 comuni, 82 503 residents, of which Viadana 19 857,
  Casalmaggiore 15 264, Marcaria 6 406.
The convention the rules state: "more than half" is strict (2·f > b), the qualified majorities
are "at least" (two thirds: 3·f ≥ 2·b; three fifths: 5·f ≥ 3·b).
"""

from decimal import Decimal

import pytest

from ambiti.models import Comune
from assemblea.calcolo import calcola
from assemblea.models import RegolaVoto, Scelta, Votazione
from tests.assemblea.test_calcolo import nomi_ordinati

Misura = RegolaVoto.Misura
Maggioranza = RegolaVoto.Maggioranza
Base = RegolaVoto.Base
Esito = Votazione.Esito
FAV, CON, AST = Scelta.FAVOREVOLE, Scelta.CONTRARIO, Scelta.ASTENUTO


def regola(**campi) -> RegolaVoto:
    """One vote per comune, quorum in heads, abstainers counted everywhere unless told."""
    valori = {
        "peso": RegolaVoto.Peso.UNO,
        "quorum": Misura.TESTE,
        "quorum_seconda": RegolaVoto.QuorumSeconda.UGUALE,
        "maggioranza": Maggioranza.SEMPLICE,
        "base": Base.VOTANTI,
        "misura_maggioranza": Misura.TESTE,
        "astenuti_nel_quorum": True,
        "astenuti_tra_i_votanti": True,
    }
    return RegolaVoto(**(valori | campi))


def _teste(slug):
    comuni = nomi_ordinati(slug)
    return {c: 1 for c in comuni}, comuni


def _voti(comuni, favorevoli, contrari, astenuti=0):
    """The first comuni vote favorevole, the next contrario, the next abstain: the rest are
    absent."""
    voti = {}
    for i, c in enumerate(comuni[: favorevoli + contrari + astenuti]):
        voti[c] = FAV if i < favorevoli else CON if i < favorevoli + contrari else AST
    return set(voti), voti


def verifiche(lista):
    return [(v.ottenuto, v.superata) for v in lista]


# --- Abstentions: for the quorum, among the votes cast -----------------------------------------


@pytest.mark.django_db
def test_astenuti_nel_quorum_ma_non_tra_i_votanti(territorio):
    """Cremasco, one vote per comune: 30 present, 10 favorevoli, 6 contrari, 14 astenuti.
    Quorum: 2 x 30 = 60 > 48. Absolute majority of the votes cast without the abstainers:
    base 10 + 6 = 16, 2 x 10 = 20 > 16: approved."""
    pesi, comuni = _teste("cremasco")
    presenti, voti = _voti(comuni, 10, 6, 14)
    r = calcola(
        regola(maggioranza=Maggioranza.ASSOLUTA, astenuti_tra_i_votanti=False),
        pesi=pesi,
        presenti=presenti,
        voti=voti,
    )
    assert (r.presenti.teste, r.astenuti.teste) == (30, 14)
    assert verifiche(r.quorum) == [(30, True)]
    assert verifiche(r.maggioranza) == [(10, True)]
    assert "più della metà di 16" in r.maggioranza[0].richiesto
    assert r.esito == Esito.APPROVATA


@pytest.mark.django_db
def test_astenuti_anche_tra_i_votanti_la_stessa_votazione_e_respinta(territorio):
    """The same 30 / 10 / 6 / 14, abstainers among the votes cast: base 30, 2 x 10 = 20 <= 30:
    rejected."""
    pesi, comuni = _teste("cremasco")
    presenti, voti = _voti(comuni, 10, 6, 14)
    r = calcola(regola(maggioranza=Maggioranza.ASSOLUTA), pesi=pesi, presenti=presenti, voti=voti)
    assert verifiche(r.quorum) == [(30, True)]
    assert verifiche(r.maggioranza) == [(10, False)]
    assert "più della metà di 30" in r.maggioranza[0].richiesto
    assert r.esito == Esito.RESPINTA


@pytest.mark.django_db
def test_astenuti_fuori_dal_quorum_la_stessa_votazione_non_e_valida(territorio):
    """Abstainers counted nowhere: 16 present, 2 x 16 = 32 <= 48: no quorum."""
    pesi, comuni = _teste("cremasco")
    presenti, voti = _voti(comuni, 10, 6, 14)
    r = calcola(
        regola(
            maggioranza=Maggioranza.ASSOLUTA,
            astenuti_nel_quorum=False,
            astenuti_tra_i_votanti=False,
        ),
        pesi=pesi,
        presenti=presenti,
        voti=voti,
    )
    assert verifiche(r.quorum) == [(16, False)]
    assert r.esito == Esito.NON_VALIDA


# --- Qualified majorities in heads: the boundary ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("maggioranza", "favorevoli", "esito"),
    [
        # 30 present and voting. Two thirds: 3 x 20 = 60 >= 2 x 30 = 60 passes;
        # 3 x 19 = 57 < 60 does not.
        (Maggioranza.DUE_TERZI, 20, Esito.APPROVATA),
        (Maggioranza.DUE_TERZI, 19, Esito.RESPINTA),
        # Three fifths: 5 x 18 = 90 >= 3 x 30 = 90 passes; 5 x 17 = 85 < 90 does not.
        (Maggioranza.TRE_QUINTI, 18, Esito.APPROVATA),
        (Maggioranza.TRE_QUINTI, 17, Esito.RESPINTA),
    ],
)
def test_maggioranze_qualificate_al_limite_per_teste(territorio, maggioranza, favorevoli, esito):
    pesi, comuni = _teste("cremasco")
    presenti, voti = _voti(comuni, favorevoli, 30 - favorevoli)
    r = calcola(regola(maggioranza=maggioranza), pesi=pesi, presenti=presenti, voti=voti)
    assert r.presenti.teste == 30
    assert verifiche(r.maggioranza) == [(favorevoli, esito == Esito.APPROVATA)]
    assert r.esito == esito


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("base", "favorevoli", "esito"),
    [
        # 40 of the 48 comuni present. Two thirds of those present: 2 x 40 = 80, 3 x 27 = 81
        # >= 80 passes. Of all 48 comuni: 2 x 48 = 96, 3 x 32 = 96 passes, 3 x 31 = 93 does not,
        # though 31 is far more than two thirds of the 40 present (93 >= 80).
        (Base.PRESENTI, 27, Esito.APPROVATA),
        (Base.PRESENTI, 26, Esito.RESPINTA),  # 3 x 26 = 78 < 80
        (Base.AVENTI_DIRITTO, 32, Esito.APPROVATA),
        (Base.AVENTI_DIRITTO, 31, Esito.RESPINTA),
    ],
)
def test_due_terzi_dei_presenti_o_di_tutti_i_comuni(territorio, base, favorevoli, esito):
    pesi, comuni = _teste("cremasco")
    presenti, voti = _voti(comuni, favorevoli, 40 - favorevoli)
    r = calcola(
        regola(maggioranza=Maggioranza.DUE_TERZI, base=base),
        pesi=pesi,
        presenti=presenti,
        voti=voti,
    )
    assert (r.presenti.teste, r.aventi_diritto.teste) == (40, 48)
    assert r.esito == esito
    totale = 40 if base == Base.PRESENTI else 48
    assert f"almeno i due terzi di {totale}" in r.maggioranza[0].richiesto


# --- Qualified majorities in population: the real Oglio Po --------------------------------------


def _oglio_po_contro(*contrari):
    """All 27 comuni of the Oglio Po present; the named ones vote contrario, the others
    favorevole."""
    pesi = dict(Comune.objects.filter(ambito__slug="oglio-po").values_list("pk", "popolazione"))
    contro = set(Comune.objects.filter(nome__in=contrari).values_list("pk", flat=True))
    return pesi, {c: CON if c in contro else FAV for c in pesi}


@pytest.mark.django_db
def test_due_terzi_della_popolazione_solo_viadana_contro(territorio):
    """Viadana (19 857) against: favorevoli 82 503 - 19 857 = 62 646 residents.
    Two thirds: 3 x 62 646 = 187 938 >= 2 x 82 503 = 165 006: approved.
    Three fifths: 5 x 62 646 = 313 230 >= 3 x 82 503 = 247 509: approved."""
    pesi, voti = _oglio_po_contro("Viadana")
    for maggioranza in (Maggioranza.DUE_TERZI, Maggioranza.TRE_QUINTI):
        r = calcola(
            regola(
                peso=RegolaVoto.Peso.POPOLAZIONE,
                quorum=Misura.POPOLAZIONE,
                maggioranza=maggioranza,
                misura_maggioranza=Misura.POPOLAZIONE,
            ),
            pesi=pesi,
            presenti=set(pesi),
            voti=voti,
        )
        assert (r.favorevoli.popolazione, r.contrari.popolazione) == (62646, 19857)
        assert r.esito == Esito.APPROVATA


@pytest.mark.django_db
def test_tre_quinti_della_popolazione_mancati_con_la_maggioranza_assoluta(territorio):
    """Viadana and Casalmaggiore against: 19 857 + 15 264 = 35 121; favorevoli
    82 503 - 35 121 = 47 382. Absolute: 2 x 47 382 = 94 764 > 82 503 passes; three fifths:
    5 x 47 382 = 236 910 < 247 509 fails. In heads 25 of 27: 5 x 25 = 125 >= 3 x 27 = 81."""
    pesi, voti = _oglio_po_contro("Viadana", "Casalmaggiore")

    def con(maggioranza, misura):
        return calcola(
            regola(
                peso=RegolaVoto.Peso.POPOLAZIONE,
                quorum=Misura.POPOLAZIONE,
                maggioranza=maggioranza,
                misura_maggioranza=misura,
            ),
            pesi=pesi,
            presenti=set(pesi),
            voti=voti,
        )

    assert con(Maggioranza.ASSOLUTA, Misura.POPOLAZIONE).esito == Esito.APPROVATA
    doppia = con(Maggioranza.TRE_QUINTI, Misura.ENTRAMBE)
    assert verifiche(doppia.maggioranza) == [(25, True), (47382, False)]
    assert doppia.esito == Esito.RESPINTA
    assert "almeno i tre quinti di 82.503" in doppia.maggioranza[1].richiesto


# --- Shares of the Accordo di Programma, exact decimals -----------------------------------------

# Millesimi for the Oglio Po: Viadana 260,1, Casalmaggiore 199,9, Marcaria 60,0, and 20,0 for each
# of the other 24 comuni (480,0): 260,1 + 199,9 + 60,0 + 480,0 = 1 000,0.
GRANDI = {"Viadana": Decimal("260.1"), "Casalmaggiore": Decimal("199.9"), "Marcaria": Decimal("60")}


def quote_oglio_po() -> dict[int, Decimal]:
    return {
        pk: GRANDI.get(nome, Decimal("20"))
        for pk, nome in Comune.objects.filter(ambito__slug="oglio-po").values_list("pk", "nome")
    }


def a_quote(**campi):
    return regola(
        **{
            "peso": RegolaVoto.Peso.QUOTE,
            "quorum": Misura.POPOLAZIONE,
            "misura_maggioranza": Misura.POPOLAZIONE,
        }
        | campi
    )


def _piccoli(n):
    grandi = set(Comune.objects.filter(nome__in=GRANDI).values_list("pk", flat=True))
    return [c for c in nomi_ordinati("oglio-po") if c not in grandi][:n]


def _pk(nome):
    return Comune.objects.get(nome=nome).pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("piccolo_favorevole", "esito"), [(True, "approvata"), (False, "respinta")]
)
def test_due_terzi_delle_quote_al_limite(territorio, piccolo_favorevole, esito):
    """Present: Viadana, Casalmaggiore, Marcaria and 10 small comuni: 260,1 + 199,9 + 60 + 200 =
    720,0 of 1 000,0 (quorum: 2 x 720 = 1 440 > 1 000), but 13 of 27 comuni. Favorevoli Viadana,
    Casalmaggiore and one small comune: 480,0; two thirds of those present: 3 x 480 = 1 440 >=
    2 x 720 = 1 440, exactly. If that small comune votes against: 460,0, 1 380 < 1 440."""
    pesi = quote_oglio_po()
    assert sum(pesi.values()) == Decimal("1000.0")
    piccoli = _piccoli(10)
    voti = {_pk("Viadana"): FAV, _pk("Casalmaggiore"): FAV, _pk("Marcaria"): CON}
    voti |= {c: CON for c in piccoli[1:]} | {piccoli[0]: FAV if piccolo_favorevole else CON}
    r = calcola(
        a_quote(maggioranza=Maggioranza.DUE_TERZI, base=Base.PRESENTI),
        pesi=pesi,
        presenti=set(voti),
        voti=voti,
    )
    assert (r.presenti.teste, r.presenti.popolazione) == (13, Decimal("720.0"))
    assert verifiche(r.quorum) == [(Decimal("720.0"), True)]
    attesi = Decimal("480.0") if piccolo_favorevole else Decimal("460.0")
    assert verifiche(r.maggioranza) == [(attesi, piccolo_favorevole)]
    assert r.esito == esito
    assert r.quorum[0].descrizione == "Quorum in quote"
    # The stored result keeps the exact shares as decimal strings, never floats.
    assert r.as_dict()["presenti"]["popolazione"] == "720"


@pytest.mark.django_db
def test_la_meta_esatta_delle_quote_non_basta(territorio):
    """All 27 present. Favorevoli Viadana and Casalmaggiore: 260,1 + 199,9 = 460,0; contrari
    Marcaria and 20 small comuni: 60 + 400 = 460,0; 4 small comuni abstain (80,0). Absolute
    majority of the votes cast without abstainers: base 920,0, 2 x 460,0 = 920,0 is not more
    than 920,0: rejected."""
    pesi = quote_oglio_po()
    piccoli = _piccoli(24)
    voti = {_pk("Viadana"): FAV, _pk("Casalmaggiore"): FAV, _pk("Marcaria"): CON}
    voti |= {c: CON for c in piccoli[:20]} | {c: AST for c in piccoli[20:]}
    r = calcola(
        a_quote(maggioranza=Maggioranza.ASSOLUTA, astenuti_tra_i_votanti=False),
        pesi=pesi,
        presenti=set(pesi),
        voti=voti,
    )
    assert (r.favorevoli.popolazione, r.contrari.popolazione) == (
        Decimal("460.0"),
        Decimal("460.0"),
    )
    assert r.astenuti.popolazione == Decimal("80")
    assert verifiche(r.maggioranza) == [(Decimal("460.0"), False)]
    assert r.esito == Esito.RESPINTA
