"""The outcome of a vote of the Assemblea dei Sindaci, on the real populations of the three ambiti.

Every expected figure below was computed by hand from ambiti/data/comuni_ambiti.csv (ANPR,
1 January 2025), never by the code under test: the sums are written out next to the numbers.
Totals of the ambiti, from the CSV:
  Cremonese 48 comuni, 157 648 residents (half: 78 824); Cremona 71 473, Soresina 9 272,
  Pizzighettone 6 233.
  Cremasco  48 comuni, 162 287 residents (half: 81 143.5); Crema 34 204.
  Oglio Po  27 comuni,  82 503 residents (half: 41 251.5; a third: 27 501); Viadana 19 857,
  Casalmaggiore 15 264, Marcaria 6 406.
"""

import pytest

from ambiti.models import Comune
from assemblea.calcolo import calcola
from assemblea.models import RegolaVoto, Scelta, Seduta, Votazione

Misura = RegolaVoto.Misura
Esito = Votazione.Esito
FAV, CON, AST = Scelta.FAVOREVOLE, Scelta.CONTRARIO, Scelta.ASTENUTO
PRIMA, SECONDA = Seduta.Convocazione.PRIMA, Seduta.Convocazione.SECONDA

# The ten smallest comuni of the Cremonese, smallest first, with their residents.
PICCOLI_CREMONESE = [
    ("Derovere", 280),
    ("Castelvisconti", 318),
    ("Cappella de' Picenardi", 426),
    ("Volongo", 457),
    ("Cella Dati", 500),
    ("Scandolara Ripa d'Oglio", 517),
    ("Cappella Cantone", 546),
    ("Pessina Cremonese", 570),
    ("Bordolano", 599),
    ("Crotta d'Adda", 612),
]
# The fourteen smallest comuni of the Oglio Po, smallest first.
PICCOLI_OGLIO_PO = [
    ("Voltido", 324),
    ("San Martino del Lago", 373),
    ("Tornata", 408),
    ("Casteldidone", 540),
    ("Torricella del Pizzo", 589),
    ("Spineda", 599),
    ("Motta Baluffi", 785),
    ("Solarolo Rainerio", 928),
    ("Commessaggio", 1048),
    ("Cingia de' Botti", 1152),
    ("Calvatone", 1158),
    ("Scandolara Ravara", 1287),
    ("San Martino dall'Argine", 1597),
    ("Pomponesco", 1708),
]


def regola(**campi) -> RegolaVoto:
    """An unsaved rule set: calcola only reads it. Default: one vote per comune, quorum and
    simple majority in heads, abstentions present, first call."""
    valori = {
        "peso": RegolaVoto.Peso.UNO,
        "quorum": Misura.TESTE,
        "quorum_seconda": RegolaVoto.QuorumSeconda.UGUALE,
        "maggioranza": RegolaVoto.Maggioranza.SEMPLICE,
        "base": RegolaVoto.Base.VOTANTI,
        "misura_maggioranza": Misura.TESTE,
        "astenuti_nel_quorum": True,
        "astenuti_tra_i_votanti": True,
    }
    return RegolaVoto(**(valori | campi))


def ponderata(**campi) -> RegolaVoto:
    """Population-weighted: quorum and majority in residents."""
    valori = {
        "peso": RegolaVoto.Peso.POPOLAZIONE,
        "quorum": Misura.POPOLAZIONE,
        "misura_maggioranza": Misura.POPOLAZIONE,
    }
    return regola(**(valori | campi))


@pytest.fixture
def pesi(territorio):
    """slug → {comune pk: residents} as the vote freezes them, from the loaded territory."""
    return {
        slug: dict(Comune.objects.filter(ambito=ambito).values_list("pk", "popolazione"))
        for slug, ambito in territorio.items()
    }


@pytest.fixture
def pk(territorio):
    tutti = dict(Comune.objects.values_list("nome", "pk"))

    def trova(*nomi):
        return [tutti[n] for n in nomi]

    return trova


