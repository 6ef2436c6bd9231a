"""Organisations are one record per name and country whatever the case and accents; a
correction says what kind of problem it is, about which information.

Organisations that only differed in case or accents are merged into the oldest one.
"""

from django.db import migrations, models

from core.text import fold


def fold_organisation_names(apps, schema_editor):
    Organisation = apps.get_model("clusters", "Organisation")
    Membership = apps.get_model("clusters", "Membership")
    kept = {}
    for organisation in Organisation.objects.order_by("created_at", "pk"):
        key = (fold(organisation.name), organisation.country)
        if key not in kept:
            kept[key] = organisation
            Organisation.objects.filter(pk=organisation.pk).update(name_key=key[0])
            continue
        survivor = kept[key]
        clusters = set(survivor.memberships.values_list("cluster_id", flat=True))
        Membership.objects.filter(organisation=organisation).exclude(
            cluster_id__in=clusters
        ).update(organisation=survivor)
        organisation.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('clusters', '0006_provenance_and_folded_text'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='organisation',
            name='organisation_unique_name_per_country',
        ),
        migrations.AddField(
            model_name='correctionsuggestion',
            name='current_value',
            field=models.TextField(blank=True, verbose_name='value when sent'),
        ),
        migrations.AddField(
            model_name='correctionsuggestion',
            name='field',
            field=models.CharField(blank=True, max_length=40, verbose_name='which information'),
        ),
        migrations.AddField(
            model_name='correctionsuggestion',
            name='kind',
            field=models.CharField(choices=[('wrong', 'Some information is wrong or missing'), ('closed', 'The cluster no longer exists'), ('duplicate', 'It is listed twice: a duplicate of another cluster'), ('other', 'Something else')], default='wrong', max_length=10, verbose_name='what is the problem'),
        ),
        migrations.AddField(
            model_name='correctionsuggestion',
            name='proposed_value',
            field=models.TextField(blank=True, max_length=2000, verbose_name='proposed value'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='name_key',
            field=models.CharField(db_index=True, default='', editable=False, max_length=200),
        ),
        migrations.AlterField(
            model_name='correctionsuggestion',
            name='email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='correctionsuggestion',
            name='message',
            field=models.TextField(blank=True, max_length=4000, verbose_name='details'),
        ),
        migrations.AlterField(
            model_name='correctionsuggestion',
            name='name',
            field=models.CharField(blank=True, max_length=150, verbose_name='name'),
        ),
migrations.AlterField(
            model_name='cluster',
            name='description',
            field=models.TextField(blank=True, max_length=5000, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='cluster',
            name='staff_notes',
            field=models.TextField(blank=True, max_length=5000, verbose_name='staff notes'),
        ),
        migrations.RunPython(fold_organisation_names, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(fields=('name_key', 'country'), name='organisation_unique_name_per_country'),
        ),
    ]
