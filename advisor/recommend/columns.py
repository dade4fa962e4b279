"""A catalog as columns: every per-model fact the ranking reads, as numpy arrays, built once.

The ranking (`batch.py`) filters and scores whole columns instead of looping over models. Everything
here depends on the catalog alone (not on the constraints), so it is built once per catalog and
cached for as long as the catalog's model dict lives, like the quality table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from advisor.arrays import Bools, Floats, Ints
from advisor.catalog.quant import MIXES
from advisor.catalog.schema import License, Model, SupportLevel
from advisor.catalog.store import Catalog
from advisor.estimate.core import candidate_quants
from advisor.estimate.footprints import FootprintColumns
from advisor.estimate.memory import EstimateError, Footprint, footprint, model_weights_bytes
from advisor.recommend.deploy import ALTERNATIVE_QUANTS, MLX_QUANTS
from advisor.recommend.quality import QualityTable
from advisor.recommend.quality_items import TASKS
from advisor.recommend.scoring import LICENSE_VALUE, quantization_loss

QUANT_NAMES: tuple[str, ...] = tuple(MIXES)
"""Quantization codes in the arrays are indexes into this tuple."""


QUANT_QUALITY = np.array([1.0 - quantization_loss(q)[0] for q in QUANT_NAMES])
"""Quality multiplier of each quantization, as `scoring.quantization_factor` gives it for one plan."""

LEVEL_VALUE = {SupportLevel.EVALUATED: 1.0, SupportLevel.OFFICIAL: 0.9, SupportLevel.CLAIMED: 0.6,
               SupportLevel.UNSUPPORTED: 0.0}
"""Language factor value of each documented support level (a language not listed is NaN here:
unknown, which the score counts at `scoring.UNKNOWN_LANGUAGE`, and which never excludes)."""

NO_THINKING, HYBRID_THINKING, ALWAYS_THINKING = 0, 1, 2
"""`Columns.thinking`: no thinking mode; thinking switched per request; always thinks."""
_THINKING = {"none": NO_THINKING, "hybrid": HYBRID_THINKING, "always": ALWAYS_THINKING}


def thinking_mode(m: Model) -> int:
    """The model's thinking mode; an unstated mode is read from the reasoning flag (a reasoning
    model always thinks, as its bills counted before modes were recorded)."""
    if m.capabilities.thinking is not None:
        return _THINKING[m.capabilities.thinking]
    return ALWAYS_THINKING if m.capabilities.reasoning else NO_THINKING


@dataclass(frozen=True)
class Offerings:
    """Every API offering of the catalog, one row each."""

    model: Ints  # index of the offering's model
    position: Ints  # index among its model's offerings (keeps the catalog's order in ties)
    price_in: Floats
    price_out: Floats
    price_cached: Floats  # NaN when the provider has no cached-input price
    price_batch_in: Floats  # NaN when the provider has no batch price
    price_batch_out: Floats
    speed: Floats  # published output tokens/s; NaN = not published
    commercial: Ints  # 1 terms allow commercial use, 0 they do not, -1 not stated
    context: Ints  # tokens served (the offering's, else the model's); 0 = unknown
    region_sets: list[frozenset[str]]  # distinct sets of regions where data is processed
    region_key: Ints  # index into region_sets
    trains: Ints  # 1 trains on API data, 0 does not, -1 does not say
    provider: list[str]
    provider_rank: Ints  # order of the provider names (ties between equal scores and costs)


@dataclass(frozen=True)
class Columns:
    """Per-model facts of one catalog, aligned with `models`."""

    models: list[Model]
    position: dict[str, int]
    id_rank: Ints  # order of the ids (the last tie-break of the ranking)
    license_ids: list[str]
    license_objects: list[License | None]  # aligned with license_ids (None: not in the catalog)
    license: Ints  # index into license_ids
    license_value: Floats  # per model (0 when the licence is not in the catalog)
    open_weights: Bools
    thinking: Ints  # NO_THINKING, HYBRID_THINKING or ALWAYS_THINKING
    context: Ints  # model's context window, 0 = unknown
    best_context: Ints  # max of the model's and its offerings' windows, 0 = unknown
    vendor_keys: list[tuple[str, str]]  # distinct (vendor in lower case, id prefix)
    vendor: Ints  # index into vendor_keys
    countries: list[str | None]
    country: Ints  # index into countries
    languages: dict[str, Floats]  # code -> support value per model (0 = unsupported, NaN = unknown)
    modalities: dict[str, Bools]
    release_ordinal: Floats  # NaN = unknown
    providers: Ints  # distinct providers serving it
    has_artifacts: Bools
    retired: Bools  # closed models no offering serves any more (never ranked)
    estimable: Bools
    estimate_error: list[str]  # why a model cannot be estimated ("" when it can)
    footprints: FootprintColumns
    quants: Ints  # (models, k): candidate quantizations best first, -1 padding
    quant_weights: Floats  # (models, k): their weight bytes, +inf padding
    quant_experts: Floats  # (models, k): bytes of their routed-expert tensors (0 dense / padding)
    alternative_weights: Floats  # (models, len(ALTERNATIVE_QUANTS)): weight bytes of each
    alternative_experts: Floats  # (models, len(ALTERNATIVE_QUANTS)): their routed-expert bytes
    vllm_quants: Ints  # (models, k): vLLM's ladder (BF16, FP8, AWQ), as `quants`, for team serving
    vllm_weights: Floats
    vllm_experts: Floats
    mlx_weights: Floats  # (models, len(MLX_QUANTS)): weight bytes of each MLX repository (+inf: none)
    mlx_experts: Floats
    offerings: Offerings
    quality: QualityColumns


@dataclass(frozen=True)
class QualityColumns:
    """The quality table as columns aligned with the catalog's models."""

    mean: Floats  # (models, tasks) posterior mean ability, tasks in quality.TASKS order
    cov: Floats  # (models, tasks, tasks) posterior covariance
    known: Bools  # the model was in the quality fit