def nomi_ordinati(slug):
    return list(
        Comune.objects.filter(ambito__slug=slug).order_by("nome").values_list("pk", flat=True)
    )


def esito(r):
    return r.esito


def verifiche(lista):
    return [(v.ottenuto, v.superata) for v in lista]


def test_i_totali_degli_ambiti_sono_quelli_del_csv(pesi):
    vuota = regola(quorum=Misura.NESSUNA)
    for slug, teste, abitanti in [
        ("cremonese", 48, 157648),
        ("cremasco", 48, 162287),
        ("oglio-po", 27, 82503),
    ]:
        r = calcola(vuota, pesi=pesi[slug], presenti=set(), voti={})
        assert (r.aventi_diritto.teste, r.aventi_diritto.popolazione) == (teste, abitanti)


# --- Heads against population ------------------------------------------------------------------


def _cremona_e_due_contro_tutti(pesi, pk):
    """Cremonese, all 48 present. Cremona, Soresina and Pizzighettone vote contrario:
    3 comuni, 71 473 + 9 272 + 6 233 = 86 978 residents. The other 45 vote favorevole:
    157 648 - 86 978 = 70 670 residents."""
    contrari = set(pk("Cremona", "Soresina", "Pizzighettone"))
    voti = {c: (CON if c in contrari else FAV) for c in pesi["cremonese"]}
    return set(pesi["cremonese"]), voti


def test_la_maggioranza_per_teste_e_quella_per_popolazione_non_coincidono(pesi, pk):
    presenti, voti = _cremona_e_due_contro_tutti(pesi, pk)

    per_teste = calcola(regola(), pesi=pesi["cremonese"], presenti=presenti, voti=voti)
    assert (per_teste.favorevoli.teste, per_teste.contrari.teste) == (45, 3)
    assert per_teste.quorum_raggiunto
    # 45 > 3: one vote per comune, the small comuni carry it.
    assert verifiche(per_teste.maggioranza) == [(45, True)]
    assert esito(per_teste) == Esito.APPROVATA

    per_abitanti = calcola(ponderata(), pesi=pesi["cremonese"], presenti=presenti, voti=voti)
    assert (per_abitanti.favorevoli.popolazione, per_abitanti.contrari.popolazione) == (
        70670,
        86978,
    )
    # 70 670 > 86 978 is false: weighted by population, Cremona and two others stop it.
    assert verifiche(per_abitanti.maggioranza) == [(70670, False)]
    assert esito(per_abitanti) == Esito.RESPINTA
    assert "maggioranza semplice in abitanti" in per_abitanti.spiegazione

    # Both measures required: the population fails, so it is rejected.
    doppia = calcola(
        regola(peso=RegolaVoto.Peso.POPOLAZIONE, misura_maggioranza=Misura.ENTRAMBE),
        pesi=pesi["cremonese"],
        presenti=presenti,
        voti=voti,
    )
    assert verifiche(doppia.maggioranza) == [(45, True), (70670, False)]
    assert esito(doppia) == Esito.RESPINTA


def test_la_popolazione_da_sola_non_basta_con_un_minimo_di_comuni(pesi, pk):
    """Cremonese, all present. Cremona + Soresina favorevoli: 71 473 + 9 272 = 80 745 residents,
    more than half of 157 648 (2 x 80 745 = 161 490 > 157 648). The other 46 contrari:
    157 648 - 80 745 = 76 903."""
    favorevoli = set(pk("Cremona", "Soresina"))
    voti = {c: (FAV if c in favorevoli else CON) for c in pesi["cremonese"]}
    presenti = set(pesi["cremonese"])

    solo_popolazione = calcola(
        ponderata(maggioranza=RegolaVoto.Maggioranza.ASSOLUTA, base=RegolaVoto.Base.PRESENTI),
        pesi=pesi["cremonese"],
        presenti=presenti,
        voti=voti,
    )
    assert verifiche(solo_popolazione.maggioranza) == [(80745, True)]
    assert esito(solo_popolazione) == Esito.APPROVATA

    per_teste = calcola(regola(), pesi=pesi["cremonese"], presenti=presenti, voti=voti)
    assert verifiche(per_teste.maggioranza) == [(2, False)]  # 2 > 46 is false
    assert esito(per_teste) == Esito.RESPINTA

    # Double majority: the population majority and at least 11 comuni. Two are not enough.
    doppia = ponderata(
        maggioranza=RegolaVoto.Maggioranza.ASSOLUTA,
        base=RegolaVoto.Base.PRESENTI,
        minimo_comuni_favorevoli=11,
    )
    r = calcola(doppia, pesi=pesi["cremonese"], presenti=presenti, voti=voti)
    assert verifiche(r.maggioranza) == [(80745, True), (2, False)]
    assert esito(r) == Esito.RESPINTA
    assert "numero minimo di comuni favorevoli" in r.spiegazione


