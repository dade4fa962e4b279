"""Capacity, cost of ownership and break-even for a few standard situations, printed for checking by
hand (docs/estimation.md, "Capacity and money", works each one through).

Run: uv run python bench/bench_capacity.py
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.catalog.benchmarks import Task
from advisor.catalog.store import load_bundled
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints, Deployment, Profile
from advisor.recommend.engine import recommend
from advisor.recommend.result import DeploymentPlan


@dataclass(frozen=True)
class Situation:
    name: str
    constraints: Constraints


def situations() -> list[Situation]:
    catalog = load_bundled()
    hw = catalog.hardware

    def box(preset: str, count: int = 1):  # type: ignore[no-untyped-def]
        return profile_from_preset(hw[preset], gpu_count=count)

    return [
        Situation("2B tokens/month of chat on one RTX 4090 (one machine allowed)",
                  Constraints(hardware=box("rtx-4090"), deployment=Deployment.LOCAL,
                              tokens_per_month=2_000_000_000, tasks={Task.CHAT: 1.0})),
        Situation("the same, up to 20 machines",
                  Constraints(hardware=box("rtx-4090"), deployment=Deployment.LOCAL,
                              tokens_per_month=2_000_000_000, tasks={Task.CHAT: 1.0}, max_machines=20)),
        Situation("20 developers on 2x A100 80GB, 64k contexts, 300M tokens/month",
                  Constraints(hardware=box("a100-80gb-sxm", 2), deployment=Deployment.LOCAL, concurrency=20,
                              min_context_tokens=65536, tokens_per_month=300_000_000,
                              tasks={Task.CODING: 1.0})),
        Situation("a startup's coding agent, 200M tokens/month, RTX 4090 written off over 36 months",
                  Constraints(hardware=box("rtx-4090"), tokens_per_month=200_000_000,
                              tasks={Task.CODING: 1.0, Task.AGENTIC: 1.0}, profile=Profile.QUALITY,
                              amortize_months=36, electricity_usd_kwh=0.30)),
        Situation("40 % sensitive documents, 50M tokens/month, RTX 4090 + APIs",
                  Constraints(hardware=box("rtx-4090"), tokens_per_month=50_000_000, sensitive_share=0.4,
                              tasks={Task.CHAT: 1.0, Task.KNOWLEDGE: 1.0})),
    ]


def describe(dep: DeploymentPlan) -> str:
    if dep.mode == "hybrid":
        return " + ".join(f"[{describe(p)}] x {p.share:.0%}" for p in dep.parts)
    if not dep.self_hosted:
        return f"{dep.summary()}, ${dep.monthly_cost_usd:,.2f}/month"
    parts = dep.cost_breakdown or {}
    cost = ", ".join(f"{k} {'unknown' if v is None else f'${v:,.2f}'}" for k, v in parts.items())
    return (f"{dep.summary()}; {dep.decode_tokens_per_s or 0:,.1f} tok/s per stream, "
            f"{dep.aggregate_tokens_per_s or 0:,.1f} aggregate at {dep.concurrency}; "
            f"busy {dep.busy_hours_per_month or 0:,.0f} h; machines {dep.machines_needed}; {cost}")


def main() -> None:
    catalog = load_bundled()
    for s in situations():
        result = recommend(catalog, s.constraints, with_counterfactuals=False)
        print(f"== {s.name}")
        top = result.top
        if top is None:
            print("   no plan")
            continue
        print(f"   pick: {top.name}: {describe(top.deployment)}")
        short = [e for e in result.excluded if "capacity" in e.constraints or
                 any("--max-machines" in r for r in e.reasons)]
        if short:
            print(f"   excluded for capacity: {len(short)}, e.g. {short[0].name}: "
                  f"{next(r for r in short[0].reasons if '--max-machines' in r)}")
        be = result.break_even
        if be is not None:
            print(f"   break-even: {be.note}")
            print(f"     local ${be.local_fixed_usd:,.2f}/month fixed + ${be.local_usd_per_mtok:,.3f}/M; "
                  f"API ${be.api_usd_per_mtok:,.3f}/M; crossing {be.tokens_per_month}")
        hybrids = [r for r in result.recommendations if r.deployment.mode == "hybrid"]
        for h in hybrids[:1]:
            print(f"   hybrid #{h.rank}: {h.name}: {describe(h.deployment)}")


if __name__ == "__main__":
    main()
