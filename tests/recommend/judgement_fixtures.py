"""A small catalog built in code for the judgement regressions (issue 17): the bundled catalog keeps
growing, so each situation is rebuilt here from the facts that made it go wrong. The numbers are
test inputs, not catalog facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from advisor.catalog.architecture import Architecture
from advisor.catalog.schema import (
    Artifact,
    ArtifactFormat,
    Capabilities,
    CatalogMeta,
    LanguageSupport,
    License,
    LicenseClass,
    Model,
    Offering,
    SupportLevel,
    TaskEvidence,
)
from advisor.catalog.sources import Sourced
from advisor.catalog.store import Catalog

AS_OF = date(2026, 11, 1)
SRC = "test fixture"
TODAY = date(2026, 12, 3)


def offering(provider: str, model_id: str, price_in: float, price_out: float, **extra: Any) -> Offering:
    """An API offering with the given prices and terms."""
    return Offering(provider=provider, provider_model_id=model_id, price_input_usd_per_mtok=price_in,
                    price_output_usd_per_mtok=price_out, source=SRC, as_of=AS_OF, **extra)


def evidence(**scores: float) -> tuple[TaskEvidence, ...]:
    """Benchmark results by benchmark name (underscores for spaces and dashes are spelled out)."""
    names = {"gpqa": "GPQA Diamond", "mmlu_pro": "MMLU-Pro", "ifeval": "IFEval", "swe": "SWE-bench Verified",
             "wmt": "WMT24++", "flores": "FLORES-200", "lcb": "LiveCodeBench", "tau2": "tau2-bench"}
    return tuple(TaskEvidence(benchmark=names[k], score=v, source=SRC, as_of=AS_OF)
                 for k, v in scores.items())


def dense(params_b: float, layers: int, hidden: int, heads: int, kv_heads: int) -> Architecture:
    """A dense transformer of the given shape."""
    return Architecture(total_params_b=params_b, layers=layers, hidden_size=hidden, attention_heads=heads,
                        kv_heads=kv_heads, head_dim=hidden // heads, vocab_size=150_000,
                        tied_embeddings=False, native_dtype="bf16", source=SRC, as_of=AS_OF)


def model(mid: str, **fields: Any) -> Model:
    """A model with test defaults (closed, released a year ago, 200k context)."""
    base: dict[str, Any] = {
        "id": mid, "name": mid.split("/")[1], "family": mid.split("/")[1].split("-", maxsplit=1)[0],
        "vendor": mid.split("/", maxsplit=1)[0], "release_date": date(2025, 10, 1), "open_weights": False,
        "license": "proprietary", "context_window_tokens": 200_000, "facts": Sourced(source=SRC, as_of=AS_OF),
    }
    base.update(fields)
    return Model(**base)


def gguf(*quants: str) -> tuple[Artifact, ...]:
    """Published GGUF files at these quantizations."""
    return tuple(Artifact(format=ArtifactFormat.GGUF, quantization=q, source=SRC, as_of=AS_OF)
                 for q in quants)


LICENSES = {
    "proprietary": License(id="proprietary", name="Proprietary", license_class=LicenseClass.PROPRIETARY,
                           commercial_use=True, source=SRC, as_of=AS_OF),
    "Apache-2.0": License(id="Apache-2.0", name="Apache License 2.0", license_class=LicenseClass.PERMISSIVE,
                          commercial_use=True, source=SRC, as_of=AS_OF),
    "mistral-research": License(id="mistral-research", name="Mistral Research License",
                                license_class=LicenseClass.RESEARCH_ONLY, commercial_use=False,
                                conditions=("Research and non-commercial use only.",), source=SRC,
                                as_of=AS_OF),
}


def catalog(*models: Model) -> Catalog:
    """A catalog of just these models."""
    return Catalog(meta=CatalogMeta(version="test", as_of=AS_OF), models={m.id: m for m in models},
                   licenses=dict(LICENSES), hardware={})


def lang(code: str, level: SupportLevel = SupportLevel.OFFICIAL) -> LanguageSupport:
    """A sourced language entry."""
    return LanguageSupport(code=code, level=level, source=SRC, as_of=AS_OF)


HYBRID = Capabilities(reasoning=True, thinking="hybrid", tool_calls=True)
ALWAYS = Capabilities(reasoning=True, thinking="always", tool_calls=True)
