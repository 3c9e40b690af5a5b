"""Checking uploaded rows against a dataset's columns: every problem named by row and column, nothing half-taken."""

from __future__ import annotations

from datasets.columns import ColumnSpec, ColumnType, check_rows, diff

COLUMNS = [
    ColumnSpec("month", "Tháng", ColumnType.MONTH),
    ColumnSpec("commune_code", "Xã", ColumnType.COMMUNE),
    ColumnSpec("item", "Mặt hàng", ColumnType.CHOICE, allowed=("gao", "thit")),
    ColumnSpec("price", "Giá", ColumnType.INTEGER),
    ColumnSpec("share", "Tỷ lệ", ColumnType.DECIMAL, required=False),
]
HEADER = ["month", "commune_code", "item", "price", "share"]


def check(rows, header=HEADER):
    return check_rows(header, rows, COLUMNS, is_province=lambda c: c == "01", is_commune=lambda c: c in {"00004"})


def test_good_rows_are_typed():
    result = check([["2026-01", "4", "gao", "16.500", "1,5"], ["2026-02", "00004", "thit", 128000.0, ""]])
    assert result.problems == []
    assert result.rows == [
        {"month": "2026-01", "commune_code": "00004", "item": "gao", "price": 16500, "share": "1.5"},
        {"month": "2026-02", "commune_code": "00004", "item": "thit", "price": 128000, "share": None},
    ]


def test_every_bad_cell_is_named_by_row_and_column():
    result = check(
        [
            ["2026-13", "00004", "gao", "10", ""],
            ["2026-01", "99999", "cá", "1.5", "x"],
            ["", "00004", "gao", "", ""],
        ]
    )
    found = {(p.row, p.column) for p in result.problems}
    assert found == {
        (2, "month"),
        (3, "commune_code"),
        (3, "item"),
        (3, "price"),
        (3, "share"),
        (4, "month"),
        (4, "price"),
    }


def test_header_must_match_the_columns():
    result = check([["2026-01"]], header=["month", "commune", "item", "price", "share"])
    assert {(p.row, p.column) for p in result.problems} == {(1, "commune_code"), (1, "commune")}


def test_blank_trailing_lines_are_ignored():
    assert check([["2026-01", "00004", "gao", "1", ""], ["", "", "", "", ""]]).rows[0]["price"] == 1


def test_diff_by_period_and_area():
    old = [{"month": "2026-01", "commune_code": "00004", "item": "gao", "price": 1, "share": None}]
    new = [
        {"month": "2026-01", "commune_code": "00004", "item": "gao", "price": 2, "share": None},
        {"month": "2026-02", "commune_code": "00004", "item": "gao", "price": 3, "share": None},
    ]
    changes = diff(old, new, COLUMNS)
    assert [c["after"]["price"] for c in changes["changed"]] == [2]
    assert [r["month"] for r in changes["added"]] == ["2026-02"] and changes["removed"] == []
