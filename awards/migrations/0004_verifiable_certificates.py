import awards.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill_verification_codes(apps, schema_editor):
    """Every award given before certificates could be verified gets its own random code."""
    Award = apps.get_model("awards", "Award")
    used = set()
    pending = list(Award.objects.filter(verification_code__isnull=True).only("pk"))
    for award in pending:
        code = awards.models.new_verification_code()
        while code in used:
            code = awards.models.new_verification_code()
        used.add(code)
        award.verification_code = code
    # Only this non-key column changes: no deferred foreign-key checks are queued, so the
    # AlterField below may follow in the same transaction.
    Award.objects.bulk_update(pending, ["verification_code"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0003_one_peoples_choice_per_nomination'),
        ('projects', '0011_catalogue_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Django's three steps for a unique field on a table with rows: nullable, filled, unique.
        migrations.AddField(
            model_name='award',
            name='verification_code',
            field=models.CharField(editable=False, max_length=16, null=True, verbose_name='verification code'),
        ),
        migrations.RunPython(fill_verification_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='award',
            name='verification_code',
            field=models.CharField(default=awards.models.new_verification_code, editable=False, help_text='Printed on the certificate with a QR code; anyone can check the certificate with it.', max_length=16, unique=True, verbose_name='verification code'),
        ),
        migrations.CreateModel(
            name='RevokedCertificate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('verification_code', models.CharField(max_length=16, unique=True, verbose_name='verification code')),
                ('project_title', models.CharField(max_length=200, verbose_name='project title')),
                ('project_language', models.CharField(max_length=2, verbose_name='language of the project')),
                ('organisation_name', models.CharField(max_length=300, verbose_name='organisation')),
                ('kind', models.CharField(choices=[('jury', 'Jury prize'), ('grant', 'Grant'), ('peoples_choice', "People's choice"), ('special', 'Special mention'), ('participant', 'Participant')], max_length=20, verbose_name='kind')),
                ('place', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1st place'), (2, '2nd place'), (3, '3rd place')], null=True, verbose_name='place')),
                ('title_kk', models.CharField(max_length=200, verbose_name='title (Kazakh)')),
                ('title_ru', models.CharField(max_length=200, verbose_name='title (Russian)')),
                ('title_en', models.CharField(blank=True, max_length=200, verbose_name='title (English)')),
                ('ceremony_held_at', models.DateTimeField(verbose_name='ceremony date')),
                ('given_at', models.DateTimeField(verbose_name='given')),
                ('revoked_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='revoked')),
                ('fair', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revoked_certificates', to='projects.fair', verbose_name='fair')),
                ('project', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='revoked_certificates', to='projects.project', verbose_name='project')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by')),
            ],
            options={
                'verbose_name': 'revoked certificate',
                'verbose_name_plural': 'revoked certificates',
                'ordering': ['-revoked_at'],
            },
        ),
    ]