def test_cremona_da_sola_non_ha_la_maggioranza_della_popolazione(pesi, pk):
    """Cremona with the ten smallest comuni: 71 473 + 4 825 = 76 298 residents
    (280+318+426+457+500+517+546+570+599+612 = 4 825), 11 comuni: the minimum of comuni is met
    but 2 x 76 298 = 152 596 is not more than 157 648."""
    favorevoli = set(pk("Cremona", *[n for n, _ in PICCOLI_CREMONESE]))
    voti = {c: (FAV if c in favorevoli else CON) for c in pesi["cremonese"]}
    r = calcola(
        ponderata(
            maggioranza=RegolaVoto.Maggioranza.ASSOLUTA,
            base=RegolaVoto.Base.PRESENTI,
            minimo_comuni_favorevoli=11,
        ),
        pesi=pesi["cremonese"],
        presenti=set(pesi["cremonese"]),
        voti=voti,
    )
    assert r.favorevoli.teste == 11
    assert r.contrari.popolazione == 157648 - 76298 == 81350
    assert verifiche(r.maggioranza) == [(76298, False), (11, True)]
    assert esito(r) == Esito.RESPINTA


@pytest.mark.parametrize(
    ("piccoli", "teste", "abitanti", "atteso"),
    [
        # Cremona + Soresina + the 9 smallest (4 825 - 612 = 4 213): 80 745 + 4 213 = 84 958.
        (9, 11, 84958, Esito.APPROVATA),
        # Without Derovere (280): 84 958 - 280 = 84 678 residents but only 10 comuni.
        (8, 10, 84678, Esito.RESPINTA),
    ],
)
def test_doppia_maggioranza_popolazione_e_almeno_undici_comuni(
    pesi, pk, piccoli, teste, abitanti, atteso
):
    nomi = [n for n, _ in PICCOLI_CREMONESE[:9]]
    if piccoli == 8:
        nomi = nomi[1:]
    favorevoli = set(pk("Cremona", "Soresina", *nomi))
    voti = {c: (FAV if c in favorevoli else CON) for c in pesi["cremonese"]}
    r = calcola(
        ponderata(
            maggioranza=RegolaVoto.Maggioranza.ASSOLUTA,
            base=RegolaVoto.Base.PRESENTI,
            minimo_comuni_favorevoli=11,
        ),
        pesi=pesi["cremonese"],
        presenti=set(pesi["cremonese"]),
        voti=voti,
    )
    # 2 x 84 678 = 169 356 > 157 648: the population majority holds in both cases.
    assert verifiche(r.maggioranza) == [(abitanti, True), (teste, teste >= 11)]
    assert esito(r) == atteso


# --- Constitutive quorum ------------------------------------------------------------------------

TRE_GRANDI = ("Viadana", "Casalmaggiore", "Marcaria")  # 19 857 + 15 264 + 6 406 = 41 527


