"""`tether trace FILE`: who received the copy of a document that leaked."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tether.documents.models import DocumentCopy
from tether.documents.watermark import WatermarkError, read_watermark


class Command(BaseCommand):
    help = "Read the watermark of a PDF or image handed out by Tether and name its recipient."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            copy_id = read_watermark(data)
        except WatermarkError as error:
            raise CommandError(f"{file}: {error}") from error
        if copy_id is None:
            raise CommandError(f"{file} carries no Tether watermark.")
        copy = (DocumentCopy.objects.select_related("document", "recipient")
                .filter(copy_id=copy_id).first())
        if copy is None:
            raise CommandError(f"{file} carries copy id {copy_id}, which this Tether never "
                               "issued (another installation, or a forged mark).")
        self.stdout.write(
            f"Copy {copy.copy_id} of document {copy.document.pk} \"{copy.document}\"\n"
            f"  issued to  {copy.recipient_name}"
            f"{f' (user {copy.recipient.get_username()})' if copy.recipient else ''}\n"
            f"  at         {copy.issued_at.isoformat()}\n"
            f"  through    {'the provider portal' if copy.via_portal else 'the internal app'}\n"
        )
