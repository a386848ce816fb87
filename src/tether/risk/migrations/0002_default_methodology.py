"""Install the seeds' risk categories and the default methodology (version 1)."""

from django.db import migrations

from tether.risk.methodology import DEFAULT_CATEGORIES, DEFAULT_CONFIG


def install(apps, schema_editor):
    category_model = apps.get_model("risk", "RiskCategory")
    methodology_model = apps.get_model("risk", "Methodology")
    for position, (code, name, description) in enumerate(DEFAULT_CATEGORIES):
        category_model.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "position": position})
    if not methodology_model.objects.exists():
        methodology_model.objects.create(
            version=1, name="Tether default methodology", config=DEFAULT_CONFIG,
            is_current=True,
            change_note="Installed with Tether: the seeds' categories, a 5×5 matrix.")


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