@pytest.mark.parametrize(
    ("quorum", "grandi", "piccoli", "atteso"),
    [
        # 3 of 27 comuni but 41 527 residents: 2 x 3 = 6 <= 27; 2 x 41 527 = 83 054 > 82 503.
        (Misura.TESTE, True, False, [(3, False)]),
        (Misura.POPOLAZIONE, True, False, [(41527, True)]),
        (Misura.ENTRAMBE, True, False, [(3, False), (41527, True)]),
        (Misura.NESSUNA, True, False, []),
        # The 14 smallest: 2 x 14 = 28 > 27, but 12 496 residents
        # (324+373+408+540+589+599+785+928+1048+1152+1158+1287+1597+1708 = 12 496).
        (Misura.TESTE, False, True, [(14, True)]),
        (Misura.POPOLAZIONE, False, True, [(12496, False)]),
        (Misura.ENTRAMBE, False, True, [(14, True), (12496, False)]),
        # Together: 17 comuni and 41 527 + 12 496 = 54 023 residents.
        (Misura.ENTRAMBE, True, True, [(17, True), (54023, True)]),
    ],
)
def test_quorum_costitutivo(pesi, pk, quorum, grandi, piccoli, atteso):
    presenti = set()
    if grandi:
        presenti |= set(pk(*TRE_GRANDI))
    if piccoli:
        presenti |= set(pk(*[n for n, _ in PICCOLI_OGLIO_PO]))
    # Everyone present votes favorevole: the outcome then depends on the quorum alone.
    voti = dict.fromkeys(presenti, FAV)
    r = calcola(
        regola(peso=RegolaVoto.Peso.POPOLAZIONE, quorum=quorum),
        pesi=pesi["oglio-po"],
        presenti=presenti,
        voti=voti,
    )
    assert verifiche(r.quorum) == atteso
    raggiunto = all(s for _, s in atteso)
    assert r.quorum_raggiunto is raggiunto
    assert esito(r) == (Esito.APPROVATA if raggiunto else Esito.NON_VALIDA)
    if not raggiunto:
        assert r.maggioranza == []  # a vote without quorum is not counted at all
        assert "Quorum non raggiunto" in r.spiegazione


def test_meta_esatta_non_e_quorum(pesi):
    """Cremonese, 48 comuni: 24 present is exactly half (2 x 24 = 48, not > 48); 25 is enough."""
    comuni = nomi_ordinati("cremonese")
    r = calcola(regola(), pesi=pesi["cremonese"], presenti=set(comuni[:24]), voti={})
    assert verifiche(r.quorum) == [(24, False)]
    assert esito(r) == Esito.NON_VALIDA
    r = calcola(regola(), pesi=pesi["cremonese"], presenti=set(comuni[:25]), voti={comuni[0]: FAV})
    assert verifiche(r.quorum) == [(25, True)]
    assert esito(r) == Esito.APPROVATA  # 1 favorevole, 0 contrari: simple majority of votes


@pytest.mark.parametrize(
    ("presenti", "convocazione", "seconda", "atteso"),
    [
        # Oglio Po, 27 comuni. First call: 9 is not more than half.
        (9, PRIMA, RegolaVoto.QuorumSeconda.UN_TERZO, [(9, False)]),
        # Second call, one third: 3 x 9 = 27 >= 27 (exactly a third is enough), 3 x 8 = 24 is not.
        (9, SECONDA, RegolaVoto.QuorumSeconda.UN_TERZO, [(9, True)]),
        (8, SECONDA, RegolaVoto.QuorumSeconda.UN_TERZO, [(8, False)]),
        # Second call with the same quorum as the first: 2 x 13 = 26 <= 27, 2 x 14 = 28 > 27.
        (13, SECONDA, RegolaVoto.QuorumSeconda.UGUALE, [(13, False)]),
        (14, SECONDA, RegolaVoto.QuorumSeconda.UGUALE, [(14, True)]),
        # Second call with no quorum: one comune is enough.
        (1, SECONDA, RegolaVoto.QuorumSeconda.NESSUNO, [(1, True)]),
        (1, PRIMA, RegolaVoto.QuorumSeconda.NESSUNO, [(1, False)]),
    ],
)
def test_seconda_convocazione_in_teste(pesi, presenti, convocazione, seconda, atteso):
    comuni = nomi_ordinati("oglio-po")[:presenti]
    r = calcola(
        regola(quorum_seconda=seconda),
        pesi=pesi["oglio-po"],
        presenti=set(comuni),
        voti=dict.fromkeys(comuni, FAV),
        convocazione=convocazione,
    )
    assert verifiche(r.quorum) == atteso
    assert esito(r) == (Esito.APPROVATA if atteso[0][1] else Esito.NON_VALIDA)


