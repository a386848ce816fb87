"""Upload limits enforced before a request body is read, so a huge upload costs no disk.

The size a form or the API later reports is the friendly check; these are the guard rails:
a request announcing more than the limit gets 413 at once, and one that keeps sending past it
without announcing its size (chunked) is cut off mid-stream.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.template.loader import render_to_string

# Room for the form fields and multipart boundaries around the file itself.
ENVELOPE_BYTES = 1024 * 1024


# Bulk deliveries of data, which may be far larger than any one document.
IMPORT_PATHS = (
    "/registry/import", "/api/registry/import",
    "/api/performance/measurements/bulk/", "/performance/measurements/upload/",
    "/portal/measurements/upload/",
)


def upload_limit(path: str) -> int:
    """The largest request body accepted on `path`, in bytes."""
    if path.startswith(IMPORT_PATHS):
        return settings.TETHER_IMPORT_MAX_BYTES + ENVELOPE_BYTES
    return settings.TETHER_DOCUMENT_MAX_BYTES + ENVELOPE_BYTES


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.0f} MB"


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = upload_limit(request.path_info)
        if length > limit:
            message = (f"The upload is {_megabytes(length)}; the limit here is "
                       f"{_megabytes(limit - ENVELOPE_BYTES)}.")
            if request.path_info.startswith("/api/"):
                return HttpResponse(f'{{"detail": "{message}"}}', status=413,
                                    content_type="application/json")
            body = render_to_string("413.html", {"message": message}, request=request)
            return HttpResponse(body, status=413)
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading a body that grows past the limit though it announced no size."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = upload_limit(self.request.path_info)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
