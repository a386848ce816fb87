from django.db import migrations

from tether.core.audit_chain import GENESIS_HASH, record_digest, stored_entries

BATCH = 2000


def chain_existing_entries(apps, schema_editor):
    """Number and hash the entries written before the chain existed, in id order, in batches."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    manager = AuditEntry._default_manager.db_manager(schema_editor.connection.alias)
    entries = manager.order_by("id")
    last_id, sequence, previous_hash = 0, 0, GENESIS_HASH
    while True:
        batch = list(stored_entries(entries.filter(id__gt=last_id)[:BATCH],
                                    content_types=ContentType))
        if not batch:
            return
        updates = []
        for stored in batch:
            sequence += 1
            stored.record.update(sequence=sequence, previous_hash=previous_hash)
            entry_hash = record_digest(stored.record)
            updates.append(AuditEntry(id=stored.id, sequence=sequence,
                                      previous_hash=previous_hash, entry_hash=entry_hash))
            previous_hash = entry_hash
        manager.bulk_update(
            updates, ["sequence", "previous_hash", "entry_hash"], batch_size=500)
        last_id = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [("core", "0003_auditentry_chain_fields")]

    operations = [
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
    ]
