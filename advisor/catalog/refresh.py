"""Refreshing prices and hosted models from models.dev (or, via `refresh_feeds`, from LiteLLM's,
model-prices' or genai-prices' price data) — only when the user asks.

`download.fetch` downloads over HTTPS only (a redirect to plain HTTP is refused), within a size
limit, a total deadline and a minimum rate.
`plan_refresh` reads a models.dev `api.json` document (`{provider: {"models": {id: {...}}}}`)
and proposes: new prices and limits for the offerings the catalog already lists (matched by provider
and provider model id), and new hosted models from providers whose own proprietary licence the
catalog knows (`proprietary-<provider>`). Models the user edited are never changed: they show up as
conflicts and are left alone. Nothing is applied until the user accepts the preview.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from advisor.catalog.download import fetch
from advisor.catalog.editing import OverlayEditor
from advisor.catalog.errors import CatalogError
from advisor.catalog.importing import ImportPlan, Incoming, plan_import
from advisor.catalog.refresh_feeds import with_offers
from advisor.catalog.schema import Model, is_valid_model_id
from advisor.catalog.store import Catalog, parse_json_bytes, read_file_bytes
from advisor.storage.problems import Problem

DEFAULT_URL = "https://models.dev/api.json"
_MODEL = TypeAdapter(Model)
_MODALITIES = {"text", "image", "audio", "video", "pdf"}
Progress = Callable[[float, str], None]


def load_models_dev(source: str | None, progress: Progress | None = None,
                    context: ssl.SSLContext | None = None) -> tuple[Any, str]:
    """The parsed document and a name for it: from a URL (HTTPS) or a local file."""
    from pathlib import Path  # noqa: PLC0415

    where = source or DEFAULT_URL
    if "://" in where:
        return parse_json_bytes(fetch(where, progress=progress, context=context), where), where
    path = Path(where)
    return parse_json_bytes(read_file_bytes(path), str(path)), str(path)


def _norm(name: str) -> str:
    """A model name compared loosely: 'Claude Haiku 4.5 (latest)' ~ 'claude-haiku-4.5'."""
    return "".join(ch for ch in name.lower().replace("(latest)", "") if ch.isalnum() or ch == ".")


def _obj(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _price(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 \
        else None


def _offering_update(offer: dict[str, Any], entry: Mapping[str, Any], source: str,
                     as_of: str) -> dict[str, Any]:
    cost = _obj(entry.get("cost"))
    limit = _obj(entry.get("limit"))
    new = dict(offer)
    changed = False
    for key, ours in (("input", "price_input_usd_per_mtok"), ("output", "price_output_usd_per_mtok"),
                      ("cache_read", "price_cached_input_usd_per_mtok")):
        price = _price(cost.get(key))
        if price is not None and new.get(ours) != price:
            new[ours], changed = price, True
    for key, ours in (("context", "context_window_tokens"), ("output", "max_output_tokens")):
        value = limit.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0 and new.get(ours) != value:
            new[ours], changed = value, True
    if changed:
        new["source"], new["as_of"] = source, as_of
    return new


def _doc_models(doc: Any, name: str) -> dict[str, dict[str, Mapping[str, Any]]]:
    if not isinstance(doc, Mapping) or not doc:
        raise CatalogError([Problem(name, None, None, "is not a models.dev document (expected an object "
                                    "of providers, each with 'models')")])
    out: dict[str, dict[str, Mapping[str, Any]]] = {}
    for provider, body in doc.items():
        if not isinstance(body, Mapping) or not isinstance(body.get("models"), Mapping):
            raise CatalogError([Problem(name, f"provider '{str(provider)[:80]}'", "models",
                                        "must be an object of models")])
        out[str(provider)] = {str(k): v for k, v in body["models"].items() if isinstance(v, Mapping)}
    return out


def refresh_incoming(catalog: Catalog, doc: Any, name: str, today: date | None = None) -> Incoming:
    """Updated offerings for known models and new hosted models, from a models.dev document."""
    providers = _doc_models(doc, name)
    as_of = (today or date.today()).isoformat()  # noqa: DTZ011 - a calendar date
    source = f"models.dev {name} (read {as_of})"
    models: list[Model] = []
    skipped: list[str] = []
    known: set[tuple[str, str]] = set()
    for model in catalog.models.values():
        offers = []
        changed = False
        for offer in model.offerings:
            key = (offer.provider, offer.provider_model_id or "")
            known.add(key)
            entry = providers.get(offer.provider, {}).get(offer.provider_model_id or "")
            data = offer.model_dump(mode="json")
            if entry is not None:
                updated = _offering_update(data, entry, source, as_of)
                changed |= updated != data
                data = updated
            offers.append(data)
        if changed:
            with_offers(model, offers, models, skipped, "the new prices do not fit the schema")
    names = {_norm(m.name) for m in catalog.models.values()}
    for provider, entries in providers.items():
        licence = f"proprietary-{provider}"
        if licence not in catalog.licenses:
            continue
        for pid, entry in sorted(entries.items()):
            if (provider, pid) in known or not _is_new_chat_model(pid, entry, names):
                continue
            new = _new_model(provider, pid, entry, licence, source, as_of)
            if isinstance(new, str):
                skipped.append(new)
            elif new.id not in catalog.models:
                models.append(new)
    return Incoming(tuple(models), (), tuple(skipped))


def _is_new_chat_model(pid: str, entry: Mapping[str, Any], names: set[str]) -> bool:
    """A closed language model the catalog lacks (not an embedding or image model, not an alias
    or dated snapshot of a model it has under another id)."""
    if entry.get("open_weights") is not False:
        return False
    output = _obj(entry.get("modalities")).get("output")
    if "embedding" in pid or (isinstance(output, list) and "text" not in output):
        return False
    return _norm(str(entry.get("name") or "")) not in names


def _new_model(provider: str, pid: str, entry: Mapping[str, Any], licence: str, source: str,
               as_of: str) -> Model | str:
    mid = f"{provider}/{pid}".lower().replace(" ", "-")
    if not is_valid_model_id(mid):
        return f"{provider}/{pid[:60]}: not a usable id"
    cost = _obj(entry.get("cost"))
    price_in, price_out = _price(cost.get("input")), _price(cost.get("output"))
    if price_in is None or price_out is None:
        return f"{mid}: no input/output price"
    offer: dict[str, Any] = {"provider": provider, "provider_model_id": pid,
                             "price_input_usd_per_mtok": price_in, "price_output_usd_per_mtok": price_out,
                             "source": source, "as_of": as_of}
    offer = _offering_update(offer, entry, source, as_of)
    modalities = _obj(entry.get("modalities"))
    data: dict[str, Any] = {
        "id": mid, "name": str(entry.get("name") or pid)[:200],
        "family": str(entry.get("family") or pid)[:80],
        "vendor": provider, "open_weights": False, "license": licence, "offerings": [offer],
        "facts": {"source": source, "as_of": as_of},
        "capabilities": {k: v for k, v in (("reasoning", entry.get("reasoning")),
                                           ("tool_calls", entry.get("tool_call")))
                         if isinstance(v, bool)},
    }
    for key, ours in (("input", "input_modalities"), ("output", "output_modalities")):
        values = modalities.get(key)
        if isinstance(values, list):
            kept = [v for v in values if v in _MODALITIES]
            if kept:
                data[ours] = kept
    limit = _obj(entry.get("limit"))
    if isinstance(limit.get("context"), int) and limit["context"] > 0:
        data["context_window_tokens"] = limit["context"]
    if isinstance(limit.get("output"), int) and limit["output"] > 0:
        data["max_output_tokens"] = limit["output"]
    released = entry.get("release_date")
    if isinstance(released, str) and len(released) == 10:
        data["release_date"] = released
    try:
        return _MODEL.validate_python(data)
    except ValidationError:
        return f"{mid}: its facts do not fit the schema"


def plan_refresh(editor: OverlayEditor, source: str | None = None, *, doc: Any = None,
                 name: str | None = None, today: date | None = None,
                 progress: Progress | None = None,
                 context: ssl.SSLContext | None = None) -> ImportPlan:
    """The preview of a refresh (download or read the document unless `doc` is given); `context`
    replaces the system's certificate store."""
    from advisor.catalog.refresh_feeds import feed_incoming, feed_kind  # noqa: PLC0415

    if doc is None:
        doc, name = load_models_dev(source, progress, context)
    label = name or source or DEFAULT_URL
    kind = feed_kind(doc)
    if kind in ("litellm", "model-prices", "genai-prices"):
        day = today or date.today()  # noqa: DTZ011 - a calendar date
        incoming = feed_incoming(editor.catalog(), doc, kind, label, day)
    else:
        incoming = refresh_incoming(editor.catalog(), doc, label, today)
    return plan_import(editor, incoming, label)
