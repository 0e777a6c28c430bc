# AreaPolicy moved to ambiti with its table (ambiti/0003): the foreign keys already point at
# that table, so only Django's state changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ambiti', '0003_periodo_areapolicy'),
        ('tavoli', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='esito',
                    name='area_policy',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='esiti', to='ambiti.areapolicy', verbose_name='area di policy'),
                ),
                migrations.AlterField(
                    model_name='tavolo',
                    name='aree_policy',
                    field=models.ManyToManyField(blank=True, related_name='tavoli', to='ambiti.areapolicy', verbose_name='aree di policy'),
                ),
            ],
        ),
    ]
