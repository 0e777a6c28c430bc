# What was actually spent per objective, fund and year, for the evaluation of the plan. As for
# resources (obiettivi/0002), a trigger refuses a year outside the objective's period, whatever
# writes the row; the SQL is frozen here, not imported from app code.

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

_FUORI = (
    "NEW.anno < (SELECT p.anno_inizio FROM obiettivi_obiettivo o JOIN obiettivi_periodo p ON "
    "p.id = o.periodo_id WHERE o.id = NEW.obiettivo_id) OR NEW.anno > (SELECT p.anno_fine FROM "
    "obiettivi_obiettivo o JOIN obiettivi_periodo p ON p.id = o.periodo_id WHERE o.id = "
    "NEW.obiettivo_id)"
)

ANNO_NEL_PERIODO = {
    "postgresql": {
        "crea": [
            """
            CREATE FUNCTION obiettivi_spesaeffettiva_anno_nel_periodo() RETURNS trigger AS $$
            DECLARE inizio integer; fine integer;
            BEGIN
                SELECT p.anno_inizio, p.anno_fine INTO inizio, fine
                FROM obiettivi_obiettivo o JOIN obiettivi_periodo p ON p.id = o.periodo_id
                WHERE o.id = NEW.obiettivo_id;
                IF NEW.anno < inizio OR NEW.anno > fine THEN
                    RAISE EXCEPTION 'anno % fuori dal periodo del piano (%-%)',
                        NEW.anno, inizio, fine USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql
            """,
            "CREATE TRIGGER obiettivi_spesaeffettiva_anno_nel_periodo BEFORE INSERT OR UPDATE ON "
            "obiettivi_spesaeffettiva FOR EACH ROW EXECUTE FUNCTION "
            "obiettivi_spesaeffettiva_anno_nel_periodo()",
        ],
        "elimina": [
            "DROP TRIGGER IF EXISTS obiettivi_spesaeffettiva_anno_nel_periodo ON "
            "obiettivi_spesaeffettiva",
            "DROP FUNCTION IF EXISTS obiettivi_spesaeffettiva_anno_nel_periodo()",
        ],
    },
    "sqlite": {
        "crea": [
            f"CREATE TRIGGER obiettivi_spesaeffettiva_anno_nel_periodo_{quando.lower()} BEFORE "
            f"{quando} ON obiettivi_spesaeffettiva WHEN {_FUORI} BEGIN SELECT RAISE(ABORT, "
            "'anno fuori dal periodo del piano'); END"
            for quando in ("INSERT", "UPDATE")
        ],
        "elimina": [
            "DROP TRIGGER IF EXISTS obiettivi_spesaeffettiva_anno_nel_periodo_insert",
            "DROP TRIGGER IF EXISTS obiettivi_spesaeffettiva_anno_nel_periodo_update",
        ],
    },
}


def crea_trigger(apps, schema_editor):
    for istruzione in ANNO_NEL_PERIODO[schema_editor.connection.vendor]["crea"]:
        schema_editor.execute(istruzione, params=None)


def elimina_trigger(apps, schema_editor):
    for istruzione in ANNO_NEL_PERIODO[schema_editor.connection.vendor]["elimina"]:
        schema_editor.execute(istruzione, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('obiettivi', '0004_gruppi_destinatari'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SpesaEffettiva',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('anno', models.PositiveSmallIntegerField(verbose_name='anno')),
                ('importo', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='speso (€)')),
                ('registrato_il', models.DateTimeField(auto_now=True)),
                ('fondo', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='spese_effettive', to='obiettivi.fondo', verbose_name='fondo')),
                ('obiettivo', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='spese_effettive', to='obiettivi.obiettivo', verbose_name='obiettivo')),
                ('registrato_da', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'spesa effettiva',
                'verbose_name_plural': 'spese effettive',
                'ordering': ['obiettivo', 'anno', 'fondo__ordine'],
            },
        ),
        migrations.AddConstraint(
            model_name='spesaeffettiva',
            constraint=models.UniqueConstraint(fields=('obiettivo', 'anno', 'fondo'), name='una_spesa_per_anno_e_fondo'),
        ),
        migrations.AddConstraint(
            model_name='spesaeffettiva',
            constraint=models.CheckConstraint(condition=models.Q(('importo__gte', 0)), name='spesa_non_negativa'),
        ),
        migrations.RunPython(crea_trigger, elimina_trigger),
    ]
