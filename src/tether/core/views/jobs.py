"""Background jobs as pages: what runs, how far it has got, what it produced."""

import django_filters
from django.shortcuts import get_object_or_404, render

from tether.core.filtersets import SearchFilterSet
from tether.core.models import Job, JobStatus
from tether.core.tables import Column, Table
from tether.core.views.generic import ObjectDetailView, ObjectViewSet


class JobFilterSet(SearchFilterSet):
    search_fields = ("title", "kind")
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)

    class Meta:
        model = Job
        fields = ["status", "kind"]


class JobTable(Table):
    title = Column(link=True)
    created_by = Column(label="Started by")

    class Meta:
        model = Job
        fields = ("title", "status", "progress_done", "progress_total", "created_by", "created",
                  "finished")


class JobDetailView(ObjectDetailView):
    """The job's page; htmx polls its progress fragment until the job finishes."""

    def get(self, request, pk):
        if request.htmx and request.htmx.target == "job-progress":
            job = get_object_or_404(self.get_queryset(), pk=pk)
            return render(request, "tether/inc/job_progress.html", {"job": job})
        return super().get(request, pk)


class JobViews(ObjectViewSet):
    model = Job
    url_prefix = "jobs/"
    pages = ("list", "detail")
    filterset_class = JobFilterSet
    table_class = JobTable
    detail_template = "tether/job_detail.html"
    detail_fields = ["kind", "status", "created_by", "created", "started", "finished",
                     "attempts"]

    @classmethod
    def base_queryset(cls):
        return Job.objects.select_related("created_by")

    @classmethod
    def urls(cls):
        from django.urls import path

        patterns = [p for p in super().urls() if p.name != cls.url_name("detail")]
        return [*patterns, path(f"{cls.url_prefix}<int:pk>/", JobDetailView.as_view(viewset=cls),
                                name=cls.url_name("detail"))]
