from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_transitions_to_activity_log")]

    operations = [migrations.DeleteModel(name="Transition")]
