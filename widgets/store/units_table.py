"""How the units table is kept in the database: one columnar Arrow (Feather) document per inquiry.

Why not one SQL row per unit: imports of tens of thousands of rows must cost about as much as
reading the CSV, and analysis wants a DataFrame anyway. Arrow keeps column types (numbers
stay numbers, text stays text), reads back in milliseconds and is an open, stable format that
PostgreSQL stores as ``bytea`` just as SQLite stores a BLOB.

A stored frame always has ``unit_id`` (text), ``outcome`` and ``population`` (float64),
``private_name`` (text or missing), then one column per circumstance, each either float64
(every value a number) or text.
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import pandas as pd

from widgets.model import UNIT_FIELDS, ModelError, Unit, clean_unit_ids, first_repeat

FORMAT = "arrow-feather-v2"
#: LZ4: cheap to compress, and a smaller document is quicker to write and sync to disk.
COMPRESSION = "lz4"


def empty_frame(context_columns: list[str] | None = None) -> pd.DataFrame:
    """A units frame with no rows."""
    frame = pd.DataFrame({
        "unit_id": pd.Series([], dtype=object),
        "outcome": pd.Series([], dtype="float64"),
        "population": pd.Series([], dtype="float64"),
        "private_name": pd.Series([], dtype=object),
    })
    for c in context_columns or []:
        frame[c] = pd.Series([], dtype=object)
    return frame


def _numeric(series: pd.Series, label: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        raise ModelError(f"The {label} must be numbers.")
    if pd.api.types.is_numeric_dtype(series):
        values = series.astype("float64")
    else:
        values = pd.to_numeric(series.where(series.notna(), np.nan), errors="coerce")
        bad = values.isna() & series.notna()
        if bad.any():
            first = series[bad].iloc[0]
            raise ModelError(f"The {label} must be numbers ({str(first)[:40]!r} is not).")
        values = values.astype("float64")
    if np.isinf(values.to_numpy()).any():
        raise ModelError(f"The {label} must be finite numbers.")
    return values


def _circumstance(series: pd.Series) -> pd.Series:
    """A circumstance column: float64 when every value is a number, else text (None = missing)."""
    if pd.api.types.is_bool_dtype(series):
        return series.map(lambda v: None if v is None or v is pd.NA else str(v)).astype(object)
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    if pd.api.types.is_string_dtype(series):  # all text already: the common, fast case
        return series.astype("str")
    values = series.astype(object).where(series.notna(), None)
    non_missing = values.dropna()
    if len(non_missing) and all(
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
        for v in non_missing
    ):
        return pd.to_numeric(values, errors="coerce").astype("float64")
    return values.map(lambda v: v if v is None or isinstance(v, str) else _text_of(v))


def _text_of(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Check a units frame and bring it to the stored shape; returns it and the circumstances.

    Ids are cleaned (:func:`~widgets.model.clean_unit_id`). Raises :class:`ModelError` with a
    plain message for missing ids, for ids used twice or that look the same as another
    (:func:`~widgets.model.unit_id_key`), and for outcomes or populations that are not numbers.
    """
    if "unit_id" not in frame.columns:
        raise ModelError("The data needs a column that names each unit.")
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        raise ModelError("Two columns have the same name.")
    context = [c for c in names if c not in UNIT_FIELDS]
    if list(frame.columns) != names:
        frame = frame.set_axis(names, axis=1)
    ids = frame["unit_id"]
    if ids.isna().any():
        raise ModelError(f"Row {int(np.flatnonzero(ids.isna().to_numpy())[0]) + 1} has no id.")
    ids = (ids.astype("str") if pd.api.types.is_string_dtype(ids) or not len(ids)
           else ids.map(_text_of))  # an empty column may come as float64
    ids, keys = clean_unit_ids(ids)
    blank = ids == ""
    if blank.any():
        raise ModelError(f"Row {int(np.flatnonzero(blank.to_numpy())[0]) + 1} has no id.")
    repeat = first_repeat(keys)
    if repeat:
        pos, earlier = repeat
        first, second = ids.iloc[earlier], ids.iloc[pos]
        if first == second:
            raise ModelError(f"The id {second!r} is used twice (rows {earlier + 1} and "
                             f"{pos + 1}). Each unit needs its own id.")
        raise ModelError(f"The ids {first!r} (row {earlier + 1}) and {second!r} (row "
                         f"{pos + 1}) look the same. Each unit needs its own id.")
    n = len(frame)
    # Build from Series (not numpy arrays) so Arrow-backed text is never copied to objects.
    columns: dict[str, pd.Series] = {"unit_id": ids.astype("str")}
    columns["outcome"] = (_numeric(frame["outcome"], "outcomes") if "outcome" in frame
                          else pd.Series(np.full(n, np.nan), index=frame.index))
    columns["population"] = (_numeric(frame["population"], "populations")
                             if "population" in frame
                             else pd.Series(np.full(n, np.nan), index=frame.index))
    if "private_name" in frame:
        private = frame["private_name"]
        if not pd.api.types.is_string_dtype(private):
            private = private.astype(object).where(private.notna(), None).map(
                lambda v: v if v is None or isinstance(v, str) else _text_of(v))
        columns["private_name"] = private
    else:
        columns["private_name"] = pd.Series(np.full(n, None, dtype=object), index=frame.index)
    for c in context:
        columns[c] = _circumstance(frame[c])
    out = pd.DataFrame(columns).reset_index(drop=True)
    return out, context


