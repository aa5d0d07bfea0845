import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("action_plans", "0006_rules_and_history"),
    ]

    operations = [
        # Added empty first, so activities recorded before count as always in the plan (a
        # default here would date them all to the day of this migration).
        migrations.AddField(
            model_name="activity",
            name="created_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ditambahkan"),
        ),
        migrations.AlterField(
            model_name="activity",
            name="created_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                null=True,
                verbose_name="ditambahkan",
            ),
        ),
    ]
