"""The board report pages: past reports, "Generate now", a report's pack and its PDF.

The role check is the generic one (`ViewSetMixin` on BoardReport, domain "reporting"): every
internal role reads reports, administrators and risk officers generate them, provider contacts
see nothing. A report's page draws its pack from the figures stored with it, never from the
register as it is now.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views import View

from tether.board import selectors, services
from tether.board.charts import report_charts
from tether.board.figures import SECTION_TITLES
from tether.board.forms import GenerateForm
from tether.board.models import BoardReport
from tether.core.views.generic import ObjectViewSet, ViewSetMixin
from tether.risk.selectors import current_config

LIST_ROWS = 100


class BoardReportListView(ViewSetMixin, View):
    """Past reports, newest first, with their status and PDF; the "Generate now" form."""

    def get(self, request):
        return _list_page(request, GenerateForm())


def _list_page(request, form: GenerateForm, status: int = 200):
    can_generate = request.user.can("add", BoardReport)
    return render(request, "board/report_list.html", {
        "reports": list(selectors.report_list(user=request.user)[:LIST_ROWS]),
        "can_generate": can_generate, "form": form if can_generate else None,
    }, status=status)


class BoardReportGenerateView(ViewSetMixin, View):
    """Queue a report as of a day (today by default) and show its progress."""

    action = "add"

    def post(self, request):
        form = GenerateForm(request.POST)
        if not form.is_valid():
            return _list_page(request, form, status=400)
        try:
            report = services.board_report_request(actor=request.user,
                                                   as_of=form.cleaned_data["as_of"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("board:boardreport_list")
        messages.info(request, f"{report} is being generated.")
        return redirect(report.get_absolute_url())


class BoardReportDetailView(ViewSetMixin, View):
    """The pack as filed: sections and charts from the stored figures; progress while it is
    being generated (htmx polls the status fragment)."""

    def get(self, request, pk):
        report = get_object_or_404(selectors.report_list(user=request.user), pk=pk)
        if request.htmx and request.htmx.target == "board-status":
            return render(request, "board/inc/status.html", {"report": report})
        context = {"report": report, "pending": services.pending(report),
                   "titles": SECTION_TITLES}
        if report.is_ready and report.figures:
            context |= {"f": report.figures,
                        "charts": report_charts(report.figures, current_config(request))}
        return render(request, "board/report_detail.html", context)


class BoardReportPdfView(ViewSetMixin, View):
    """The PDF as filed."""

    def get(self, request, pk):
        report = get_object_or_404(selectors.report_list(user=request.user), pk=pk)
        if not report.is_ready or not report.pdf:
            raise Http404("This report has no PDF yet.")
        return FileResponse(report.pdf.open("rb"), as_attachment=True,
                            filename=report.filename, content_type="application/pdf")


class BoardReportViews(ObjectViewSet):
    """The declaration that gives these views their model and role check."""

    model = BoardReport
    pages = ()

    @classmethod
    def urls(cls):
        return [
            path("", BoardReportListView.as_view(viewset=cls), name=cls.url_name("list")),
            path("generate/", BoardReportGenerateView.as_view(viewset=cls),
                 name="boardreport_generate"),
            path("<int:pk>/", BoardReportDetailView.as_view(viewset=cls),
                 name=cls.url_name("detail")),
            path("<int:pk>/pdf/", BoardReportPdfView.as_view(viewset=cls),
                 name="boardreport_pdf"),
        ]