def to_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise a normalised units frame (Arrow IPC / Feather v2, LZ4-compressed)."""
    import pyarrow as pa
    import pyarrow.feather as feather

    schema_fields = []
    for c in frame.columns:
        if c in ("outcome", "population") or frame[c].dtype == "float64":
            schema_fields.append(pa.field(c, pa.float64()))
        else:
            schema_fields.append(pa.field(c, pa.string()))
    table = pa.Table.from_pandas(frame, schema=pa.schema(schema_fields), preserve_index=False)
    buffer = io.BytesIO()
    feather.write_feather(table, buffer, compression=COMPRESSION)
    return buffer.getvalue()


def from_bytes(data: bytes | None, context_columns: list[str]) -> pd.DataFrame:
    """Read a stored units frame back (text as Python str/None, numbers as float64)."""
    if not data:
        return empty_frame(context_columns)
    import pyarrow.feather as feather

    table = feather.read_table(io.BytesIO(data))
    # Text columns come back as pandas' string dtype; missing values are NaN.
    return table.to_pandas()


def read_ids(data: bytes | None) -> set[str]:
    """The unit ids of a stored document, reading only that column."""
    if not data:
        return set()
    import pyarrow.feather as feather

    return set(feather.read_table(io.BytesIO(data), columns=["unit_id"])
               .column("unit_id").to_pylist())


def to_units(frame: pd.DataFrame, context_columns: list[str]) -> list[Unit]:
    """Unit records from a stored frame (NaN becomes None)."""
    def clean(v):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        return v

    ids = frame["unit_id"].tolist()
    outcomes = frame["outcome"].tolist()
    populations = frame["population"].tolist()
    private = frame["private_name"].tolist() if "private_name" in frame else [None] * len(ids)
    context = {c: frame[c].tolist() for c in context_columns}
    return [
        Unit(ids[i], clean(outcomes[i]), clean(populations[i]), clean(private[i]),
             {c: clean(context[c][i]) for c in context_columns})
        for i in range(len(ids))
    ]


def from_units(units: list[Unit], context_columns: list[str]) -> pd.DataFrame:
    """A frame from unit records, for :func:`normalise`."""
    for c in context_columns:  # would silently overwrite a fixed column below
        if c in UNIT_FIELDS:
            raise ModelError(f"A circumstance cannot be called {c!r}.")
    data: dict[str, list] = {
        "unit_id": [u.unit_id for u in units],
        "outcome": [_as_number(u.outcome, u.unit_id, "outcome") for u in units],
        "population": [_as_number(u.population, u.unit_id, "population") for u in units],
        "private_name": [u.private_name for u in units],
    }
    for c in context_columns:
        data[c] = [u.context.get(c) for u in units]
    frame = pd.DataFrame(data, columns=list(data))
    for c in ("outcome", "population"):
        frame[c] = frame[c].astype("float64")
    return frame


def _as_number(value, unit_id, label) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ModelError(f"The {label} of {unit_id!r} must be a number.")
    return float(value)