@pytest.mark.parametrize(
    ("nomi", "atteso"),
    [
        # Viadana + Casalmaggiore: 35 121 residents, 3 x 35 121 = 105 363 >= 82 503.
        (("Viadana", "Casalmaggiore"), [(35121, True)]),
        # Viadana alone: 3 x 19 857 = 59 571 < 82 503.
        (("Viadana",), [(19857, False)]),
    ],
)
def test_seconda_convocazione_un_terzo_della_popolazione(pesi, pk, nomi, atteso):
    presenti = set(pk(*nomi))
    r = calcola(
        ponderata(quorum_seconda=RegolaVoto.QuorumSeconda.UN_TERZO),
        pesi=pesi["oglio-po"],
        presenti=presenti,
        voti=dict.fromkeys(presenti, FAV),
        convocazione=SECONDA,
    )
    assert verifiche(r.quorum) == atteso


# --- Majorities, bases, abstentions ---------------------------------------------------------


def _cremasco(pesi, favorevoli, contrari, astenuti, silenziosi):
    """The first comuni of the Cremasco in alphabetical order: so many favorevoli, contrari,
    astenuti, then present without voting."""
    comuni = nomi_ordinati("cremasco")
    voti, i = {}, 0
    for scelta, quanti in ((FAV, favorevoli), (CON, contrari), (AST, astenuti)):
        for c in comuni[i : i + quanti]:
            voti[c] = scelta
        i += quanti
    presenti = set(comuni[: i + silenziosi])
    return presenti, voti


@pytest.mark.parametrize(
    ("nel_quorum", "tra_i_votanti", "presenti", "quorum", "base", "esito_assoluta"),
    [
        # 14 favorevoli, 11 contrari, 5 astenuti, all 30 present (of 48: 2 x 30 = 60 > 48).
        # Abstentions present and among the votes cast: base 30, 2 x 14 = 28 > 30 is false.
        (True, True, 30, True, 30, Esito.RESPINTA),
        # Abstentions present for the quorum only: 30 present, base 14 + 11 = 25, 28 > 25.
        (True, False, 30, True, 25, Esito.APPROVATA),
        # Abstentions not present: 25 present (2 x 25 = 50 > 48), base 25, 28 > 25.
        (False, False, 25, True, 25, Esito.APPROVATA),
    ],
)
def test_gli_astenuti_cambiano_quorum_e_base(
    pesi, nel_quorum, tra_i_votanti, presenti, quorum, base, esito_assoluta
):
    presenti_ora, voti = _cremasco(pesi, 14, 11, 5, 0)
    astenuti = {
        "astenuti_nel_quorum": nel_quorum,
        "astenuti_tra_i_votanti": tra_i_votanti,
    }
    r = calcola(
        regola(maggioranza=RegolaVoto.Maggioranza.ASSOLUTA, **astenuti),
        pesi=pesi["cremasco"],
        presenti=presenti_ora,
        voti=voti,
    )
    assert r.presenti.teste == presenti
    assert r.astenuti.teste == 5
    assert verifiche(r.quorum) == [(presenti, quorum)]
    assert verifiche(r.maggioranza) == [(14, base < 28)]
    assert str(base) in r.maggioranza[0].richiesto
    assert esito(r) == esito_assoluta
    # Simple majority: 14 > 11 either way.
    semplice = calcola(
        regola(**astenuti),
        pesi=pesi["cremasco"],
        presenti=presenti_ora,
        voti=voti,
    )
    assert esito(semplice) == Esito.APPROVATA


