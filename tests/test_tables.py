"""`parley dyad` prints and writes its series without pandas (`parley.cli.tables`,
`parley.corpus.periods`): the same text as pandas' `to_string`, the same CSV as its `to_csv`,
and the same periods as its `date_range`, compared with pandas itself on real series."""

from __future__ import annotations

import datetime as dt
import io
import random
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from parley import api
from parley.cli import main
from parley.cli.tables import text_table, write_csv
from parley.corpus.periods import MAX_PERIODS, PERIODS, period_start, period_starts
from parley.corpus.table import Table

PANDAS_FREQ = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS-JAN", "year": "YS"}
PANDAS_SPAN = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


def _tables(db: str) -> list[Table]:
    """Series of the examples' corpus with gaps, zeros, means, several dyads, and none at all; its
    network and an agenda (lists in its cells)."""
    return [
        api.dyad_series("USA", "RUS", db=db, as_frame=False),
        api.dyad_series("USA", by="month", since="2025-01-01", db=db, as_frame=False),
        api.dyad_series("Russia", "Ukraine", by="day", since="2025-02-20", until="2025-03-02", db=db, as_frame=False),
        api.dyad_series("USA", "RUS", by="year", directed=True, db=db, as_frame=False),
        api.many_series(["USA-RUS", "ARM-AZE", "USA-CHN"], by="quarter", db=db, as_frame=False),
        api.network(db=db, as_frame=False),
        api.agenda("USA", "RUS", db=db, as_frame=False),
        api.dyad_series("USA", "RUS", since="2030-01-01", db=db, as_frame=False),
    ]


def test_the_text_and_csv_are_pandas(web_db: str, tmp_path: Path) -> None:
    from parley.cli import analysing
    from parley.corpus.analysis.common import frame

    tables = _tables(web_db)
    assert all(t.rows for t in tables[:-1]) and not tables[-1].rows
    assert any(None in row for t in tables for row in t.rows)  # gaps among them
    for table in tables:
        shown = frame(table)
        if table.rows and "list" not in table.kinds.values():  # an agenda has a printer of its own
            assert text_table(table) == shown.to_string(index=False, float_format="{:.3f}".format)
        write_csv(table, str(tmp_path / "plain.csv"))
        analysing._write_csv(shown, str(tmp_path / "pandas.csv"))  # how the CLI wrote a DataFrame
        assert (tmp_path / "plain.csv").read_text(encoding="utf-8") == (tmp_path / "pandas.csv").read_text("utf-8")


def test_parley_dyad_prints_the_frame_pandas_would(web_db: str) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["dyad", "USA", "RUS", "--db", web_db]) == 0
    expected = api.dyad_series("USA", "RUS", db=web_db).to_string(index=False, float_format="{:.3f}".format)
    assert out.getvalue() == expected + "\n"


@pytest.mark.parametrize("by", PERIODS)
def test_periods_are_pandas_periods(by: str) -> None:
    rng = random.Random(23)
    for _ in range(200):
        start = dt.date(1700, 1, 1) + dt.timedelta(days=rng.randrange(120_000))
        end = start + dt.timedelta(days=rng.randrange(-3, 400 if by in ("day", "week") else 4_000))
        assert period_start(start, by) == pd.Timestamp(start).to_period(PANDAS_SPAN[by]).start_time.date()
        starts = period_starts(by, start, end)
        if end < start:
            assert starts is None
            continue
        first, last = (pd.Timestamp(period_start(d, by)) for d in (start, end))
        assert starts == [t.date() for t in pd.date_range(first, last, freq=PANDAS_FREQ[by])]


def test_a_range_too_long_is_refused_and_the_calendars_end_is_reached() -> None:
    with pytest.raises(ValueError, match="more than 10,000 days"):
        period_starts("day", dt.date(2000, 1, 1), dt.date(2000, 1, 1) + dt.timedelta(days=MAX_PERIODS + 1))
    assert period_starts("year", dt.date(9998, 5, 1), dt.date(9999, 12, 31)) == [
        dt.date(9998, 1, 1),
        dt.date(9999, 1, 1),
    ]
    assert period_starts("month", dt.date(9999, 11, 30), dt.date.max) == [dt.date(9999, 11, 1), dt.date(9999, 12, 1)]
