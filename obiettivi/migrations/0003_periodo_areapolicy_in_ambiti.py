# Periodo and AreaPolicy now live in ambiti (ambiti/0003), on the same tables: the objectives'
# keys are repointed and the models leave this app in Django's state only, so no table is
# dropped and no row is touched.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ambiti', '0003_periodo_areapolicy'),
        ('obiettivi', '0002_piano_obiettivi'),
        ('piani', '0002_periodo_areapolicy_in_ambiti'),
        ('tavoli', '0002_areapolicy_in_ambiti'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='obiettivo',
                    name='periodo',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='obiettivi', to='ambiti.periodo', verbose_name='periodo'),
                ),
                migrations.AlterField(
                    model_name='obiettivo',
                    name='aree_policy',
                    field=models.ManyToManyField(related_name='obiettivi', to='ambiti.areapolicy', verbose_name='aree di policy'),
                ),
                migrations.DeleteModel(
                    name='AreaPolicy',
                ),
                migrations.DeleteModel(
                    name='Periodo',
                ),
            ],
        ),
    ]
