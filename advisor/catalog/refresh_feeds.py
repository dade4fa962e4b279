"""Refreshing prices and lifecycle from the other maintained price feeds.

`advisor catalog refresh --from FILE_OR_URL` reads a models.dev `api.json` (see `refresh.py`) or one of:
- LiteLLM's `model_prices_and_context_window.json` (per-token prices, `deprecation_date`);
- model-prices' `snapshot.json` (first-party dated timelines, deprecated/removed status);
- genai-prices' `prices/data.json` (a list of providers, each with `models` and their `prices`).
Each updates the offerings the catalog already lists (matched by provider and provider model id):
prices, batch prices and lifecycle. Nothing is added from these feeds: they carry no model facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from advisor.catalog.feeds import FeedPrice, LiteLLMFeed, ModelPricesFeed, lifecycle
from advisor.catalog.importing import Incoming
from advisor.catalog.schema import Model, Offering
from advisor.catalog.store import Catalog

_MODEL = TypeAdapter(Model)
# genai-prices provider ids -> ours (models.dev's), where they differ.
GENAI_PROVIDERS = {"x-ai": "xai", "aws": "amazon-bedrock", "together": "togetherai",
                   "fireworks": "fireworks-ai", "zhipuai": "zai"}


def with_offers(model: Model, offers: list[dict[str, Any]], models: list[Model], skipped: list[str],
                why: str) -> None:
    """`model` with its offerings replaced, validated into `models`, or its id and `why` into `skipped`."""
    raw = model.model_dump(mode="json")
    raw["offerings"] = offers
    try:
        models.append(_MODEL.validate_python(raw))
    except ValidationError:
        skipped.append(f"{model.id}: {why}")


def feed_kind(doc: Any) -> str:
    """Which feed a parsed document is: models.dev, litellm, model-prices or genai-prices."""
    if isinstance(doc, list) and doc and all(isinstance(p, Mapping) and "models" in p for p in doc[:5]):
        return "genai-prices"
    if isinstance(doc, Mapping):
        if isinstance(doc.get("prices"), Mapping) and "updated_at" in doc:
            return "model-prices"
        sample = [v for k, v in list(doc.items())[:50] if k != "sample_spec"]
        if sample and all(isinstance(v, Mapping) and "models" in v for v in sample):
            return "models.dev"
        if sample and any(isinstance(v, Mapping) and ("litellm_provider" in v or "input_cost_per_token" in v)
                          for v in sample):
            return "litellm"
    return "unknown"


def _number(value: Any) -> float | None:
    if isinstance(value, Mapping):
        value = value.get("base")
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return float(value) if ok else None


def _genai_prices(entry: Mapping[str, Any], today: date) -> Mapping[str, Any] | None:
    prices = entry.get("prices")
    if isinstance(prices, Mapping):
        return prices
    chosen: Mapping[str, Any] | None = None
    for item in prices if isinstance(prices, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("prices"), Mapping):
            continue
        start = item.get("constraint", {}).get("start_date") if isinstance(item.get("constraint"), Mapping) \
            else None
        if start is None or (isinstance(start, str) and start[:10] <= today.isoformat()):
            chosen = item["prices"]
    return chosen


def _match_ids(entry: Mapping[str, Any]) -> set[str]:
    ids = {str(entry.get("id", ""))}
    match = entry.get("match")
    clauses = match.get("or", [match]) if isinstance(match, Mapping) else []
    ids |= {str(c["equals"]) for c in clauses if isinstance(c, Mapping) and "equals" in c}
    return ids - {""}


def genai_index(doc: list[Any], today: date) -> dict[tuple[str, str], tuple[Mapping[str, Any], bool]]:
    """(provider, model id) -> (prices in force today, deprecated flag), from genai-prices data."""
    out: dict[tuple[str, str], tuple[Mapping[str, Any], bool]] = {}
    for provider in doc:
        if not isinstance(provider, Mapping) or not isinstance(provider.get("models"), list):
            continue
        slug = GENAI_PROVIDERS.get(str(provider.get("id")), str(provider.get("id")))
        for entry in provider["models"]:
            if not isinstance(entry, Mapping):
                continue
            prices = _genai_prices(entry, today)
            if prices is None:
                continue
            for mid in _match_ids(entry):
                out[(slug, mid)] = (prices, bool(entry.get("deprecated")))
    return out


def _updated(offer: Offering, kind: str, doc: Any, name: str, today: date,
             cache: dict[str, Any]) -> dict[str, Any] | None:
    """The offering with the feed's prices and lifecycle, or None when the feed does not know it."""
    pid = offer.provider_model_id or ""
    data = offer.model_dump(mode="json")
    price: tuple[float, float, float | None] | None = None
    status: str | None = None
    shutdown: date | None = None
    if kind == "litellm":
        feed = cache.setdefault("litellm", LiteLLMFeed(doc, name))
        found = feed.price(offer.provider, pid)
        price = (found[0], found[1], None) if found else None
        life = lifecycle(offer.provider, pid, today=today, prices=None, db=None, litellm=feed)
        status, shutdown = (life.status, life.shutdown_date) if life.source else (None, None)
    elif kind == "model-prices":
        mp = cache.setdefault("model-prices", ModelPricesFeed(doc, name))
        fp: FeedPrice | None = mp.price(offer.provider, pid, today)
        price = (fp.input_usd_per_mtok, fp.output_usd_per_mtok, fp.cached_input_usd_per_mtok) if fp else None
        if fp and fp.batch_input_usd_per_mtok is not None and fp.batch_output_usd_per_mtok is not None:
            data["price_batch_input_usd_per_mtok"] = fp.batch_input_usd_per_mtok
            data["price_batch_output_usd_per_mtok"] = fp.batch_output_usd_per_mtok
        life = lifecycle(offer.provider, pid, today=today, prices=mp, db=None, litellm=None)
        status = life.status if life.source else None
    elif kind == "genai-prices":
        index = cache.setdefault("genai", genai_index(doc, today))
        hit = index.get((offer.provider, pid))
        if hit is not None:
            pin, pout = _number(hit[0].get("input_mtok")), _number(hit[0].get("output_mtok"))
            price = (pin, pout, _number(hit[0].get("cache_read_mtok"))) if pin is not None and \
                pout is not None else None
            status = "deprecated" if hit[1] else None
    if price is None and status is None:
        return None
    before = offer.model_dump(mode="json")
    if price is not None:
        data["price_input_usd_per_mtok"], data["price_output_usd_per_mtok"] = price[0], price[1]
        if price[2] is not None:
            data["price_cached_input_usd_per_mtok"] = price[2]
    new_shutdown = shutdown.isoformat() if shutdown is not None else before.get("shutdown_date")
    if status is not None and (status, new_shutdown) != (before["status"], before.get("shutdown_date")):
        data["status"], data["shutdown_date"] = status, new_shutdown
        data["lifecycle_source"] = f"{kind} {name} (read {today.isoformat()})"
    if data != before:
        data["source"], data["as_of"] = f"{kind} {name} (read {today.isoformat()})", today.isoformat()
    return data


def feed_incoming(catalog: Catalog, doc: Any, kind: str, name: str, today: date) -> Incoming:
    """Every catalog model whose offerings the feed updates, as incoming entries."""
    models: list[Model] = []
    skipped: list[str] = []
    cache: dict[str, Any] = {}
    for model in catalog.models.values():
        offers = []
        changed = False
        for offer in model.offerings:
            new = _updated(offer, kind, doc, name, today, cache)
            changed |= new is not None and new != offer.model_dump(mode="json")
            offers.append(new if new is not None else offer.model_dump(mode="json"))
        if changed:
            with_offers(model, offers, models, skipped, "the feed's values do not fit the schema")
    return Incoming(tuple(models), (), tuple(skipped))
