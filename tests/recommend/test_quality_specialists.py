"""A model built for one task (`Model.built_for`, e.g. machine translation) is judged on that task by
its own results, or, without results, by what the measured specialists show a specialist gains over
its general facts, with an interval as wide as that is uncertain. Never by its size and price alone:
a dedicated translation model is small and cheap because it does one thing, not because it does it
badly."""

from __future__ import annotations

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import Model
from advisor.recommend.quality import QualityTable, fit_quality
from tests.recommend.judgement_fixtures import evidence, model, offering

T = Task.TRANSLATION


def general(mid: str, level: float, price: float, **extra: float) -> Model:
    """A general model whose results rise with `level` (0-1) on reasoning, knowledge, chat and
    translation alike."""
    return model(mid, evidence=evidence(gpqa=30 + 50 * level, mmlu_pro=45 + 40 * level,
                                        ifeval=70 + 20 * level, wmt=35 + 25 * level, **extra),
                 offerings=(offering(mid.split("/", maxsplit=1)[0], mid, price, 4 * price),))


def specialist(mid: str, price: float, wmt: float | None = None) -> Model:
    """A translation model: only translation results, if any, and a cheap price."""
    return model(mid, built_for=(T,), evidence=evidence(wmt=wmt) if wmt is not None else (),
                 offerings=(offering(mid.split("/", maxsplit=1)[0], mid, price, 4 * price),))


def population() -> list[Model]:
    """General models where price follows ability (the prior learns that cheap means weak)."""
    return [general(f"lab{i}/g-{i}", i / 7, 0.1 * 2**i) for i in range(8)]


def ability(table: QualityTable, mid: str) -> tuple[float, float]:
    found = table.task_ability(mid, T)
    assert found is not None
    return found.ability, found.sd


def test_an_unmeasured_specialist_borrows_the_lead_of_the_measured_ones() -> None:
    # Three measured translation models, cheap, each translating as well as the best general model;
    # a fourth without results, and a cheap general model without results, with the same facts.
    measured = [specialist(f"mt{i}/mt-{i}", 0.1, wmt=59 + i) for i in range(3)]
    unmeasured = specialist("mtx/mt-new", 0.1)
    twin = model("mtx/gen-new", offerings=(offering("mtx", "gen-new", 0.1, 0.4),))
    table = fit_quality([*population(), *measured, unmeasured, twin])
    spec_mean, spec_sd = ability(table, unmeasured.id)
    twin_mean, twin_sd = ability(table, twin.id)
    assert spec_mean > twin_mean + 0.5  # the specialists' lead, not the cheap price, sets it
    assert spec_sd >= twin_sd  # and the lead's own uncertainty widens it
    # The measured specialists rank by their results against the general models on translation.
    best_general, _ = ability(table, "lab7/g-7")
    weak_general, _ = ability(table, "lab0/g-0")
    for m in measured:
        mean, _ = ability(table, m.id)
        assert mean > weak_general + 1.0
        assert abs(mean - best_general) < 0.6


def test_without_measured_specialists_the_interval_is_wide_not_weak() -> None:
    unmeasured = specialist("mtx/mt-new", 0.1)
    twin = model("mtx/gen-new", offerings=(offering("mtx", "gen-new", 0.1, 0.4),))
    table = fit_quality([*population(), unmeasured, twin])
    spec_mean, spec_sd = ability(table, unmeasured.id)
    twin_mean, twin_sd = ability(table, twin.id)
    assert twin_mean < -0.5  # the cheap general model is inferred weak from its price
    assert abs(spec_mean) < 0.1  # nothing says how well a specialist does its task: the median
    assert spec_sd >= 1.0 > twin_sd  # with the population's spread, not the cheap price's verdict
    assert "specialist" in table.prior.basis[table.index[unmeasured.id]]


def test_specialist_results_do_not_teach_the_general_prior() -> None:
    # Cheap specialists with top translation results must not make every cheap general model look
    # good: the unmeasured cheap general model stays where the general models put it.
    base = fit_quality([*population(), model("mtx/gen-new", offerings=(offering("mtx", "g", 0.1, 0.4),))])
    more = fit_quality([*population(), *(specialist(f"mt{i}/mt-{i}", 0.1, wmt=60) for i in range(4)),
                        model("mtx/gen-new", offerings=(offering("mtx", "g", 0.1, 0.4),))])
    # Each fit pins its own scale (the measured models' mean and spread), so compare the gap to a
    # general model both fits measure.
    def gap(table: QualityTable) -> float:
        return ability(table, "mtx/gen-new")[0] - ability(table, "lab0/g-0")[0]

    assert abs(gap(more) - gap(base)) < 0.15
