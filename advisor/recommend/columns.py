"""A catalog as columns: every per-model fact the ranking reads, as numpy arrays, built once.

The ranking (`batch.py`) filters and scores whole columns instead of looping over models. Everything
here depends on the catalog alone (not on the constraints), so it is built once per catalog and
cached for as long as the catalog's model dict lives, like the quality table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import License, Model
from advisor.catalog.store import Catalog
from advisor.estimate.batch import FootprintColumns
from advisor.estimate.core import candidate_quants
from advisor.estimate.memory import EstimateError, Footprint, footprint, model_weights_bytes
from advisor.estimate.quant import MIXES, quality_loss
from advisor.recommend.deploy import ALTERNATIVE_QUANTS
from advisor.recommend.filters import LEVEL_VALUE
from advisor.recommend.quality import QualityTable
from advisor.recommend.scoring import LICENSE_VALUE

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

QUANT_NAMES: tuple[str, ...] = tuple(MIXES)
"""Quantization codes in the arrays are indexes into this tuple."""


def _quality_multiplier(name: str) -> float:
    """`scoring.quantization_factor` for a quantization name (1 below a 1 % perplexity rise)."""
    loss = min(0.6, max(0.0, quality_loss(name)[0]))
    return 1.0 if loss < 0.01 else 1.0 - loss


QUANT_QUALITY = np.array([_quality_multiplier(q) for q in QUANT_NAMES])


@dataclass(frozen=True)
class Offerings:
    """Every API offering of the catalog, one row each."""

    model: Ints  # index of the offering's model
    position: Ints  # index among its model's offerings (keeps the catalog's order in ties)
    price_in: Floats
    price_out: Floats
    price_cached: Floats  # NaN when the provider has no cached-input price
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
    hidden: Bools
    license_ids: list[str]
    license_objects: list[License | None]  # aligned with license_ids (None: not in the catalog)
    license: Ints  # index into license_ids
    license_value: Floats  # per model (0 when the licence is not in the catalog)
    open_weights: Bools
    reasoning: Bools
    context: Ints  # model's context window, 0 = unknown
    best_context: Ints  # max of the model's and its offerings' windows, 0 = unknown
    vendor_keys: list[tuple[str, str]]  # distinct (vendor in lower case, id prefix)
    vendor: Ints  # index into vendor_keys
    countries: list[str | None]
    country: Ints  # index into countries
    languages: dict[str, Floats]  # code -> support value per model (0 = no evidence)
    modalities: dict[str, Bools]
    release_ordinal: Floats  # NaN = unknown
    providers: Ints  # distinct providers serving it
    has_artifacts: Bools
    estimable: Bools
    estimate_error: list[str]  # why a model cannot be estimated ("" when it can)
    footprints: FootprintColumns
    quants: Ints  # (models, k): candidate quantizations best first, -1 padding
    quant_weights: Floats  # (models, k): their weight bytes, +inf padding
    alternative_weights: Floats  # (models, len(ALTERNATIVE_QUANTS)): weight bytes of each
    offerings: Offerings
    quality: QualityColumns


@dataclass(frozen=True)
class QualityColumns:
    """The quality table as columns: per task, direct ability (NaN = none) and evidence count."""

    task_ability: dict[Task, Floats]
    task_direct: dict[Task, Ints]
    fallback: Floats  # mean of general ability and size prior; NaN when neither exists
    evidence: Ints


def _footprint(model: Model) -> tuple[Footprint | None, str]:
    try:
        return footprint(model), ""
    except EstimateError as exc:
        return None, str(exc)


def build_columns(catalog: Catalog, table: QualityTable) -> Columns:
    """The columns of a catalog (a Python pass over the models; done once per catalog)."""
    models = list(catalog.models.values())
    n = len(models)
    ids = [m.id for m in models]
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[sorted(range(n), key=ids.__getitem__)] = np.arange(n)
    license_ids = sorted({m.license for m in models})
    lic_pos = {lic: i for i, lic in enumerate(license_ids)}
    lic_values = [LICENSE_VALUE[catalog.licenses[lic].license_class] if lic in catalog.licenses else 0.0
                  for lic in license_ids]
    lang_levels: dict[str, tuple[list[int], list[float]]] = {}
    mod_rows: dict[str, list[int]] = {}  # modality -> rows of the models accepting it
    for i, m in enumerate(models):
        for lang in m.languages:
            rows, levels = lang_levels.setdefault(lang.code, ([], []))
            rows.append(i)
            levels.append(LEVEL_VALUE[lang.level])
        for mod in m.input_modalities:
            mod_rows.setdefault(mod, []).append(i)
    languages: dict[str, Floats] = {}
    for code, (rows, levels) in lang_levels.items():
        languages[code] = np.zeros(n)
        languages[code][rows] = levels
    modalities: dict[str, Bools] = {}
    for modality, mrows in mod_rows.items():
        modalities[modality] = np.zeros(n, dtype=np.bool_)
        modalities[modality][mrows] = True
    vendor_keys = sorted({(m.vendor.lower(), m.vendor_slug) for m in models})
    vendor_pos = {v: i for i, v in enumerate(vendor_keys)}
    countries = list(dict.fromkeys(m.vendor_country for m in models))
    country_pos = {c: i for i, c in enumerate(countries)}
    fps = [_footprint(m) for m in models]
    cands = [candidate_quants(m) if fp is not None else [] for m, (fp, _) in zip(models, fps, strict=True)]
    k = max((len(c) for c in cands), default=1)
    quants = np.full((n, k), -1, dtype=np.int64)
    quant_weights = np.full((n, k), np.inf)
    alternative_weights = np.full((n, len(ALTERNATIVE_QUANTS)), np.inf)
    q_pos = {q: i for i, q in enumerate(QUANT_NAMES)}
    for i, (m, c, (fp, _)) in enumerate(zip(models, cands, fps, strict=True)):
        if fp is None:
            continue
        for j, q in enumerate(c):
            quants[i, j] = q_pos[q]
            quant_weights[i, j] = model_weights_bytes(m, fp, q)[0]
        for j, q in enumerate(ALTERNATIVE_QUANTS):
            alternative_weights[i, j] = model_weights_bytes(m, fp, q)[0]
    return Columns(
        models=models,
        position={mid: i for i, mid in enumerate(ids)},
        id_rank=id_rank,
        hidden=np.array([mid in catalog.hidden for mid in ids], dtype=np.bool_),
        license_ids=license_ids,
        license_objects=[catalog.licenses.get(lic) for lic in license_ids],
        license=np.array([lic_pos[m.license] for m in models], dtype=np.int64),
        license_value=np.array([lic_values[lic_pos[m.license]] for m in models]),
        open_weights=np.array([m.open_weights for m in models], dtype=np.bool_),
        reasoning=np.array([bool(m.capabilities.reasoning) for m in models], dtype=np.bool_),
        context=np.array([m.context_window_tokens or 0 for m in models], dtype=np.int64),
        best_context=np.array([max([m.context_window_tokens or 0]
                                   + [o.context_window_tokens or 0 for o in m.offerings])
                               for m in models], dtype=np.int64),
        vendor_keys=vendor_keys,
        vendor=np.array([vendor_pos[(m.vendor.lower(), m.vendor_slug)] for m in models], dtype=np.int64),
        countries=countries,
        country=np.array([country_pos[m.vendor_country] for m in models], dtype=np.int64),
        languages=languages,
        modalities=modalities,
        release_ordinal=np.array([m.release_date.toordinal() if m.release_date else np.nan
                                  for m in models]),
        providers=np.array([len({o.provider for o in m.offerings}) for m in models], dtype=np.int64),
        has_artifacts=np.array([bool(m.artifacts) for m in models], dtype=np.bool_),
        estimable=np.array([fp is not None for fp, _ in fps], dtype=np.bool_),
        estimate_error=[err for _, err in fps],
        footprints=FootprintColumns.of(
            [fp for fp, _ in fps],
            [m.architecture is not None and m.architecture.is_moe for m in models]),
        quants=quants,
        quant_weights=quant_weights,
        alternative_weights=alternative_weights,
        offerings=_offerings(models),
        quality=_quality(ids, table),
    )


def _offerings(models: list[Model]) -> Offerings:
    rows = [(i, j, m, o) for i, m in enumerate(models) for j, o in enumerate(m.offerings)]
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
        context=np.array([o.context_window_tokens or m.context_window_tokens or 0
                          for _, _, m, o in rows], dtype=np.int64),
        region_sets=region_sets,
        region_key=np.array([region_pos[frozenset(o.regions)] for *_, o in rows], dtype=np.int64),
        trains=np.array([-1 if o.trains_on_data is None else int(o.trains_on_data) for *_, o in rows],
                        dtype=np.int64),
        provider=providers,
        provider_rank=np.array([order[p] for p in providers], dtype=np.int64),
    )


def _quality(ids: list[str], table: QualityTable) -> QualityColumns:
    n = len(ids)
    task_ability: dict[Task, Floats] = {}
    task_direct: dict[Task, Ints] = {}
    for task in Task:
        per = table.tasks.get(task, {})
        task_ability[task] = np.array([per[m].ability if m in per else np.nan for m in ids])
        task_direct[task] = np.array([per[m].direct_evidence if m in per else 0 for m in ids],
                                     dtype=np.int64)
    fallback = np.full(n, np.nan)
    for i, mid in enumerate(ids):
        parts = [v for v in (table.general.get(mid), table.size_prior.get(mid)) if v is not None]
        if parts:
            fallback[i] = sum(parts) / len(parts)
    evidence = np.array([table.evidence_count.get(m, 0) for m in ids], dtype=np.int64)
    return QualityColumns(task_ability, task_direct, fallback, evidence)