def test_gli_astenuti_non_presenti_fanno_mancare_il_quorum(pesi):
    """12 favorevoli, 10 contrari, 4 astenuti: 26 present with abstentions (2 x 26 = 52 > 48),
    22 without (44 <= 48)."""
    presenti, voti = _cremasco(pesi, 12, 10, 4, 0)
    con = calcola(regola(), pesi=pesi["cremasco"], presenti=presenti, voti=voti)
    senza = calcola(
        regola(astenuti_nel_quorum=False, astenuti_tra_i_votanti=False),
        pesi=pesi["cremasco"],
        presenti=presenti,
        voti=voti,
    )
    assert verifiche(con.quorum) == [(26, True)]
    assert esito(con) == Esito.APPROVATA
    assert verifiche(senza.quorum) == [(22, False)]
    assert esito(senza) == Esito.NON_VALIDA


def test_crema_che_si_astiene_fa_mancare_il_quorum_in_popolazione(pesi, pk):
    """The eight largest comuni of the Cremasco are present: 34 204 + 9 385 + 9 022 + 8 382 +
    7 559 + 7 038 + 5 926 + 5 059 = 86 575 residents, 2 x 86 575 = 173 150 > 162 287.
    Crema abstains: without it 86 575 - 34 204 = 52 371, 2 x 52 371 = 104 742 <= 162 287."""
    grandi = pk(
        "Crema",
        "Castelleone",
        "Pandino",
        "Rivolta d'Adda",
        "Soncino",
        "Spino d'Adda",
        "Offanengo",
        "Bagnolo Cremasco",
    )
    voti = {c: FAV for c in grandi[1:]} | {grandi[0]: AST}
    con = calcola(ponderata(), pesi=pesi["cremasco"], presenti=set(grandi), voti=voti)
    assert verifiche(con.quorum) == [(86575, True)]
    assert con.favorevoli.popolazione == 52371
    assert con.astenuti.popolazione == 34204
    assert esito(con) == Esito.APPROVATA
    # Absolute majority of the votes cast, abstentions included: 2 x 52 371 = 104 742 > 86 575.
    assoluta = calcola(
        ponderata(maggioranza=RegolaVoto.Maggioranza.ASSOLUTA),
        pesi=pesi["cremasco"],
        presenti=set(grandi),
        voti=voti,
    )
    assert verifiche(assoluta.maggioranza) == [(52371, True)]
    senza = calcola(
        ponderata(astenuti_nel_quorum=False, astenuti_tra_i_votanti=False),
        pesi=pesi["cremasco"],
        presenti=set(grandi),
        voti=voti,
    )
    assert verifiche(senza.quorum) == [(52371, False)]
    assert esito(senza) == Esito.NON_VALIDA


@pytest.mark.parametrize(
    ("base", "esito_atteso"),
    [
        # 14 favorevoli, 11 contrari, 5 present without voting. Of the votes cast: 28 > 25.
        (RegolaVoto.Base.VOTANTI, Esito.APPROVATA),
        # Of those present: 28 > 30 is false.
        (RegolaVoto.Base.PRESENTI, Esito.RESPINTA),
    ],
)
def test_base_voti_espressi_o_presenti(pesi, base, esito_atteso):
    presenti, voti = _cremasco(pesi, 14, 11, 0, 5)
    r = calcola(
        regola(maggioranza=RegolaVoto.Maggioranza.ASSOLUTA, base=base),
        pesi=pesi["cremasco"],
        presenti=presenti,
        voti=voti,
    )
    assert r.presenti.teste == 30
    assert esito(r) == esito_atteso


def test_semplice_contro_assoluta(pesi):
    """14 favorevoli, 11 contrari, 5 astenuti (present): simple 14 > 11 approves; absolute of the
    30 votes (2 x 14 = 28 <= 30) rejects."""
    presenti, voti = _cremasco(pesi, 14, 11, 5, 0)
    semplice = calcola(regola(), pesi=pesi["cremasco"], presenti=presenti, voti=voti)
    assoluta = calcola(
        regola(maggioranza=RegolaVoto.Maggioranza.ASSOLUTA),
        pesi=pesi["cremasco"],
        presenti=presenti,
        voti=voti,
    )
    assert (esito(semplice), esito(assoluta)) == (Esito.APPROVATA, Esito.RESPINTA)


