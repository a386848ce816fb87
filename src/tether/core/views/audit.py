"""Pages for auditors: verify the audit trail's hash chain, download it with its hashes.

Both are pages of the audit trail (`AuditEntryViews`), so `ViewSetMixin` applies the same
permission as the trail itself: the roles in AUDIT_TRAIL_READERS, everyone else 403.
"""

import io
import tempfile

from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from tether.core.audit_chain import verify_chain
from tether.core.audit_export import CONTENT_TYPES, FORMATS, export_entries, parse_since
from tether.core.views.generic import ViewSetMixin


class AuditTrailVerifyView(ViewSetMixin, View):
    """Run the verification and show its outcome, with the hash to keep as an anchor."""

    template_name = "tether/audit_verify.html"

    def get(self, request):
        result = verify_chain()
        broken_entry = None
        if result.broken_id is not None:
            broken_entry = self.get_queryset().filter(pk=result.broken_id).first()
        export_url = reverse("core:audit_export")
        context = {
            **self.page_context(),
            "result": result,
            "broken_entry": broken_entry,
            "checked_at": timezone.now(),
            "export_links": [(fmt.upper(), f"{export_url}?format={fmt}") for fmt in FORMATS],
        }
        return render(request, self.template_name, context)


class AuditTrailExportView(ViewSetMixin, View):
    """Download every entry with its sequence and hashes (?format=csv|jsonl&since=DATE)."""

    def get(self, request):
        fmt = request.GET.get("format", "csv")
        if fmt not in FORMATS:
            raise Http404
        since = None
        if request.GET.get("since"):
            try:
                since = parse_since(request.GET["since"])
            except ValueError:
                return HttpResponseBadRequest("since: give a date as YYYY-MM-DD.")
        # Spooled: small exports stay in memory, large ones go to disk, never all in RAM.
        # FileResponse closes it once sent.
        buffer = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)  # noqa: SIM115
        text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        export_entries(out=text, fmt=fmt, since=since, queryset=self.get_queryset(), bom=True)
        text.flush()
        text.detach()
        buffer.seek(0)
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        return FileResponse(buffer, as_attachment=True, content_type=CONTENT_TYPES[fmt],
                            filename=f"tether-audit-trail-{stamp}.{fmt}")