def _footprint(model: Model) -> tuple[Footprint | None, str]:
    try:
        return footprint(model), ""
    except EstimateError as exc:
        return None, str(exc)


def _facts(m: Model) -> tuple[object, ...]:
    """One model's scalar facts, in the order `build_columns` unpacks them."""
    ctx = m.context_window_tokens or 0
    return (m.license, m.open_weights, thinking_mode(m), ctx,
            max([ctx, *(o.context_window_tokens or 0 for o in m.offerings)]),
            (m.vendor.lower(), m.vendor_slug), m.vendor_country,
            m.release_date.toordinal() if m.release_date else math.nan,
            len({o.provider for o in m.offerings}), bool(m.artifacts),
            m.architecture is not None and m.architecture.is_moe)


def build_columns(catalog: Catalog, table: QualityTable) -> Columns:
    """The columns of a catalog (one Python pass over the models; done once per catalog)."""
    models = list(catalog.models.values())
    n = len(models)
    ids = [m.id for m in models]
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[sorted(range(n), key=ids.__getitem__)] = np.arange(n)
    facts = list(zip(*(_facts(m) for m in models), strict=True)) if models else [()] * 11
    (licences, open_weights, thinking, context, best_context, vendors, model_countries, release,
     providers, artifacts, moe) = facts
    license_ids = sorted(set(licences))
    lic_pos = {lic: i for i, lic in enumerate(license_ids)}
    license_objects = [catalog.licenses.get(lic) for lic in license_ids]
    lic_values = np.array([LICENSE_VALUE[obj.license_class] if obj else 0.0 for obj in license_objects])
    license_idx = np.array([lic_pos[lic] for lic in licences], dtype=np.int64)
    vendor_keys = sorted(set(vendors))
    vendor_pos = {v: i for i, v in enumerate(vendor_keys)}
    countries = list(dict.fromkeys(model_countries))
    country_pos = {c: i for i, c in enumerate(countries)}
    fps = [_footprint(m) for m in models]
    quants, quant_weights, quant_experts = _ladder(models, fps, candidate_quants)
    _, alternative_weights, alternative_experts = _ladder(models, fps, lambda _m: ALTERNATIVE_QUANTS,
                                                             len(ALTERNATIVE_QUANTS))
    # An alternative is a file of the model's own ladder: a model released in MXFP4 (gpt-oss) has no
    # 5- or 4-bit GGUF re-quantization to trade for speed unless one is published.
    for i, m in enumerate(models):
        own = set(candidate_quants(m))
        for j, name in enumerate(ALTERNATIVE_QUANTS):
            if name not in own:
                alternative_weights[i, j] = math.inf
    vllm_quants, vllm_weights, vllm_experts = _ladder(models, fps, lambda m: candidate_quants(m, "vllm"))
    _, mlx_weights, mlx_experts = _ladder(models, fps, lambda _m: MLX_QUANTS, len(MLX_QUANTS))
    for i, m in enumerate(models):  # only the MLX conversions the catalog names a repository for
        published = {a.quantization for a in m.artifacts if a.format.value == "mlx" and a.repo}
        for j, name in enumerate(MLX_QUANTS):
            if name not in published:
                mlx_weights[i, j] = math.inf
    return Columns(
        models=models,
        position={mid: i for i, mid in enumerate(ids)},
        id_rank=id_rank,
        license_ids=license_ids,
        license_objects=license_objects,
        license=license_idx,
        license_value=lic_values[license_idx] if n else np.zeros(0),
        open_weights=np.array(open_weights, dtype=np.bool_),
        thinking=np.array(thinking, dtype=np.int64),
        context=np.array(context, dtype=np.int64),
        best_context=np.array(best_context, dtype=np.int64),
        vendor_keys=vendor_keys,
        vendor=np.array([vendor_pos[v] for v in vendors], dtype=np.int64),
        countries=countries,
        country=np.array([country_pos[c] for c in model_countries], dtype=np.int64),
        languages=_languages(models),
        modalities=_modalities(models),
        release_ordinal=np.array(release, dtype=np.float64),
        providers=np.array(providers, dtype=np.int64),
        has_artifacts=np.array(artifacts, dtype=np.bool_),
        retired=np.array([m.retired for m in models], dtype=np.bool_),
        estimable=np.array([fp is not None for fp, _ in fps], dtype=np.bool_),
        estimate_error=[err for _, err in fps],
        footprints=FootprintColumns.of([fp for fp, _ in fps], moe),
        quants=quants,
        quant_weights=quant_weights,
        quant_experts=quant_experts,
        alternative_weights=alternative_weights,
        alternative_experts=alternative_experts,
        vllm_quants=vllm_quants,
        vllm_weights=vllm_weights,
        vllm_experts=vllm_experts,
        mlx_weights=mlx_weights,
        mlx_experts=mlx_experts,
        offerings=_offerings(models),
        quality=_quality(ids, table),
    )