# --- Edge cases --------------------------------------------------------------------------------


def test_parita_per_teste_respinge(pesi):
    """Cremonese, 26 present (2 x 26 = 52 > 48): 13 favorevoli, 13 contrari. 13 > 13 is false."""
    comuni = nomi_ordinati("cremonese")[:26]
    voti = {c: (FAV if i < 13 else CON) for i, c in enumerate(comuni)}
    r = calcola(regola(), pesi=pesi["cremonese"], presenti=set(comuni), voti=voti)
    assert verifiche(r.maggioranza) == [(13, False)]
    assert esito(r) == Esito.RESPINTA


def test_parita_e_meta_esatta_in_popolazione(pesi, pk):
    """Castelvisconti (318) + Cicognolo (956) = 1 274 = Paderno Ponchielli (1 274).
    The two small ones favorevoli, Paderno Ponchielli contrario; no quorum required."""
    a, b, c = pk("Castelvisconti", "Cicognolo", "Paderno Ponchielli")
    voti = {a: FAV, b: FAV, c: CON}
    senza_quorum = {"quorum": Misura.NESSUNA}
    per_teste = calcola(regola(**senza_quorum), pesi=pesi["cremonese"], presenti=set(), voti=voti)
    assert esito(per_teste) == Esito.APPROVATA  # 2 > 1
    semplice = calcola(ponderata(**senza_quorum), pesi=pesi["cremonese"], presenti=set(), voti=voti)
    assert (semplice.favorevoli.popolazione, semplice.contrari.popolazione) == (1274, 1274)
    assert verifiche(semplice.maggioranza) == [(1274, False)]  # 1 274 > 1 274 is false
    assert esito(semplice) == Esito.RESPINTA
    # Absolute majority of the votes cast: 2 x 1 274 = 2 548, exactly the base: not more.
    assoluta = calcola(
        ponderata(maggioranza=RegolaVoto.Maggioranza.ASSOLUTA, **senza_quorum),
        pesi=pesi["cremonese"],
        presenti=set(),
        voti=voti,
    )
    assert assoluta.presenti.popolazione == 2548  # who votes is present
    assert verifiche(assoluta.maggioranza) == [(1274, False)]
    assert esito(assoluta) == Esito.RESPINTA


def test_maggioranza_assoluta_meta_esatta_per_teste(pesi):
    """Cremonese, 26 present: 13 favorevoli, 12 contrari, 1 astenuto. Base 26: 2 x 13 = 26 is
    not more than 26; with 14 favorevoli and 11 contrari it is (28 > 26)."""
    comuni = nomi_ordinati("cremonese")[:26]
    voti = {c: (FAV if i < 13 else AST if i == 25 else CON) for i, c in enumerate(comuni)}
    assoluta = regola(maggioranza=RegolaVoto.Maggioranza.ASSOLUTA)
    r = calcola(assoluta, pesi=pesi["cremonese"], presenti=set(comuni), voti=voti)
    assert verifiche(r.maggioranza) == [(13, False)]
    voti[comuni[13]] = FAV
    r = calcola(assoluta, pesi=pesi["cremonese"], presenti=set(comuni), voti=voti)
    assert verifiche(r.maggioranza) == [(14, True)]


def test_nessuno_vota(pesi):
    for slug in ("cremonese", "cremasco", "oglio-po"):
        r = calcola(regola(), pesi=pesi[slug], presenti=set(), voti={})
        assert (r.presenti.teste, r.presenti.popolazione) == (0, 0)
        assert esito(r) == Esito.NON_VALIDA
        r = calcola(regola(quorum=Misura.NESSUNA), pesi=pesi[slug], presenti=set(), voti={})
        assert r.quorum_raggiunto
        assert esito(r) == Esito.RESPINTA  # 0 > 0 is false: nothing is approved by nobody
        r = calcola(
            ponderata(quorum=Misura.NESSUNA, maggioranza=RegolaVoto.Maggioranza.ASSOLUTA),
            pesi=pesi[slug],
            presenti=set(),
            voti={},
        )
        assert esito(r) == Esito.RESPINTA


