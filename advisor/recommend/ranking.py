"""Filtering and scoring every model for one set of constraints: the catalog as cached arrays, and
the ranking (no explanations yet). recommend() in engine.py explains it; the counterfactuals in
counterfactual.py re-rank with changed constraints, so both import this module and not each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from advisor.catalog.schema import License, Model
from advisor.catalog.store import Catalog
from advisor.estimate.physics import device_class
from advisor.hardware.profile import HardwareProfile, profile_from_preset
from advisor.recommend.batch import Evaluation, evaluate
from advisor.recommend.columns import Columns, build_columns
from advisor.recommend.constraints import Constraints
from advisor.recommend.deploy import PlanSettings
from advisor.recommend.quality import QualityTable, fit_quality
from advisor.recommend.ranked import LazyList, Rejected, Scored, rejected_at, scored_at

_QUALITY_CACHE: dict[int, tuple[dict[str, Model], QualityTable]] = {}
_COLUMNS_CACHE: dict[int, tuple[dict[str, Model], dict[str, License], int, Columns]] = {}


def quality_table(catalog: Catalog) -> QualityTable:
    """Abilities fitted over the catalog, cached for as long as the catalog's model dict lives."""
    key = id(catalog.models)
    cached = _QUALITY_CACHE.get(key)
    if cached is not None and cached[0] is catalog.models:
        return cached[1]
    table = fit_quality(catalog.models.values())
    _QUALITY_CACHE.clear()
    _QUALITY_CACHE[key] = (catalog.models, table)
    return table


def prime_quality_table(catalog: Catalog, table: QualityTable) -> None:
    """Use `table` (fitted on exactly this catalog's models, e.g. read from the disk cache) for it."""
    _QUALITY_CACHE.clear()
    _QUALITY_CACHE[id(catalog.models)] = (catalog.models, table)


def warm_quality_table(catalog: Catalog, cache_file: Path) -> None:
    """Make the catalog's quality table ready: from memory, else from the disk cache when it was
    fitted on the same models by the same code, else fitted (and written there)."""
    cached = _QUALITY_CACHE.get(id(catalog.models))
    if cached is not None and cached[0] is catalog.models:
        return
    from advisor.recommend.quality_cache import cached_quality  # noqa: PLC0415

    prime_quality_table(catalog, cached_quality(catalog.models.values(), cache_file, catalog.bundled))


def columns(catalog: Catalog) -> Columns:
    """The catalog as arrays (and its quality table), built once per catalog and cached like it."""
    key = id(catalog.models)
    cached = _COLUMNS_CACHE.get(key)
    if (cached is not None and cached[0] is catalog.models and cached[1] is catalog.licenses
            and cached[2] == len(catalog.models)):
        return cached[3]
    cols = build_columns(catalog, quality_table(catalog))
    _COLUMNS_CACHE.clear()
    _COLUMNS_CACHE[key] = (catalog.models, catalog.licenses, len(catalog.models), cols)
    return cols


class Ranking:
    """The ranked and rejected models for one set of constraints (no explanations yet).

    The ranking itself is arrays (`evaluation`); `scored` (best first) and `rejected` (by id) make
    their objects when they are read, so ranking 16,000 models does not build 16,000 objects."""

    def __init__(self, evaluation: Evaluation, hidden: list[Model], table: QualityTable,
                 retired: list[Model] | None = None) -> None:
        ev = self.evaluation = evaluation
        self.hidden = hidden
        self.retired = retired or []  # closed models no offering serves any more: never ranked
        order = ev.order
        self.scored: Sequence[Scored] = LazyList(len(order), lambda i: scored_at(ev, int(order[i]), table))
        failed = np.flatnonzero(ev.best < 0)
        failed = failed[np.argsort(ev.cols.id_rank[ev.idx[failed]], kind="stable")]
        self.rejected: Sequence[Rejected] = LazyList(len(failed), lambda i: rejected_at(ev, int(failed[i])))


def rank(catalog: Catalog, c: Constraints, settings: PlanSettings | None = None,
         *, today: date | None = None, models: Iterable[Model] | None = None) -> Ranking:
    """Filter and score every visible model (or `models`, which must be the catalog's), best first."""
    settings = rank_settings(catalog, c, settings or PlanSettings())
    today = today or datetime.now(UTC).date()
    cols = columns(catalog)
    table = quality_table(catalog)
    if models is None:
        idx = np.arange(len(cols.models), dtype=np.int64)
    else:
        idx = np.array(list(dict.fromkeys(cols.position[m.id] for m in models)), dtype=np.int64)
    # A closed model no offering serves any more is shown only in the catalog browser.
    retired = [cols.models[i] for i in idx[cols.retired[idx]].tolist()]
    idx = idx[~cols.retired[idx]]
    hidden: list[Model] = []
    if catalog.hidden:
        is_hidden = np.array([cols.models[i].id in catalog.hidden for i in idx.tolist()], dtype=np.bool_)
        hidden = [cols.models[i] for i in idx[is_hidden].tolist()]
        idx = idx[~is_hidden]
    return Ranking(evaluate(cols, c, settings, today, idx), hidden, table, retired)


def rank_settings(catalog: Catalog, c: Constraints, settings: PlanSettings) -> PlanSettings:
    """The settings with the rental price chosen for rented hardware, and the power bound of a
    machine whose power draw is unknown."""
    if c.rented and settings.rental is None:
        from advisor.recommend.serving import choose_rental  # noqa: PLC0415

        return replace(settings, rental=choose_rental(catalog.hardware, c))
    if not c.rented and settings.power_bound is None:
        bound = power_bound(catalog, c.hardware)
        if bound is not None:
            return replace(settings, power_bound=bound)
    return settings


def power_bound(catalog: Catalog, hw: HardwareProfile | None) -> tuple[float, str] | None:
    """For a machine whose power draw is unknown: the most a preset of its device class draws (per
    GPU, times its GPUs), with that preset's name; None when the power is known or no preset of
    the class gives one. An owned machine's running cost is its electricity, so an unknown draw
    still has an upper bound, where an unknown price would have none."""
    if hw is None or hw.api_only or hw.power_watts:
        return None
    cls = device_class(hw)
    best: tuple[float, str] | None = None
    for preset in catalog.hardware.values():
        if preset.power_watts and device_class(profile_from_preset(preset)) == cls \
                and (best is None or preset.power_watts > best[0]):
            best = (preset.power_watts, preset.name)
    if best is None:
        return None
    count = hw.gpu.count if hw.gpu is not None and not hw.unified_memory else 1
    return best[0] * count, best[1]


__all__ = ["Ranking", "columns", "prime_quality_table", "quality_table", "rank", "rank_settings",
           "warm_quality_table"]
