# Periodo and AreaPolicy move from obiettivi to ambiti, which sits below tavoli and obiettivi and
# needs them itself. Deployed databases hold data: the tables keep their names (Meta.db_table),
# so the move is in Django's state only and no row is copied or touched. The content types move
# with the models, so that the admin permissions already granted on them keep working.

import django.db.models.deletion
import django.db.models.expressions
from django.db import migrations, models

MODELLI = ("periodo", "areapolicy")


def sposta_tipi(apps, schema_editor, da, verso):
    ContentType = apps.get_model("contenttypes", "ContentType")
    tipi = ContentType.objects.using(schema_editor.connection.alias)
    # A row already under the target label (left by an earlier round trip) stays where it is:
    # remove_stale_contenttypes is the tool that asks what to do with duplicates.
    presenti = tipi.filter(app_label=verso, model__in=MODELLI).values_list("model", flat=True)
    tipi.filter(app_label=da, model__in=MODELLI).exclude(model__in=list(presenti)).update(
        app_label=verso
    )
    ContentType.objects.clear_cache()


def verso_ambiti(apps, schema_editor):
    sposta_tipi(apps, schema_editor, "obiettivi", "ambiti")


def verso_obiettivi(apps, schema_editor):
    sposta_tipi(apps, schema_editor, "ambiti", "obiettivi")


class Migration(migrations.Migration):

    dependencies = [
        ('ambiti', '0002_alter_iscrizione_options'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('obiettivi', '0002_piano_obiettivi'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Periodo',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('nome', models.CharField(max_length=20, unique=True, verbose_name='nome')),
                        ('anno_inizio', models.PositiveSmallIntegerField(verbose_name='primo anno')),
                        ('anno_fine', models.PositiveSmallIntegerField(verbose_name='ultimo anno')),
                        ('riferimento_normativo', models.CharField(blank=True, max_length=200, verbose_name='linee di indirizzo regionali')),
                    ],
                    options={
                        'verbose_name': 'periodo di programmazione',
                        'verbose_name_plural': 'periodi di programmazione',
                        'db_table': 'obiettivi_periodo',
                        'ordering': ['-anno_inizio'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('anno_fine__gte', models.F('anno_inizio')), ('anno_fine__lte', django.db.models.expressions.CombinedExpression(models.F('anno_inizio'), '+', models.Value(5)))), name='periodo_anni_coerenti')],
                    },
                ),
                migrations.CreateModel(
                    name='AreaPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('periodo', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='aree', to='ambiti.periodo', verbose_name='periodo')),
                        ('nome', models.CharField(max_length=150, verbose_name='nome')),
                        ('slug', models.SlugField(max_length=80, verbose_name='codice')),
                        ('descrizione', models.TextField(blank=True, verbose_name='descrizione')),
                        ('ordine', models.PositiveSmallIntegerField(default=0, verbose_name='ordine')),
                        ('integrazione_sociosanitaria', models.BooleanField(default=False, verbose_name='a integrazione socio-sanitaria')),
                        ('trasversale', models.BooleanField(default=False, verbose_name='trasversale')),
                    ],
                    options={
                        'verbose_name': 'area di policy',
                        'verbose_name_plural': 'aree di policy',
                        'db_table': 'obiettivi_areapolicy',
                        'ordering': ['periodo', 'ordine', 'nome'],
                        'constraints': [models.UniqueConstraint(fields=('periodo', 'nome'), name='area_nome_unico_per_periodo'), models.UniqueConstraint(fields=('periodo', 'slug'), name='area_slug_unico_per_periodo')],
                    },
                ),
                migrations.AlterField(
                    model_name='iscrizione',
                    name='aree_policy',
                    field=models.ManyToManyField(blank=True, related_name='iscrizioni', to='ambiti.areapolicy', verbose_name='aree di policy scelte'),
                ),
            ],
        ),
        migrations.RunPython(verso_ambiti, verso_obiettivi),
    ]
