"""Adding calendar months to dates, in Python and in SQL, with the same answer: the same day
so many months later, or the month's last day when that month is shorter (31 August + 6
months is 28 February). SQLite's own date('+6 months') would roll over into March."""

import calendar
from datetime import date

from django.db.models import DateField, Func


def months_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AddMonths(Func):
    """`expression` + `months` calendar months (a whole constant), clamped to the month's end."""

    output_field = DateField()
    arity = 1

    def __init__(self, expression, months: int, **extra):
        if not isinstance(months, int) or isinstance(months, bool) or not 0 <= months <= 1200:
            raise ValueError(f"months must be a whole number from 0 to 1200, not {months!r}")
        self.months = months
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        # The earlier of "same day N months on" (which rolls over) and the last day of the
        # month N months on: that is the clamped date. The expression appears twice, so do
        # its parameters.
        sql, params = compiler.compile(self.source_expressions[0])
        return (f"MIN(DATE({sql}, '+{self.months} months'), DATE({sql}, 'start of month', "
                f"'+{self.months + 1} months', '-1 day'))"), (*params, *params)

    def as_postgresql(self, compiler, connection, **extra_context):
        # PostgreSQL's interval arithmetic already clamps to the month's end.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({sql}) + INTERVAL '{self.months} months' AS date)", tuple(params)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError(f"AddMonths has no SQL for {connection.vendor}")
