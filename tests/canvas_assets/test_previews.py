"""Previews of stored results on a local folder and on real S3 (SeaweedFS): table pages, sorting,
column stats and their cache, JSON-safe values, the other data types, downloads and refusals."""

from __future__ import annotations

import csv
import io
import json
import uuid

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from canvas_assets.outputs import column_stats, downloads, row_filter, table_pages
from canvas_assets.outputs.downloads import open_download
from canvas_assets.outputs.errors import OutputNotFound, PreviewError
from canvas_assets.outputs.lookup import output_ref
from canvas_assets.outputs.preview import FileInfo, ValuePreview, preview
from canvas_assets.outputs.table_pages import TablePreview
from canvas_assets.storage.artifacts import ArtifactRef, ArtifactStore, open_backend
from node_library.datatypes import DataType
from node_library.values import FileValue


@pytest.fixture(params=["local", "s3"])
def artifacts(request, tmp_path) -> ArtifactStore:
    if request.param == "local":
        return ArtifactStore(open_backend(str(tmp_path / "artifacts")))
    s3 = request.getfixturevalue("s3_service")
    bucket = f"canvas-{uuid.uuid4().hex[:8]}"
    s3.client().create_bucket(Bucket=bucket)
    return ArtifactStore(open_backend(f"s3://{bucket}/runs", s3.endpoint_url))


def _ref(port: str = "data") -> ArtifactRef:
    return ArtifactRef("wf", "node", uuid.uuid4().hex, port)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": np.arange(6, dtype="int64"),
            "score": [0.5, np.nan, 2.5, np.inf, -1.0, 4.0],
            "city": ["Oslo", None, "Lima", "Oslo", "Pune", "Oslo"],
            "kind": pd.Categorical(["a", "b", None, "a", "a", "b"]),
            "when": pd.to_datetime(
                [
                    "2026-01-02 03:04:05",
                    None,
                    "2025-12-31 00:00:00",
                    "2026-02-01 00:00:00",
                    None,
                    "2026-01-01 00:00:00",
                ]
            ),
            "count": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
            "flag": [True, False, True, True, False, True],
        }
    )


def _stored(artifacts: ArtifactStore, frame: pd.DataFrame) -> ArtifactRef:
    ref = _ref()
    artifacts.write(ref, DataType.DATAFRAME, frame)
    return ref


def test_a_table_page_is_json_safe_and_counts_every_row(artifacts: ArtifactStore) -> None:
    ref = _stored(artifacts, _frame())
    page = preview(artifacts, ref, offset=1, limit=3)
    assert isinstance(page, TablePreview)
    assert page.total_rows == 6 and page.row_numbers == [1, 2, 3]
    assert [c.name for c in page.columns] == list(_frame().columns)
    assert page.rows[0] == [1, None, None, "b", None, None, False]
    assert page.rows[1][4] == "2025-12-31T00:00:00"
    assert page.rows[2][1] is None  # infinity is not JSON
    json.dumps(page.rows, allow_nan=False)  # strictly valid JSON


def test_time_zones_keep_their_offset_and_series_preview_like_tables(
    artifacts: ArtifactStore,
) -> None:
    ref = _ref()
    series = pd.Series(pd.to_datetime(["2026-03-01 12:00"]).tz_localize("Europe/Paris"), name="at")
    artifacts.write(ref, DataType.SERIES, series)
    page = preview(artifacts, ref)
    assert isinstance(page, TablePreview) and page.data_type == "series"
    assert page.rows == [["2026-03-01T12:00:00+01:00"]]
    assert page.columns[0].earliest == "2026-03-01T12:00:00+01:00"