def _languages(models: list[Model]) -> dict[str, Floats]:
    """Language code -> support value per model (NaN where the catalog lists nothing)."""
    rows: dict[str, tuple[list[int], list[float]]] = {}
    for i, m in enumerate(models):
        for lang in m.languages:
            at, levels = rows.setdefault(lang.code, ([], []))
            at.append(i)
            levels.append(LEVEL_VALUE[lang.level])
    out: dict[str, Floats] = {}
    for code, (at, levels) in rows.items():
        out[code] = np.full(len(models), np.nan)
        out[code][at] = levels
    return out


def _modalities(models: list[Model]) -> dict[str, Bools]:
    """Input modality -> whether each model accepts it."""
    rows: dict[str, list[int]] = {}
    for i, m in enumerate(models):
        for modality in m.input_modalities:
            rows.setdefault(modality, []).append(i)
    out: dict[str, Bools] = {}
    for name, at in rows.items():
        out[name] = np.zeros(len(models), dtype=np.bool_)
        out[name][at] = True
    return out


def _expert_bytes(fp: Footprint, q: str, weights: float) -> float:
    """Routed-expert bytes of one quantization (never more than the whole file)."""
    return min(weights, fp.expert_bytes(MIXES[q])) if fp.routed_params else 0.0


def _ladder(models: list[Model], fps: list[tuple[Footprint | None, str]],
            quants_of: Callable[[Model], Sequence[str]], width: int = 1) -> tuple[Ints, Floats, Floats]:
    """Per model, the quantizations `quants_of` names (best first, -1 padding), their weight bytes
    (+inf padding) and their routed-expert bytes (0 for dense models and padding); at least `width`
    columns, even when no model can be sized."""
    cands = [list(quants_of(m)) if fp is not None else [] for m, (fp, _) in zip(models, fps, strict=True)]
    k = max([width, *(len(c) for c in cands)])
    q_pos = {q: i for i, q in enumerate(QUANT_NAMES)}
    quant_rows: list[list[int]] = []
    weight_rows: list[list[float]] = []
    expert_rows: list[list[float]] = []
    for m, c, (fp, _) in zip(models, cands, fps, strict=True):
        pad = k - len(c)
        quant_rows.append([q_pos[q] for q in c] + [-1] * pad)
        if fp is None:
            weight_rows.append([math.inf] * k)
            expert_rows.append([0.0] * k)
            continue
        weights = [model_weights_bytes(m, fp, q)[0] for q in c]
        weight_rows.append(weights + [math.inf] * pad)
        expert_rows.append([_expert_bytes(fp, q, w) for q, w in zip(c, weights, strict=True)] + [0.0] * pad)
    n = len(models)
    return (np.array(quant_rows, dtype=np.int64).reshape(n, k),
            np.array(weight_rows, dtype=np.float64).reshape(n, k),
            np.array(expert_rows, dtype=np.float64).reshape(n, k))