def test_un_comune_senza_diritto_non_conta(pesi, pk):
    """Crema (Cremasco) is not entitled in a vote of the Cremonese: its ballot and its presence
    are ignored. Castelvisconti favorevole (318), Cicognolo contrario (956)."""
    crema, a, b = pk("Crema", "Castelvisconti", "Cicognolo")
    voti = {crema: FAV, a: FAV, b: CON}
    r = calcola(
        ponderata(quorum=Misura.NESSUNA),
        pesi=pesi["cremonese"],
        presenti={crema, a, b},
        voti=voti,
    )
    assert (r.favorevoli.teste, r.favorevoli.popolazione) == (1, 318)
    assert (r.presenti.teste, r.presenti.popolazione) == (2, 1274)
    assert (r.aventi_diritto.teste, r.aventi_diritto.popolazione) == (48, 157648)
    # Crema's 34 204 residents would have made it 34 522 > 956.
    assert esito(r) == Esito.RESPINTA


def test_il_risultato_si_serializza_in_interi(pesi, pk):
    presenti, voti = _cremona_e_due_contro_tutti(pesi, pk)
    dati = calcola(ponderata(), pesi=pesi["cremonese"], presenti=presenti, voti=voti).as_dict()
    assert dati["favorevoli"] == {"teste": 45, "popolazione": 70670}
    assert dati["contrari"] == {"teste": 3, "popolazione": 86978}
    assert dati["presenti"] == {"teste": 48, "popolazione": 157648}
    assert dati["quorum_raggiunto"] is True
    assert dati["esito"] == "respinta"


# --- How the figures and the explanation read --------------------------------------------------


def test_le_soglie_hanno_il_separatore_delle_migliaia(pesi):
    """The Cremasco has 162 287 residents: the threshold reads like the figures next to it."""
    tutti = set(pesi["cremasco"])
    r = calcola(
        ponderata(maggioranza=RegolaVoto.Maggioranza.ASSOLUTA, base=RegolaVoto.Base.PRESENTI),
        pesi=pesi["cremasco"],
        presenti=tutti,
        voti=dict.fromkeys(tutti, FAV),
    )
    assert r.quorum[0].richiesto == "più della metà di 162.287"
    assert r.maggioranza[0].richiesto == "più della metà di 162.287 (dei presenti)"


@pytest.mark.parametrize(
    ("silenziosi", "frase"),
    [
        (0, None),
        (1, "1 comune presente non ha votato."),
        (3, "3 comuni presenti non hanno votato."),
    ],
)
def test_la_spiegazione_conta_i_presenti_che_non_hanno_votato(pesi, silenziosi, frase):
    # 14 favorevoli, 11 contrari, 5 astenuti, then present without voting: 30 + silenziosi of 48.
    presenti, voti = _cremasco(pesi, 14, 11, 5, silenziosi)
    r = calcola(regola(), pesi=pesi["cremasco"], presenti=presenti, voti=voti)
    assert esito(r) == Esito.APPROVATA
    assert r.spiegazione.startswith("Quorum raggiunto e maggioranza richiesta ottenuta")
    if frase is None:
        assert "non ha" not in r.spiegazione
    else:
        assert r.spiegazione.endswith(frase)


def test_anche_una_votazione_non_valida_conta_chi_non_ha_votato(pesi):
    presenti, voti = _cremasco(pesi, 2, 0, 0, 2)
    r = calcola(regola(), pesi=pesi["cremasco"], presenti=presenti, voti=voti)
    assert r.spiegazione == (
        "Quorum non raggiunto: la votazione non è valida. 2 comuni presenti non hanno votato."
    )