def test_column_stats_fit_each_dtype_and_count_nulls(artifacts: ArtifactStore) -> None:
    frame = _frame()
    page = preview(artifacts, _stored(artifacts, frame), limit=0)
    assert isinstance(page, TablePreview) and page.rows == []
    stats = {c.name: c for c in page.columns}

    score = stats["score"]
    finite = frame["score"][np.isfinite(frame["score"])]
    assert (score.dtype, score.null_count) == ("float", 1)
    assert (score.min, score.max) == (-1.0, 4.0)
    assert score.mean == pytest.approx(finite.mean())
    assert score.std == pytest.approx(finite.std())

    assert (stats["count"].dtype, stats["count"].null_count, stats["count"].max) == (
        "integer",
        1,
        6.0,
    )
    city = stats["city"]
    assert (city.null_count, city.distinct_count) == (1, 3)
    assert [(v.value, v.count) for v in city.top_values] == [("Oslo", 3), ("Lima", 1), ("Pune", 1)]
    assert stats["kind"].dtype == "category" and stats["kind"].top_values[0].value == "a"
    assert [(v.value, v.count) for v in stats["flag"].top_values] == [("true", 4), ("false", 2)]
    when = stats["when"]
    assert (when.null_count, when.earliest, when.latest) == (
        2,
        "2025-12-31T00:00:00",
        "2026-02-01T00:00:00",
    )
    assert when.min is None and city.mean is None


def test_stats_are_computed_once_and_cached_next_to_the_artifact(
    artifacts: ArtifactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = _stored(artifacts, _frame())
    first = preview(artifacts, ref)
    assert artifacts.backend.exists(f"{ref.base}.stats.json")

    def fail(*args, **kwargs):
        raise AssertionError("stats were computed again")

    monkeypatch.setattr(column_stats, "column_stats", fail)
    again = preview(artifacts, ref, offset=2, limit=2, sort_by="score")
    assert isinstance(first, TablePreview) and isinstance(again, TablePreview)
    assert again.columns == first.columns


def test_sorting_puts_nulls_last_either_way_and_keeps_row_numbers(
    artifacts: ArtifactStore,
) -> None:
    ref = _stored(artifacts, _frame())
    up = preview(artifacts, ref, sort_by="city")
    down = preview(artifacts, ref, sort_by="city", descending=True, limit=2)
    assert isinstance(up, TablePreview) and isinstance(down, TablePreview)
    assert [r[2] for r in up.rows] == ["Lima", "Oslo", "Oslo", "Oslo", "Pune", None]
    assert up.row_numbers[0] == 2 and up.row_numbers[-1] == 1
    assert [r[2] for r in down.rows] == ["Pune", "Oslo"]
    by_kind = preview(artifacts, ref, sort_by="kind", descending=True)
    assert isinstance(by_kind, TablePreview)
    assert [r[3] for r in by_kind.rows][-1] is None


@pytest.mark.parametrize(("offset", "limit"), [(0, 5), (5, 10), (13, 1), (18, 7), (24, 10)])
def test_pages_read_across_row_groups_match_a_plain_slice(offset: int, limit: int) -> None:
    frame = pd.DataFrame({"n": np.arange(25), "s": [f"r{i}" for i in range(25)]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, row_group_size=7)
    parquet = pq.ParquetFile(io.BytesIO(buffer.getvalue()))
    assert parquet.metadata.num_row_groups == 4
    got = table_pages._read_slice(parquet, offset, limit).to_pandas()
    expected = frame.iloc[offset : offset + limit].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)


def test_page_bounds_and_unknown_sort_columns_are_refused(artifacts: ArtifactStore) -> None:
    ref = _stored(artifacts, _frame())
    for kwargs, field in (
        ({"limit": 1001}, "limit"),
        ({"limit": -1}, "limit"),
        ({"offset": -5}, "offset"),
        ({"sort_by": "scroe"}, "sortBy"),
    ):
        with pytest.raises(PreviewError) as caught:
            preview(artifacts, ref, **kwargs)
        assert caught.value.field == field
    with pytest.raises(PreviewError, match="scroe") as caught:
        preview(artifacts, ref, sort_by="scroe")
    assert "score" in caught.value.hint
    page = preview(artifacts, ref, offset=100)
    assert isinstance(page, TablePreview) and page.rows == [] and page.total_rows == 6


def test_metrics_plots_json_and_files_preview_as_their_values(artifacts: ArtifactStore) -> None:
    metrics, plot, value, file = _ref("metrics"), _ref("plot"), _ref("json"), _ref("file")
    artifacts.write(metrics, DataType.METRICS, {"accuracy": 0.9, "r2": float("nan")})
    artifacts.write(plot, DataType.PLOT, {"data": [{"type": "bar", "y": [1, 2]}], "layout": {}})
    artifacts.write(value, DataType.JSON, [{"a": 1}, None])
    artifacts.write(file, DataType.FILE, FileValue("report.pdf", b"%PDF-1.7 x", "application/pdf"))

    assert preview(artifacts, metrics) == ValuePreview("metrics", {"accuracy": 0.9, "r2": None})
    shown = preview(artifacts, plot)
    assert isinstance(shown, ValuePreview) and shown.value["data"][0]["type"] == "bar"
    assert preview(artifacts, value) == ValuePreview("json", [{"a": 1}, None])
    assert preview(artifacts, file) == FileInfo("report.pdf", "application/pdf", 10)
    with pytest.raises(PreviewError, match="no columns"):
        preview(artifacts, metrics, sort_by="accuracy")


def test_a_missing_result_is_not_found(artifacts: ArtifactStore) -> None:
    with pytest.raises(OutputNotFound):
        preview(artifacts, _ref())


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        (("..", "node", "a" * 32, "data"), "slug"),
        (("wf", "../etc", "a" * 32, "data"), "id"),
        (("wf", "node", "a" * 32, "data/../x"), "port"),
        (("wf", "Node", "a" * 32, "data"), "id"),
        (("wf", "node", "../" + "a" * 29, "data"), "cacheKey"),
        (("wf", "node", "A" * 32, "data"), "cacheKey"),
        (("wf", "node", "a" * 31, "data"), "cacheKey"),
    ],
)
def test_artifact_addresses_from_callers_refuse_anything_but_plain_names(
    parts: tuple[str, str, str, str], field: str
) -> None:
    with pytest.raises(PreviewError) as caught:
        output_ref(*parts)
    assert caught.value.field == field


