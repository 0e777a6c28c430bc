# Target groups become a list (Destinatario) an objective picks several of; the free text stays
# as a note. The default list is seeded here, so that every install has it, and the objectives
# already written get the groups their text clearly names («Anziani soli» → anziani).
#
# Both lists are frozen here, not imported: the migration must do the same whatever the code
# becomes.

import django.db.models.deletion
from django.db import migrations, models

# (slug, nome): the target groups the Piani di Zona of Lombardy plan for, in this order.
GRUPPI = [
    ("anziani", "Anziani"),
    ("minori", "Minori"),
    ("famiglie", "Famiglie"),
    ("persone-con-disabilita", "Persone con disabilità"),
    ("giovani", "Giovani"),
    ("persone-in-poverta", "Persone in povertà"),
    ("stranieri", "Stranieri"),
    ("donne-vittime-di-violenza", "Donne vittime di violenza"),
    ("persone-con-dipendenze", "Persone con dipendenze"),
    ("persone-senza-dimora", "Persone senza dimora"),
    ("caregiver-familiari", "Caregiver familiari"),
]

# (slug, stems the lower-cased text must contain one of). Only words that name the group with
# no doubt: «nuclei» or «fragili» could be many groups and are left to the Ufficio di Piano.
RICONOSCIMENTO = [
    ("anziani", ("anzian",)),
    ("minori", ("minori", "minore", "bambin", "adolescen")),
    ("famiglie", ("famiglia", "famiglie")),
    ("persone-con-disabilita", ("disabil", "handicap")),
    ("giovani", ("giovan",)),
    ("persone-in-poverta", ("povert", "indigen")),
    ("stranieri", ("stranier", "immigrat", "migrant", "rifugiat", "richiedenti asilo")),
    ("donne-vittime-di-violenza", ("violenza di genere", "vittime di violenza", "maltrattat")),
    ("persone-con-dipendenze", ("dipendenz", "tossicodipend", "alcoldipend")),
    ("persone-senza-dimora", ("senza dimora", "senza fissa dimora", "senzatetto")),
    ("caregiver-familiari", ("caregiver",)),
]


def semina_e_riconosci(apps, schema_editor):
    Destinatario = apps.get_model("obiettivi", "Destinatario")
    Obiettivo = apps.get_model("obiettivi", "Obiettivo")
    gruppi = {}
    for ordine, (slug, nome) in enumerate(GRUPPI, start=1):
        gruppi[slug], _creato = Destinatario.objects.get_or_create(
            slug=slug, ambito=None, defaults={"nome": nome, "ordine": ordine * 10}
        )
    Legame = Obiettivo.gruppi_destinatari.through
    legami = []
    for pk, testo in Obiettivo.objects.exclude(destinatari="").values_list("pk", "destinatari"):
        testo = " ".join(testo.split()).casefold()
        for slug, radici in RICONOSCIMENTO:
            if any(radice in testo for radice in radici):
                legami.append(Legame(obiettivo_id=pk, destinatario_id=gruppi[slug].pk))
    Legame.objects.bulk_create(legami, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('ambiti', '0005_voto_online_accesso'),
        ('obiettivi', '0003_periodo_areapolicy_in_ambiti'),
    ]

    operations = [
        migrations.AlterField(
            model_name='obiettivo',
            name='destinatari',
            field=models.CharField(blank=True, max_length=250, verbose_name='note sui destinatari'),
        ),
        migrations.CreateModel(
            name='Destinatario',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('nome', models.CharField(max_length=80, verbose_name='nome')),
                ('slug', models.SlugField(max_length=80, verbose_name='codice')),
                ('ordine', models.PositiveSmallIntegerField(default=0, verbose_name='ordine')),
                ('attivo', models.BooleanField(default=True, help_text='Un gruppo non attivo resta sugli obiettivi che lo hanno, non si sceglie più.', verbose_name='attivo')),
                ('ambito', models.ForeignKey(blank=True, help_text='Vuoto per i gruppi comuni a tutti gli ambiti.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='destinatari', to='ambiti.ambito', verbose_name='ambito')),
            ],
            options={
                'verbose_name': 'gruppo di destinatari',
                'verbose_name_plural': 'gruppi di destinatari',
                'ordering': ['ordine', 'nome'],
            },
        ),
        migrations.AddField(
            model_name='obiettivo',
            name='gruppi_destinatari',
            field=models.ManyToManyField(blank=True, related_name='obiettivi', to='obiettivi.destinatario', verbose_name='destinatari'),
        ),
        migrations.AddConstraint(
            model_name='destinatario',
            constraint=models.UniqueConstraint(condition=models.Q(('ambito__isnull', True)), fields=('slug',), name='destinatario_comune_unico'),
        ),
        migrations.AddConstraint(
            model_name='destinatario',
            constraint=models.UniqueConstraint(fields=('ambito', 'slug'), name='destinatario_unico_per_ambito'),
        ),
        migrations.RunPython(semina_e_riconosci, migrations.RunPython.noop),
    ]
