from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("action_plans", "0004_history_to_activity_log")]

    operations = [
        migrations.DeleteModel(name="RealisationEvent"),
        migrations.DeleteModel(name="PlanRevision"),
    ]
