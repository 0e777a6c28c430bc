# The one flag on abstentions, replaced in 0004 by astenuti_nel_quorum and astenuti_tra_i_votanti.

from django.db import migrations


def due_flag_in_uno(apps, schema_editor):
    # Back to one flag: the quorum decides, since that is what makes a vote valid.
    RegolaVoto = apps.get_model("assemblea", "RegolaVoto")
    for valore in (True, False):
        RegolaVoto.objects.filter(astenuti_nel_quorum=valore).update(astenuti_presenti=valore)


class Migration(migrations.Migration):

    dependencies = [
        ('assemblea', '0004_astensioni_maggioranze_qualificate_quote'),
    ]

    operations = [
        # Backwards, once the old column is back (reversed operations run last to first).
        migrations.RunPython(migrations.RunPython.noop, due_flag_in_uno),
        migrations.RemoveField(
            model_name='regolavoto',
            name='astenuti_presenti',
        ),
    ]