def test_a_table_downloads_as_csv_batch_by_batch(
    artifacts: ArtifactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(downloads, "CSV_BATCH_ROWS", 2)
    frame = _frame()
    download = open_download(artifacts, _stored(artifacts, frame))
    chunks = list(download.chunks)
    assert download.media_type.startswith("text/csv") and download.filename == "wf_node_data.csv"
    assert len(chunks) == 3
    back = pd.read_csv(io.BytesIO(b"".join(chunks)))
    assert list(back.columns) == list(frame.columns) and len(back) == 6

    file = _ref("file")
    artifacts.write(file, DataType.FILE, FileValue("a.csv", b"x,y\n1,2\n", "text/csv"))
    got = open_download(artifacts, file)
    assert (got.filename, got.media_type, got.size_bytes) == ("a.csv", "text/csv", 8)
    assert b"".join(got.chunks) == b"x,y\n1,2\n"


# -- where: filtering rows with the safe expression language ----------------------------------


def test_a_where_condition_filters_rows_before_sorting_and_paging(
    artifacts: ArtifactStore,
) -> None:
    frame = _frame()
    ref = _stored(artifacts, frame)
    condition = 'score > 0 and city != "Lima"'
    expected = frame.index[(frame["score"] > 0) & (frame["city"] != "Lima")].tolist()
    assert expected == [0, 3, 5]  # NaN and None rows fail the comparison, as in SQL's WHERE

    page = preview(artifacts, ref, where=condition, offset=1, limit=5)
    assert isinstance(page, TablePreview)
    assert (page.total_rows, page.stored_rows, page.where) == (3, 6, condition)
    assert page.row_numbers == expected[1:]
    assert [r[0] for r in page.rows] == expected[1:]

    by_score = preview(artifacts, ref, where=condition, sort_by="id", descending=True, limit=2)
    assert isinstance(by_score, TablePreview)
    assert by_score.row_numbers == [5, 3] and [r[0] for r in by_score.rows] == [5, 3]
    assert by_score.total_rows == 3

    none_left = preview(artifacts, ref, where="id > 100")
    assert isinstance(none_left, TablePreview)
    assert (none_left.total_rows, none_left.rows, none_left.row_numbers) == (0, [], [])

    unfiltered = preview(artifacts, ref, where="   ")
    assert isinstance(unfiltered, TablePreview)
    assert (unfiltered.total_rows, unfiltered.where) == (6, None)


def test_where_reads_categories_dates_and_nullable_integers_as_the_filter_node_does(
    artifacts: ArtifactStore,
) -> None:
    frame = _frame()
    ref = _stored(artifacts, frame)
    cases = {
        'kind == "a"': [0, 3, 4],
        "count >= 4": [3, 4, 5],
        'when >= "2026-01-01"': [0, 3, 5],
        "is_null(city) or flag == False": [1, 4],
        "True": [0, 1, 2, 3, 4, 5],
    }
    for condition, expected in cases.items():
        page = preview(artifacts, ref, where=condition)
        assert isinstance(page, TablePreview)
        assert page.row_numbers == expected, condition


@pytest.mark.parametrize("sort_by", [None, "n"])
def test_filtered_pages_across_row_groups_match_pandas(sort_by: str | None) -> None:
    frame = pd.DataFrame({"n": np.arange(60), "s": [f"r{i}" for i in range(60)]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, row_group_size=7)
    parquet = pq.ParquetFile(io.BytesIO(buffer.getvalue()))
    kept = row_filter.rows_meeting("n % 3 == 0 or n > 50", parquet, None)
    expected = frame[(frame["n"] % 3 == 0) | (frame["n"] > 50)]
    assert kept.tolist() == expected.index.tolist()
    for offset, limit in ((0, 4), (5, 9), (20, 100)):
        got = table_pages._read_rows(parquet, kept[offset : offset + limit]).to_pandas()
        want = expected.iloc[offset : offset + limit].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize(
    ("condition", "message", "position", "hint"),
    [
        ("scroe > 1", "unknown column 'scroe'", 1, "score"),
        ("id > 3 )", "unmatched", 8, "brackets"),
        ("city > 3 and id > 1", "cannot compare string with integer", 6, "quote it"),
        ("id + 1", "not a condition", None, "price > 10"),
    ],
)
def test_a_bad_where_names_the_argument_the_position_and_a_fix(
    artifacts: ArtifactStore, condition: str, message: str, position: int | None, hint: str
) -> None:
    ref = _stored(artifacts, _frame())
    with pytest.raises(PreviewError, match=message) as caught:
        preview(artifacts, ref, where=condition)
    assert caught.value.field == "where"
    assert caught.value.position == position
    assert hint in caught.value.hint


@pytest.mark.parametrize(
    "hostile",
    [
        "__import__('os').system('touch {sentinel}')",
        "open('{sentinel}', 'w')",
        "id.__class__.__bases__",
        "(lambda: __import__('os'))()",
        "[x for x in ().__class__.__base__.__subclasses__()]",
        'exec(\'open("{sentinel}", "w")\')',
        "9 ** 9 ** 9 ** 9 > 1",
        "(" * 60 + "id" + ")" * 60 + " > 1",
        "id > 1 or " * 300 + "True",
    ],
)
def test_hostile_where_expressions_are_refused_and_run_nothing(
    artifacts: ArtifactStore, hostile: str, tmp_path
) -> None:
    sentinel = tmp_path / "pwned"
    ref = _stored(artifacts, _frame())
    with pytest.raises(PreviewError) as caught:
        preview(artifacts, ref, where=hostile.format(sentinel=sentinel))
    assert caught.value.field == "where" and caught.value.hint
    assert not sentinel.exists()


def test_where_is_refused_on_results_that_are_not_tables(artifacts: ArtifactStore) -> None:
    metrics = _ref("metrics")
    artifacts.write(metrics, DataType.METRICS, {"accuracy": 0.9})
    with pytest.raises(PreviewError, match="no rows to filter") as caught:
        preview(artifacts, metrics, where="accuracy > 0.5")
    assert caught.value.field == "where"


def test_a_filter_is_evaluated_once_per_result_and_condition(
    artifacts: ArtifactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = _stored(artifacts, _frame())
    first = preview(artifacts, ref, where="id >= 2", limit=2)
    real = row_filter.rows_meeting

    def fail(*args, **kwargs):
        raise AssertionError("the filter was evaluated again")

    monkeypatch.setattr(row_filter, "rows_meeting", fail)
    second = preview(artifacts, ref, where="id >= 2", offset=2, limit=2)
    assert isinstance(first, TablePreview) and isinstance(second, TablePreview)
    assert first.row_numbers + second.row_numbers == [2, 3, 4, 5]
    monkeypatch.setattr(row_filter, "rows_meeting", real)
    other = preview(artifacts, ref, where="id < 2")
    assert isinstance(other, TablePreview) and other.row_numbers == [0, 1]


# -- column stats beyond the basics -----------------------------------------------------------


def test_numbers_have_counts_quartiles_and_a_histogram(artifacts: ArtifactStore) -> None:
    values = np.array([3.0, 1.0, np.nan, 8.0, 2.0, 2.0, np.inf, 10.0])
    frame = pd.DataFrame({"x": values, "units": [1, 2, 2, 3, 3, 3, 5, 5]})
    page = preview(artifacts, _stored(artifacts, frame), limit=0)
    assert isinstance(page, TablePreview)
    x, units = page.columns
    finite = pd.Series(values[np.isfinite(values)])
    # inf is a value (counted, distinct) but takes no part in the numbers' stats.
    assert (x.null_count, x.count, x.distinct_count) == (1, 7, 6)
    assert (x.p25, x.median, x.p75) == pytest.approx(
        (finite.quantile(0.25), finite.median(), finite.quantile(0.75))
    )
    assert len(x.histogram) == column_stats.HISTOGRAM_BINS
    assert sum(b.count for b in x.histogram) == len(finite)
    assert (x.histogram[0].start, x.histogram[-1].end) == (1.0, 10.0)
    expected_counts, _ = np.histogram(finite, bins=column_stats.HISTOGRAM_BINS, range=(1.0, 10.0))
    assert [b.count for b in x.histogram] == expected_counts.tolist()
    assert x.top_values == ()

    # Integers spanning few values get one bin per value, and their most frequent values.
    assert [(b.start, b.end, b.count) for b in units.histogram] == [
        (1.0, 2.0, 1),
        (2.0, 3.0, 2),
        (3.0, 4.0, 3),
        (4.0, 5.0, 0),
        (5.0, 6.0, 2),
    ]
    assert [(v.value, v.count) for v in units.top_values][:2] == [("3", 3), ("2", 2)]
    assert (units.count, units.distinct_count, units.median) == (8, 4, 3.0)


def test_an_id_column_has_no_top_values_and_text_has_counts(artifacts: ArtifactStore) -> None:
    frame = pd.DataFrame({"id": np.arange(30), "city": ["a", "b", None] * 10})
    page = preview(artifacts, _stored(artifacts, frame), limit=0)
    assert isinstance(page, TablePreview)
    ids, city = page.columns
    assert ids.top_values == () and ids.distinct_count == 30
    assert (city.count, city.null_count, city.distinct_count) == (20, 10, 2)
    assert city.histogram == () and city.median is None


def test_a_table_download_neutralizes_formula_like_text_unless_csv_raw_is_set(
    artifacts: ArtifactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = ['=HYPERLINK("http://evil.example")', "+1", "-cmd", "@SUM(A1)", "\t=1", "a\r=1"]
    frame = pd.DataFrame({"text": hostile, "number": [-5, 1, 2, 3, 4, 5], "=h": range(6)})
    ref = _stored(artifacts, frame)

    def rows() -> list[list[str]]:
        body = b"".join(open_download(artifacts, ref).chunks).decode()
        return list(csv.reader(io.StringIO(body, newline="")))

    header, *body = rows()
    assert header == ["text", "number", "'=h"]
    assert [row[0] for row in body] == ["'" + v for v in hostile[:5]] + ["a\r=1"]
    assert [row[1] for row in body] == ["-5", "1", "2", "3", "4", "5"]  # numbers stay numbers
    monkeypatch.setenv("CANVAS_CSV_RAW", "1")
    header, *body = rows()
    assert header[2] == "=h" and [row[0] for row in body] == hostile
