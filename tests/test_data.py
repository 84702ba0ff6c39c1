"""The data catalog and loader: every file valid and consistent, and every kind of damage named."""

import shutil

import pandas as pd
import pytest

from claimbook.core import data

NAMES = data.dataset_names()


@pytest.mark.parametrize("name", NAMES)
def test_every_dataset_loads_with_its_checksum_and_schema(name):
    df = data.load(name)
    assert len(df) > 0
    ds = data.describe(name)
    assert data.file_sha256(ds.csv_path) == ds.meta["sha256"]
    assert list(df.columns) == list(ds.columns)


@pytest.mark.parametrize("name", NAMES)
def test_every_dataset_is_catalogued_in_full(name):
    meta = data.describe(name).meta
    for field in ("citation", "url", "licence", "accessed", "unit"):
        assert str(meta[field]).strip(), f"{name}: empty {field}"
    assert meta["url"].startswith("http")


def test_the_check_finds_no_problem():
    assert data.check_all() == []


def test_world_reserves_are_not_below_the_sum_of_the_countries_listed_unless_recorded():
    df = data.load("usgs_ree_reserves")
    known = " ".join(data.describe("usgs_ree_reserves").meta["known_issues"])
    checked = 0
    for edition, group in df[df["table_complete"]].groupby("edition"):
        world = group.loc[group["entity"] == "world", "reserves_t"].iloc[0]
        listed = group.loc[group["entity"] != "world", "reserves_t"].sum()
        # world totals are rounded to two or three significant figures: allow 2 % for that
        if world < listed * 0.98:
            assert f"MCS {edition} world total" in known, f"MCS {edition}: world {world:,.0f} < listed {listed:,.0f}"
        checked += 1
    assert checked == 4


@pytest.mark.parametrize(
    "name, share_columns",
    [
        (n, [c for c, spec in data.describe(n).columns.items() if "share" in c and spec["type"] == "float"])
        for n in NAMES
    ],
)
def test_shares_lie_between_0_and_100(name, share_columns):
    # checked on the data itself, not only through the sidecar's bounds (which a sidecar edit could drop)
    df = data.load(name)
    for col in share_columns:
        values = df[col].dropna()
        assert ((values >= 0) & (values <= 100)).all(), f"{name}.{col}"


@pytest.mark.parametrize(
    "name, value",
    [
        ("usgs_ree_mine_production", "production_t_reo"),
        ("aluminium_smelter_production", "primary_aluminium_kt"),
        ("aluminium_smelter_production", "capacity_kt"),
    ],
)
def test_world_totals_are_not_below_the_sum_of_the_countries_beyond_rounding(name, value):
    df = data.load(name)
    df = df[df["table_complete"] & df[value].notna()]
    checked = 0
    for (edition, year), group in df.groupby(["source_edition", "year"]):
        world = group.loc[group["entity"] == "world", value]
        if world.empty:
            continue
        listed = group.loc[group["entity"] != "world", value].sum()
        # published totals are rounded to two or three significant figures: 2 % covers that
        assert world.iloc[0] >= listed * 0.98, f"{name} {edition} {year}: world {world.iloc[0]} < listed {listed}"
        checked += 1
    assert checked >= 3


def test_the_2025_revision_of_russia_is_kept_beside_the_2024_figure():
    df = data.load("usgs_ree_reserves").set_index(["edition", "country"])
    assert df.loc[(2024, "Russia"), "reserves_t"] == 10_000_000
    assert df.loc[(2025, "Russia"), "reserves_t"] == 3_800_000


@pytest.fixture
def copy(tmp_path):
    """A copy of the reserves dataset in a temporary folder, to damage."""
    for suffix in (".csv", ".yaml"):
        shutil.copy(data.DATA_DIR / f"usgs_ree_reserves{suffix}", tmp_path)
    return tmp_path


def _load(tmp_path):
    return data.load("usgs_ree_reserves", data_dir=tmp_path)


def test_an_intact_copy_loads(copy):
    assert len(_load(copy)) == len(data.load("usgs_ree_reserves"))


def test_a_truncated_file_is_named(copy):
    path = copy / "usgs_ree_reserves.csv"
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(data.DataError, match=r"usgs_ree_reserves\.csv"):
        _load(copy)


def test_a_changed_value_breaks_the_checksum(copy):
    path = copy / "usgs_ree_reserves.csv"
    path.write_text(path.read_text().replace("3800000", "3900000", 1))
    with pytest.raises(data.DataError, match="has changed since it was catalogued.*--rehash usgs_ree_reserves"):
        _load(copy)


def test_a_dropped_column_is_named(copy):
    path = copy / "usgs_ree_reserves.csv"
    pd.read_csv(path, dtype=str).drop(columns=["reserves_t"]).to_csv(path, index=False)
    with pytest.raises(data.DataError, match="lacks the column 'reserves_t'"):
        _load(copy)


def test_a_mistyped_value_is_named_with_its_line(copy):
    path = copy / "usgs_ree_reserves.csv"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace("44000000", "44 million")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(
        data.DataError, match=r"'44 million' in column 'reserves_t' \(line 2\), which is not of type float"
    ):
        _load(copy)


def test_a_duplicate_key_is_named(copy):
    path = copy / "usgs_ree_reserves.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n")
    with pytest.raises(data.DataError, match=r"duplicate key \(edition, country\)"):
        _load(copy)


def test_a_value_outside_the_allowed_set_is_named(copy):
    path = copy / "usgs_ree_reserves.csv"
    path.write_text(path.read_text().replace(",primary,", ",tertiary,", 1))
    with pytest.raises(data.DataError, match="'tertiary' in column 'source_tier'.*allowed: primary, secondary"):
        _load(copy)


def test_a_missing_file_and_an_unknown_dataset_are_named(copy):
    (copy / "usgs_ree_reserves.csv").unlink()
    with pytest.raises(data.DataError, match="usgs_ree_reserves.csv is missing"):
        _load(copy)
    with pytest.raises(data.DataError, match="no dataset 'nope'.*known datasets: usgs_ree_reserves"):
        data.load("nope", data_dir=copy)


def test_rehash_records_a_deliberate_update(copy):
    path = copy / "usgs_ree_reserves.csv"
    path.write_text(path.read_text().replace("3800000", "3900000", 1))
    with pytest.raises(data.DataError, match="has changed"):
        _load(copy)
    old, new = data.rehash("usgs_ree_reserves", copy)
    assert old != new == data.file_sha256(path)
    assert (_load(copy)["reserves_t"] == 3_900_000).sum() == 1


def test_rehash_refuses_an_invalid_file(copy):
    path = copy / "usgs_ree_reserves.csv"
    path.write_text(path.read_text().replace("3800000", "lots", 1))
    with pytest.raises(data.DataError, match="'lots'"):
        data.rehash("usgs_ree_reserves", copy)
