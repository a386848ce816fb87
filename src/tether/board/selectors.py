"""Reads of the board app: the reports a user may see, newest first."""

from django.db.models import QuerySet

from tether.board.models import BoardReport


def report_list(*, user) -> QuerySet:
    return BoardReport.objects.restrict(user).select_related("requested_by", "job").order_by(
        "-as_of", "-id")
