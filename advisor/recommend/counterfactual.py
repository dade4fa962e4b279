"""What would flip it: the smallest change to each binding constraint that changes the top pick.

Each candidate change relaxes one constraint just enough to admit a model that constraint excluded
(the cheapest budget, the least extra memory, one licence, one language, ...). The ranking is re-run
with the change, over the models already ranked plus the ones the change could admit, and the change
is reported when the pick differs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

from advisor.catalog.store import Catalog
from advisor.hardware.profile import DEFAULT_UNIFIED_GPU_SHARE, Accelerator, HardwareProfile
from advisor.recommend.constraints import Constraints, Deployment, LanguageNeed
from advisor.recommend.deploy import PlanSettings
from advisor.recommend.filters import language_name
from advisor.recommend.ranked import Rejected
from advisor.recommend.ranking import Ranking, rank
from advisor.recommend.result import Counterfactual

MAX_TRIES_PER_KIND = 4
CONTENDERS = 30
"""Ranked models re-scored in each "what if" (with the models the change could admit): one relaxed
constraint moves scores by a few points, so a model below the top 30 does not become the pick, and
re-planning every ranked model would make counterfactuals the slowest part of a ranking."""


def _with_memory(hw: HardwareProfile, needed_gb: float) -> HardwareProfile | None:
    """The same machine with just enough more memory for `needed_gb` (5% margin)."""
    target = needed_gb * 1.05
    if hw.gpu is not None and not hw.unified_memory:
        per_gpu = math.ceil(target / hw.gpu.count)
        if per_gpu <= hw.gpu.memory_gb:
            return None
        gpu = Accelerator(**{**hw.gpu.model_dump(), "memory_gb": float(per_gpu), "preset_id": None})
        return hw.model_copy(update={"gpu": gpu})
    if hw.unified_memory:
        ram = float(math.ceil(target / (hw.usable_gpu_share or DEFAULT_UNIFIED_GPU_SHARE)))
        if hw.usable_gpu_share is None:  # the platform default depends on the pool (a small Mac: 2/3)
            ram = float(math.ceil(target / hw.model_copy(update={"ram_gb": ram}).gpu_share))
        return hw.model_copy(update={"ram_gb": ram}) if ram > (hw.ram_gb or 0) else None
    ram = float(math.ceil(target))
    return hw.model_copy(update={"ram_gb": ram}) if ram > (hw.ram_gb or 0) else None


class _Search:
    """Re-runs the ranking with one relaxed constraint at a time."""

    def __init__(self, catalog: Catalog, c: Constraints, ranking: Ranking, settings: PlanSettings,
                 today: date | None) -> None:
        self.catalog = catalog
        self.c = c
        self.ranking = ranking
        self.settings = settings
        self.today = today
        self.current = ranking.scored[0].model.id if ranking.scored else None
        self.ranked_models = [s.model for s in ranking.scored[:CONTENDERS]]
        self.found: list[Counterfactual] = []

    def attempt(self, kind: str, change: str, new_c: Constraints, extra: list[Rejected]) -> bool:
        """Rank again under `new_c`; record the change when the pick differs."""
        pool = self.ranked_models + [r.model for r in extra]
        new = rank(self.catalog, new_c, self.settings, today=self.today, models=pool)
        if new.scored and new.scored[0].model.id != self.current:
            top = new.scored[0].model
            self.found.append(Counterfactual(change=change, new_top=top.id, new_top_name=top.name,
                                             kind=kind))
            return True
        return False

    def blocked_by(self, key: str | Callable[[str], bool]) -> list[Rejected]:
        """Rejected models that failed the constraint `key`."""
        test = key if callable(key) else (lambda k: k == key)
        return [r for r in self.ranking.rejected if any(test(f.key) for f in r.failures)]

    def budget(self) -> None:
        """The cheapest API bills that the budget rules out."""
        c = self.c
        if c.budget_usd_month is None:
            return
        over = [r for r in self.blocked_by("budget") if r.best_plan is not None]
        # Only raises: a rejected model's best plan may be a local one that fails for another reason.
        costs = sorted({math.ceil(r.best_plan.monthly_cost_usd) for r in over if r.best_plan
                        and r.best_plan.monthly_cost_usd > c.budget_usd_month})
        for cost in costs[:MAX_TRIES_PER_KIND]:
            extra = [r for r in over if r.best_plan and r.best_plan.monthly_cost_usd <= cost]
            delta = cost - c.budget_usd_month
            if self.attempt("budget", f"budget +${delta:,.0f}/month (to ${cost:,.0f})",
                            c.model_copy(update={"budget_usd_month": float(cost)}), extra):
                return

    def memory(self) -> None:
        """The least extra memory that lets an excluded model run."""
        hw0 = self.c.hardware
        if hw0 is None or hw0.api_only:
            return
        short = [(r, r.best_plan.memory_gb) for r in self.blocked_by("memory")
                 if r.best_plan is not None and r.best_plan.memory_gb]
        short.sort(key=lambda pair: pair[1] or 0.0)
        have = hw0.gpu_memory_gb if hw0.gpu else (hw0.ram_gb or 0.0)
        for r, needed in short[:MAX_TRIES_PER_KIND]:
            hw = _with_memory(hw0, needed or 0.0)
            if hw is None:
                continue
            now = hw.gpu_memory_gb if hw.gpu else (hw.ram_gb or 0.0)
            if self.attempt("memory", f"+{now - have:.0f} GB of memory ({now:.0f} GB usable)",
                            self.c.model_copy(update={"hardware": hw}), [r]):
                return

    def licence(self) -> None:
        """Allow one more licence."""
        tried: set[str] = set()
        blocked = self.blocked_by("licence")
        for r in blocked:
            lic_id = r.model.license
            if lic_id in tried or lic_id in self.c.deny_licenses or len(tried) >= MAX_TRIES_PER_KIND:
                continue
            tried.add(lic_id)
            lic = self.catalog.licenses.get(lic_id)
            extra = [x for x in blocked if x.model.license == lic_id]
            update = {"allow_licenses": (*self.c.allow_licenses, lic_id)}
            if self.attempt("licence", f"allow licence {lic.name if lic else lic_id}",
                            self.c.model_copy(update=update), extra):
                return

    def languages(self) -> None:
        """Make one must-have language nice-to-have."""
        c = self.c
        for need in [n for n in c.languages if n.required]:
            relaxed = tuple(LanguageNeed(code=n.code, required=False) if n.code == need.code else n
                            for n in c.languages)
            self.attempt("language",
                         f"make {language_name(need.code)} nice-to-have instead of required",
                         c.model_copy(update={"languages": relaxed}),
                         self.blocked_by(f"language:{need.code}"))

    def deployment(self) -> None:
        """Accept the other kind of deployment, or relax a data rule."""
        c = self.c
        everyone = list(self.ranking.rejected)
        if c.data_must_stay_local:
            self.attempt("deployment", "allow hosted APIs (data leaves your hardware)",
                         c.model_copy(update={"data_must_stay_local": False,
                                              "deployment": Deployment.ANY}), everyone)
        elif c.deployment is Deployment.LOCAL:
            self.attempt("deployment", "accept hosted APIs as well as local models",
                         c.model_copy(update={"deployment": Deployment.ANY}), everyone)
        elif c.deployment is Deployment.API and c.hardware is not None and not c.hardware.api_only:
            self.attempt("deployment", "accept running a model on your own hardware",
                         c.model_copy(update={"deployment": Deployment.ANY}), everyone)
        if self.blocked_by("region"):
            self.attempt("region", "drop the region restriction",
                         c.model_copy(update={"allowed_regions": ()}), self.blocked_by("region"))
        if self.blocked_by("training"):
            self.attempt("training", "accept providers that do not rule out training on your data",
                         c.model_copy(update={"no_training_on_data": False}),
                         self.blocked_by("training"))
        self.terms()

    def terms(self) -> None:
        """Accept terms that leave a rule unstated, or drop the commercial-use rule for hosted use."""
        c = self.c
        if c.documented_only:
            unsaid = [r for r in self.ranking.rejected
                      if any("documented" in f.reason for f in r.failures)]
            if unsaid:
                self.attempt("terms", "accept offerings and languages the catalog does not document "
                                      "(kept with a warning)",
                             c.model_copy(update={"documented_only": False}), unsaid)
        if self.blocked_by("terms"):
            self.attempt("terms", "drop the commercial-use requirement",
                         c.model_copy(update={"commercial_use_required": False}), self.blocked_by("terms"))

    def context(self) -> None:
        """Need less context."""
        blocked = self.blocked_by("context")
        contexts = sorted({r.model.context_window_tokens for r in blocked
                           if r.model.context_window_tokens and r.model.context_window_tokens >= 512},
                          reverse=True)
        for ctx in contexts[:MAX_TRIES_PER_KIND]:
            if self.attempt("context", f"need only {ctx:,} tokens of context",
                            self.c.model_copy(update={"min_context_tokens": ctx}), blocked):
                return

    def floor(self) -> None:
        """Drop the usability floor, when a plan below it would otherwise be the pick."""
        c = self.c
        floor = c.usable_floor_tokens_per_s
        slow = [s for s in self.ranking.scored[:CONTENDERS] if s.plan.below_usable_floor]
        if floor and slow and self.ranking.scored[0] not in slow:
            self.attempt("speed", f"accept answers slower than {floor:g} tokens/s (no usability floor)",
                         c.model_copy(update={"min_usable_tokens_per_s": 0.0}), [])

    def speed(self) -> None:
        """Accept a slower model."""
        self.floor()
        if not self.c.min_tokens_per_s:
            return
        slow = self.blocked_by("speed")
        speeds = sorted({r.best_plan.decode_tokens_per_s for r in slow
                         if r.best_plan and r.best_plan.decode_tokens_per_s}, reverse=True)
        for tps in speeds[:MAX_TRIES_PER_KIND]:
            floor = math.floor(tps * 10) / 10
            if self.attempt("speed", f"accept {floor:g} tokens/s",
                            self.c.model_copy(update={"min_tokens_per_s": floor}), slow):
                return


def find_counterfactuals(catalog: Catalog, c: Constraints, ranking: Ranking,
                         settings: PlanSettings, today: date | None) -> list[Counterfactual]:
    """The smallest change per binding constraint that changes the pick."""
    search = _Search(catalog, c, ranking, settings, today)
    for step in (search.budget, search.memory, search.licence, search.languages, search.deployment,
                 search.context, search.speed):
        step()
    return search.found
