from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0004_chain_existing_audit_entries")]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(
                editable=False, unique=True,
                help_text="Position in the audit chain: 1, 2, 3… no gaps."),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.CheckConstraint(condition=models.Q(("sequence__gte", 1)),
                                              name="auditentry_sequence_from_one"),
        ),
    ]
