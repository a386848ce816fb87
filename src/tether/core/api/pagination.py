"""Pages of API lists: `limit` and `offset`, and a 400 for values that are not numbers."""

import re

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

# Past this, an offset no longer fits the databases' 64-bit integers (SQLite raises
# OverflowError, PostgreSQL "bigint out of range"); no list is that long anyway.
MAX_OFFSET = 2**63 - 1 - 1000
DIGITS = re.compile(r"[0-9]{1,19}")


class TetherPagination(LimitOffsetPagination):
    """DRF's limit/offset pages, strict: `?limit=abc` is an error, not the default page."""

    default_limit = 50
    max_limit = 1000

    def get_limit(self, request):
        # A limit above max_limit is cut to it, as DRF does.
        return min(self._number(request, self.limit_query_param, self.default_limit, 1),
                   self.max_limit)

    def get_offset(self, request):
        return self._number(request, self.offset_query_param, 0, 0)

    def _number(self, request, name, default, minimum):
        value = request.query_params.get(name)
        if value in (None, ""):
            return default  # empty, like an empty filter: not given
        # Digits only: int() also reads " 5", "+5", "5_000" and "٥".
        number = int(value) if DIGITS.fullmatch(value) else None
        if number is None or not minimum <= number <= MAX_OFFSET:
            raise ValidationError(
                {name: [f"Enter a whole number from {minimum} to {MAX_OFFSET}."]})
        return number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["allowEmptyValue"] = True
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update(minimum=1, maximum=MAX_OFFSET)
                parameter["description"] += f" At most {self.max_limit} are returned."
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update(minimum=0, maximum=MAX_OFFSET)
        return parameters
