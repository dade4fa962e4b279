"""Checks across entries that a single schema type cannot make (references, fixed vocabularies)."""

from __future__ import annotations

from pathlib import Path

from advisor.catalog.benchmarks import BENCHMARKS
from advisor.catalog.errors import CatalogError
from advisor.catalog.overlay import OVERLAY_KIND, apply_overlay, parse_overlay
from advisor.catalog.store import (
    DOCUMENT_KIND,
    Catalog,
    load_bundled,
    parse_document,
    read_json_file,
)
from advisor.storage.problems import Problem


def check_catalog(catalog: Catalog, file: str) -> list[Problem]:
    """Problems that span entries: dangling licence ids, unknown benchmarks, unusable models."""
    problems: list[Problem] = []
    for mid, model in sorted(catalog.models.items()):
        entry = f"model '{mid}'"
        if model.license not in catalog.licenses:
            problems.append(Problem(file, entry, "license",
                                    f"refers to licence '{model.license}', which is not in the "
                                    f"catalog"))
        for i, ev in enumerate(model.evidence):
            if ev.benchmark not in BENCHMARKS:
                problems.append(Problem(file, entry, f"evidence[{i}].benchmark",
                                        f"'{ev.benchmark}' is not one of the comparable "
                                        f"benchmarks (see advisor/catalog/benchmarks.py)"))
        if not model.open_weights and not model.offerings:
            problems.append(Problem(file, entry, "offerings",
                                    "a closed-weight model needs at least one API offering"))
        if model.base_model is not None and model.base_model not in catalog.models:
            problems.append(Problem(file, entry, "base_model",
                                    f"refers to '{model.base_model}', which is not in the catalog"))
        if model.superseded_by is not None and model.superseded_by not in catalog.models:
            problems.append(Problem(file, entry, "superseded_by",
                                    f"refers to '{model.superseded_by}', which is not in the catalog"))
        if model.superseded_by == mid:
            problems.append(Problem(file, entry, "superseded_by", "names the model itself"))
    return problems


def validate_file(path: Path) -> Catalog:
    """Validate a catalog document or an overlay file (laid over the bundled catalog)."""
    raw = read_json_file(path)
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind == OVERLAY_KIND:
        catalog = apply_overlay(load_bundled(), parse_overlay(raw, str(path)))
    elif kind == DOCUMENT_KIND:
        catalog = parse_document(raw, str(path))
    else:
        raise CatalogError([Problem(str(path), None, "kind",
                                    f"must be '{DOCUMENT_KIND}' or '{OVERLAY_KIND}'")])
    problems = check_catalog(catalog, str(path))
    if problems:
        raise CatalogError(problems)
    return catalog
