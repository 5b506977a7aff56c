"""Splink with its published Febrl example settings (the reference our engine must beat).

Settings copied from the Splink documentation examples (DuckDB):
- "Deduplicating the febrl3 dataset",
  https://moj-analytical-services.github.io/splink/demos/examples/duckdb/febrl3.html
  (docs/demos/examples/duckdb/febrl3.ipynb): blocking on soc_sec_id | given_name | surname
  | date_of_birth | postcode; NameComparison ×2, DateOfBirthComparison, DamerauLevenshtein
  soc_sec_id [2], ExactMatch street_number & postcode with TF; prior from deterministic
  rules at recall 0.9; u by random sampling (1e6 pairs, seed 2); EM blocked on
  date_of_birth then postcode; predict(threshold_match_probability=0.2).
  Used for febrl1 and febrl2 too (Splink publishes no example for them).
- "Linking the febrl4 datasets",
  https://moj-analytical-services.github.io/splink/demos/examples/duckdb/febrl4.html
  (docs/demos/examples/duckdb/febrl4.ipynb): the "detailed" model, its seven blocking
  rules, prior at recall 0.8, u from 1e6 random pairs, EM on date_of_birth then postcode
  without TF, predict(threshold_match_probability=0.2); the page then clusters at 0.99,
  printed as `splink_febrl4_at099_*`.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd

PREDICT_THRESHOLD = 0.2
logging.getLogger("splink").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", module="splink")


def _frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reset_index().rename(columns={"index": "rec_id"})
    out.columns = [c.strip() for c in out.columns]
    for col in out.columns:
        out[col] = out[col].map(lambda v: None if pd.isna(v) else str(v).strip())
    return out


def _dedupe_linker(df: pd.DataFrame):  # type: ignore[no-untyped-def]
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    blocking_rules: list[Any] = [
        block_on("soc_sec_id"),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level=logging.ERROR)
    deterministic_rules: list[Any] = [
        block_on("soc_sec_id"),
        block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name and l.date_of_birth = r.date_of_birth",
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic_rules, recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    return linker


def _link_linker(df_a: pd.DataFrame, df_b: pd.DataFrame):  # type: ignore[no-untyped-def]
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    blocking_rules: list[Any] = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db_api = DuckDBAPI()
    linker = Linker(
        [db_api.register(df_a), db_api.register(df_b)], settings, log_level=logging.ERROR
    )
    deterministic_rules: list[Any] = [
        block_on("soc_sec_id"),
        block_on("given_name", "surname", "date_of_birth"),
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic_rules, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    return linker


def run_splink(frames: Sequence[pd.DataFrame]) -> tuple[pd.DataFrame, float]:
    """Train and predict with the published settings; (predictions ≥ 0.2, seconds)."""
    start = time.perf_counter()
    if len(frames) == 1:
        df = _frame(frames[0])
        linker = _dedupe_linker(df)
    else:
        df_a, df_b = _frame(frames[0]), _frame(frames[1])
        linker = _link_linker(df_a, df_b)
    preds = linker.inference.predict(
        threshold_match_probability=PREDICT_THRESHOLD
    ).as_pandas_dataframe()
    elapsed = time.perf_counter() - start
    return preds, elapsed


def predicted_pairs(
    preds: pd.DataFrame, *, linkage: bool, threshold: float = PREDICT_THRESHOLD
) -> set[frozenset[str]]:
    """Pairs of record keys (prefixed a:/b: for linkage, as in `_febrl.true_pairs`)."""
    rows = preds[preds["match_probability"] >= threshold]
    out = set()
    for row in rows.itertuples(index=False):
        left, right = str(row.rec_id_l), str(row.rec_id_r)
        if linkage:
            sl, sr = _source(row.source_dataset_l), _source(row.source_dataset_r)
            left, right = f"{sl}:{left}", f"{sr}:{right}"
        out.add(frozenset((left, right)))
    return out


def _source(name: object) -> str:
    """Splink names its inputs `__splink__input_table_0/1`: the first is febrl4a."""
    return "a" if str(name).endswith("0") else "b"


def match_one_ms(frames: Sequence[pd.DataFrame], n: int = 20) -> float:
    """Median ms for Splink to match ONE new record against the trained febrl3 base
    (`inference.predict_between`, its documented path for incoming records)."""
    df = _frame(frames[0])
    base, new = df.iloc[n:].reset_index(drop=True), df.iloc[:n].reset_index(drop=True)
    linker = _dedupe_linker(base)
    db_api = linker._db_api
    base_sdf = db_api.register(base)
    times = []
    for i in range(n):
        start = time.perf_counter()
        one = db_api.register(new.iloc[[i]].reset_index(drop=True))
        linker.inference.predict_between(
            one, base_sdf, threshold_match_probability=PREDICT_THRESHOLD
        ).as_pandas_dataframe()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]