def _offerings(models: list[Model]) -> Offerings:
    # A retired offering is no longer served, a free trial is no service to deploy on: neither
    # reaches the ranking.
    rows = [(i, j, m, o) for i, m in enumerate(models) for j, o in enumerate(m.offerings) if o.servable]
    providers = [o.provider for _, _, _, o in rows]
    order = {p: r for r, p in enumerate(sorted(set(providers)))}
    region_sets = list(dict.fromkeys(frozenset(o.regions) for *_, o in rows))
    region_pos = {r: i for i, r in enumerate(region_sets)}
    return Offerings(
        model=np.array([i for i, _, _, _ in rows], dtype=np.int64),
        position=np.array([j for _, j, _, _ in rows], dtype=np.int64),
        price_in=np.array([o.price_input_usd_per_mtok for *_, o in rows], dtype=np.float64),
        price_out=np.array([o.price_output_usd_per_mtok for *_, o in rows], dtype=np.float64),
        price_cached=np.array([np.nan if o.price_cached_input_usd_per_mtok is None
                               else o.price_cached_input_usd_per_mtok for *_, o in rows],
                              dtype=np.float64),
        price_batch_in=_optional([o.price_batch_input_usd_per_mtok for *_, o in rows]),
        price_batch_out=_optional([o.price_batch_output_usd_per_mtok for *_, o in rows]),
        speed=_optional([o.output_tokens_per_s for *_, o in rows]),
        commercial=np.array([-1 if o.commercial_use is None else int(o.commercial_use) for *_, o in rows],
                            dtype=np.int64),
        context=np.array([o.context_window_tokens or m.context_window_tokens or 0
                          for _, _, m, o in rows], dtype=np.int64),
        region_sets=region_sets,
        region_key=np.array([region_pos[frozenset(o.regions)] for *_, o in rows], dtype=np.int64),
        trains=np.array([-1 if o.trains_on_data is None else int(o.trains_on_data) for *_, o in rows],
                        dtype=np.int64),
        provider=providers,
        provider_rank=np.array([order[p] for p in providers], dtype=np.int64),
    )


def _optional(values: list[float | None]) -> Floats:
    """Floats with NaN for None."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _quality(ids: list[str], table: QualityTable) -> QualityColumns:
    n, k = len(ids), len(TASKS)
    rows = np.array([table.index.get(mid, -1) for mid in ids], dtype=np.int64)
    known = rows >= 0
    mean = np.zeros((n, k))
    cov = np.zeros((n, k, k))
    cov[:, np.arange(k), np.arange(k)] = 1.0  # not fitted: the catalog's spread (never happens in use)
    mean[known] = table.mean[rows[known]]
    cov[known] = table.cov[rows[known]]
    return QualityColumns(mean, cov, known)
