"""assemblea/0006 on a database that already holds sessions: one opened in second call before the
portal recorded deserted first calls gets its first call marked deserted at the first call's time,
saying that its presences were not recorded; the others are left as they were."""

import datetime

import pytest

from tests.utils.migrazioni import migra

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrazione"),
]

PRIMA = [("assemblea", "0005_astenuti_senza_vecchio_flag")]
DOPO = [("assemblea", "0006_prima_convocazione_deserta")]
ORA = datetime.datetime(2026, 3, 10, 16, 30, tzinfo=datetime.UTC)


def test_le_sedute_gia_aperte_in_seconda_hanno_la_prima_deserta(cremasco):
    Vecchia = migra(PRIMA).apps.get_model("assemblea", "Seduta")

    def seduta(titolo, **campi):
        return Vecchia.objects.create(
            ambito_id=cremasco.pk,
            titolo=titolo,
            modalita="online",
            link_online="https://riunioni.example.org/a",
            prima_convocazione=ORA,
            seconda_convocazione=ORA + datetime.timedelta(days=1),
            **campi,
        )

    # Opened in second call three days early, as the portal allowed.
    in_seconda = seduta(
        "In seconda",
        stato="aperta",
        convocazione="seconda",
        aperta_il=ORA - datetime.timedelta(days=2),
    )
    in_prima = seduta("In prima", stato="aperta", convocazione="prima", aperta_il=ORA)
    convocata = seduta("Convocata")

    # The model as 0006 left it: today's has columns that later migrations add.
    Nuova = migra(DOPO).apps.get_model("assemblea", "Seduta")
    dopo = {s.pk: s for s in Nuova.objects.all()}
    assert dopo[in_seconda.pk].prima_deserta_il == ORA
    assert dopo[in_seconda.pk].quorum_prima == {"ricostruita": True}
    # Its true opening time stays.
    assert dopo[in_seconda.pk].aperta_il == ORA - datetime.timedelta(days=2)
    for altra in (in_prima, convocata):
        assert dopo[altra.pk].prima_deserta_il is None
        assert dopo[altra.pk].quorum_prima is None
