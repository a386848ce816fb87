import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The audit trail's hash-chain columns; 0004 fills them, 0005 makes the sequence required.

    The actor keeps its id when the account is deleted (the id is hashed), and the timestamp
    is set in Python before the entry is hashed rather than by auto_now_add.
    """

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(
                editable=False, null=True,
                help_text="Position in the audit chain: 1, 2, 3… no gaps."),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64,
                                   help_text="The entry hash of the entry before (SHA-256)."),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(
                default="", editable=False, max_length=64,
                help_text="SHA-256 over this entry's content and the previous hash."),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True, db_constraint=False, null=True,
                on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="timestamp",
            field=models.DateTimeField(db_index=True, editable=False),
        ),
    ]
