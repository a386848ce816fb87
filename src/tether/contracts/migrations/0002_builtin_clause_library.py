"""Install Tether's built-in clause library (data/clauses.yaml); `tether load_clauses` keeps
it up to date afterwards, with the audit trail."""

from django.db import migrations

from tether.contracts.library import read_library


def install(apps, schema_editor):
    requirement_model = apps.get_model("contracts", "ClauseRequirement")
    for spec in read_library():
        requirement_model.objects.get_or_create(code=spec.code, defaults={
            "title": spec.title, "requirement": spec.requirement,
            "sources": "\n".join(spec.sources), "applies_to": spec.applies_to,
            "position": spec.position, "is_builtin": True, "is_active": True})


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
