from rest_framework import serializers

from tether.board.models import BoardReport


class BoardReportSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField(
        help_text="Where to download the PDF; empty until the report is ready.")

    class Meta:
        model = BoardReport
        fields = ["id", "as_of", "trigger", "requested_by", "status", "generated_at",
                  "pdf_sha256", "pdf_url", "job", "error", "created"]
        read_only_fields = fields

    def get_pdf_url(self, report) -> str:
        if not report.is_ready:
            return ""
        request = self.context.get("request")
        url = f"/api/board/reports/{report.pk}/pdf/"
        return request.build_absolute_uri(url) if request else url


class BoardReportDetailSerializer(BoardReportSerializer):
    figures = serializers.JSONField(read_only=True,
                                    help_text="The figures of every section, as filed.")

    class Meta(BoardReportSerializer.Meta):
        fields = [*BoardReportSerializer.Meta.fields, "figures"]
        read_only_fields = fields
