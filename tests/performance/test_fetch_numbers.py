"""Numeric query results as arrays: binary COPY on PostgreSQL, the cursor on SQLite."""

import numpy as np
import pytest
from django.db import connection

from tether.performance.storage import fetch_numbers

pytestmark = pytest.mark.django_db

VALUES = ("SELECT CAST(a AS bigint), CAST(b AS double precision) FROM (SELECT 9007199254740 AS a, "
          "-1.5e300 AS b UNION ALL SELECT -3, 0.125 UNION ALL SELECT 0, 2.5) t ORDER BY 1")


def test_bigints_and_doubles_arrive_exactly():
    keys, values = fetch_numbers(VALUES, kinds=("i8", "f8"))
    assert keys.dtype == np.int64 and values.dtype == np.float64
    assert keys.tolist() == [-3, 0, 9007199254740]
    assert values.tolist() == [0.125, 2.5, -1.5e300]


def test_parameters_are_bound_and_no_rows_give_empty_arrays():
    keys, values = fetch_numbers(f"SELECT * FROM ({VALUES}) t WHERE 1 = %s", (2,),  # noqa: S608
                                 kinds=("i8", "f8"))
    assert len(keys) == 0 and len(values) == 0
    hostile = "'); DROP TABLE performance_periodresult; --"
    (count,) = fetch_numbers("SELECT CAST(COUNT(*) AS bigint) FROM performance_periodresult "
                             "WHERE outcome = %s", (hostile,), kinds=("i8",))
    assert count.tolist() == [0]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_null_or_narrow_column_is_refused_on_postgresql():
    with pytest.raises(ValueError, match="NULL or not 8 bytes"):
        fetch_numbers("SELECT CAST(NULL AS bigint)", kinds=("i8",))
    with pytest.raises(ValueError, match="NULL or not 8 bytes"):
        fetch_numbers("SELECT CAST(1 AS integer)", kinds=("i8",))
    assert connection.vendor == "postgresql"
