# Periodo and AreaPolicy moved to ambiti with their tables (ambiti/0003): the foreign keys
# already point at those tables, so only Django's state changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ambiti', '0003_periodo_areapolicy'),
        ('piani', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='piano',
                    name='periodo',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='piani', to='ambiti.periodo', verbose_name='periodo'),
                ),
                migrations.AlterField(
                    model_name='sezione',
                    name='area',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ambiti.areapolicy', verbose_name='area di policy (per il blocco obiettivi)'),
                ),
            ],
        ),
    ]
