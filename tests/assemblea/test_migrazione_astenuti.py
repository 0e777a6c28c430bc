"""assemblea/0004-0005 on a database that already holds rules: the one flag on abstentions becomes the
two, each rule keeping its meaning (abstainers present counted for the quorum and among the votes
cast; abstainers not present counted for neither); back to 0003 the quorum flag is the old one."""

import pytest

from tests.utils.migrazioni import migra

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrazione"),
]

PRIMA = [("assemblea", "0003_presidente_e_segretario")]
DOPO = [("assemblea", "0005_astenuti_senza_vecchio_flag")]


def _regole(apps, ambiti):
    RegolaVoto = apps.get_model("assemblea", "RegolaVoto")
    return {
        flag: RegolaVoto.objects.create(
            ambito_id=ambito.pk, versione=1, peso="uno", astenuti_presenti=flag
        ).pk
        for flag, ambito in zip((True, False), ambiti, strict=True)
    }


def test_il_vecchio_flag_diventa_i_due_nuovi(cremasco, cremonese):
    pk = _regole(migra(PRIMA).apps, (cremasco, cremonese))

    RegolaVoto = migra(DOPO).apps.get_model("assemblea", "RegolaVoto")
    dopo = {
        r.pk: (r.astenuti_nel_quorum, r.astenuti_tra_i_votanti)
        for r in RegolaVoto.objects.filter(pk__in=pk.values())
    }
    assert dopo == {pk[True]: (True, True), pk[False]: (False, False)}

    # Back: the old flag follows the quorum.
    RegolaVoto.objects.filter(pk=pk[True]).update(astenuti_tra_i_votanti=False)
    RegolaVoto = migra(PRIMA).apps.get_model("assemblea", "RegolaVoto")
    indietro = dict(
        RegolaVoto.objects.filter(pk__in=pk.values()).values_list("pk", "astenuti_presenti")
    )
    assert indietro == {pk[True]: True, pk[False]: False}
