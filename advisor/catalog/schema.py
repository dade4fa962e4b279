"""The catalog's types: models, licences, offerings, artifacts, hardware presets.

Every type is frozen and forbids unknown keys, so a typo in a user's file is an error, not a silently
ignored key. Units are in field names: `_gb` is 10^9 bytes, `_gbs` is GB/s, `_b` is 10^9 parameters,
`price_usd_per_mtok` is US dollars per 1,000,000 tokens. Unknown values are `None`, never guessed.
Facts carry `source` (URL or document) and `as_of` (the date the fact was read from the source).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from advisor.catalog.architecture import Architecture
from advisor.catalog.benchmarks import BENCHMARKS, Task
from advisor.catalog.offerings import Offering, OfferingStatus, PriceTier
from advisor.catalog.presets import HardwareKind, HardwarePreset, RentalPrice
from advisor.catalog.sources import (
    MAX_MEMORY_GB,
    MAX_TOKENS,
    Frozen,
    Sourced,
    SourceText,
)

SCHEMA_VERSION = 1
"""Version of every file format a user can own (overlay, exported catalogs, scenarios)."""

MODEL_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*$"
_LANG_PATTERN = r"^[a-z]{2}$"
_COUNTRY_PATTERN = r"^[A-Z]{2}$"


class LicenseClass(StrEnum):
    """How open a licence is, from most to least permissive."""

    PERMISSIVE = "permissive"
    OPEN_WEIGHTS_WITH_CONDITIONS = "open-weights-with-conditions"
    RESEARCH_ONLY = "research-only"
    PROPRIETARY = "proprietary"


class License(Sourced):
    """A licence a model is released under."""

    id: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9.+_-]*$",
        description="SPDX identifier where one exists (Apache-2.0, MIT), otherwise a slug.",
    )
    name: str = Field(min_length=1, max_length=200, description="Human-readable licence name.")
    license_class: LicenseClass = Field(description="Openness class used by licence policies.")
    commercial_use: bool = Field(description="Whether commercial use is allowed at all.")
    conditions: tuple[str, ...] = Field(
        default=(),
        description="Conditions in plain words (user thresholds, acceptable-use policy, naming).",
    )
    url: str | None = Field(default=None, max_length=2000, description="Where the licence text is.")


class SupportLevel(StrEnum):
    """How strong the evidence for a language is, strongest first."""

    EVALUATED = "evaluated"
    OFFICIAL = "official"
    CLAIMED = "claimed"
    UNSUPPORTED = "unsupported"


class LanguageSupport(Sourced):
    """One language a model supports, with how we know."""

    code: str = Field(pattern=_LANG_PATTERN, description="ISO 639-1 language code, lower case.")
    level: SupportLevel = Field(
        description="evaluated: benchmarked in that language; official: listed by the vendor as "
        "supported; claimed: mentioned (e.g. 'over 100 languages') without a list entry; "
        "unsupported: the source says it is not supported (the only level that excludes a model "
        "when the language is a must; a language not listed at all is unknown, not unsupported)."
    )


class TaskEvidence(Sourced):
    """One benchmark result; the recommender turns these into task quality."""

    benchmark: str = Field(
        min_length=1,
        max_length=80,
        description="Benchmark name from advisor.catalog.benchmarks (comparable across models).",
    )
    score: float = Field(ge=-1e6, le=1e6, description="The reported score, in the benchmark's metric "
                         "(within 0 and its maximum where it has one: 100 for percentages).")
    metric: str | None = Field(
        default=None, max_length=80, description="What the score measures (pass@1, accuracy)."
    )
    setting: str | None = Field(
        default=None,
        max_length=200,
        description="How it was run when it matters (thinking mode, agent scaffold, shots).",
    )
    independent: bool = Field(
        default=False,
        description="True when the result comes from an independent leaderboard that runs the models "
        "itself (Aider, SWE-bench, Scale, Artificial Analysis...), not from the vendor's own table; "
        "preferred over the vendor's figure for the same benchmark.",
    )

    @model_validator(mode="after")
    def _within_metric(self) -> TaskEvidence:
        known = BENCHMARKS.get(self.benchmark)
        if known is not None and known.max_score is not None and not 0 <= self.score <= known.max_score:
            raise ValueError(f"score {self.score:g} is outside {self.benchmark}'s 0-{known.max_score:g}")
        return self


class ArtifactFormat(StrEnum):
    """File formats an open-weight model is published in."""

    SAFETENSORS = "safetensors"
    GGUF = "gguf"
    MLX = "mlx"
    AWQ = "awq"
    GPTQ = "gptq"
    FP8 = "fp8"
    OTHER = "other"


class Artifact(Sourced):
    """A downloadable weight file set (quantized or not)."""

    format: ArtifactFormat = Field(description="File format.")
    quantization: str = Field(
        min_length=1,
        max_length=40,
        description="Quantization name as the estimator knows it (BF16, FP8, Q4_K_M, AWQ-4bit, "
        "MLX-4bit, MXFP4, ...).",
    )
    file_size_gb: float | None = Field(
        default=None, gt=0, le=MAX_MEMORY_GB, description="Total size of the weight files in GB (10^9 bytes)."
    )
    repo: str | None = Field(
        default=None, max_length=300, description="Where the files are (hub repo id or URL)."
    )
    file: str | None = Field(
        default=None, max_length=300,
        description="The file in the repo (a GGUF file name; for a split GGUF, its first part).",
    )
    ollama_tag: str | None = Field(
        default=None, max_length=200,
        description="Ollama library tag that holds this quantization (qwen3:8b), if one does.",
    )


Modality = Literal["text", "image", "audio", "video", "pdf"]


class Capabilities(Frozen):
    """What a model can do beyond plain text completion (None = unknown)."""

    tool_calls: bool | None = Field(default=None, description="Native function/tool calling.")
    reasoning: bool | None = Field(
        default=None,
        description="Has a thinking mode; hosted thinking tokens are billed as output.",
    )
    thinking: Literal["hybrid", "always", "none"] | None = Field(
        default=None,
        description="hybrid: thinking can be switched on or off per request; always: it always "
        "thinks; none: no thinking mode. None = not stated (read from `reasoning`).",
    )
    structured_output: bool | None = Field(
        default=None, description="Constrained JSON / schema output."
    )


class Model(Frozen):
    """A language model: what it is, how open, what it knows, where it runs, what it costs."""

    id: str = Field(
        pattern=MODEL_ID_PATTERN,
        max_length=120,
        description="Unique lower-case 'vendor/name' slug.",
    )
    name: str = Field(min_length=1, max_length=200, description="Display name.")
    family: str = Field(min_length=1, max_length=80, description="Model family (qwen3.5, gpt-5).")
    vendor: str = Field(min_length=1, max_length=80, description="Who made it.")
    vendor_country: str | None = Field(
        default=None, pattern=_COUNTRY_PATTERN, description="Vendor's country, ISO 3166-1 alpha-2."
    )
    release_date: date | None = Field(default=None, description="First public release.")
    open_weights: bool = Field(description="Whether the weights can be downloaded.")
    hf_repo: str | None = Field(
        default=None, max_length=200, description="Hugging Face repo id of the open weights."
    )
    base_model: str | None = Field(
        default=None,
        pattern=MODEL_ID_PATTERN,
        description="Catalog id of the model this one was derived from (fine-tunes, distills).",
    )
    license: str = Field(min_length=1, max_length=100, description="Licence id (see licences).")
    architecture: Architecture | None = Field(
        default=None, description="Architecture; None when the vendor does not disclose it."
    )
    context_window_tokens: int | None = Field(
        default=None, gt=0, le=MAX_TOKENS, description="Native context window in tokens."
    )
    max_output_tokens: int | None = Field(
        default=None, gt=0, le=MAX_TOKENS, description="Longest output the model produces, in tokens."
    )
    input_modalities: tuple[Modality, ...] = Field(
        default=("text",), description="What it reads."
    )
    output_modalities: tuple[Modality, ...] = Field(
        default=("text",), description="What it writes."
    )
    capabilities: Capabilities = Field(
        default_factory=Capabilities, description="Tool calls, thinking mode, structured output."
    )
    languages: tuple[LanguageSupport, ...] = Field(
        default=(), description="Languages with support level and source."
    )
    evidence: tuple[TaskEvidence, ...] = Field(
        default=(), description="Benchmark results that feed task quality."
    )
    artifacts: tuple[Artifact, ...] = Field(
        default=(), description="Published weight files (open-weight models)."
    )
    offerings: tuple[Offering, ...] = Field(
        default=(), description="Hosted APIs serving it, with prices."
    )
    facts: Sourced = Field(
        description="Source and date of the identity facts (name, dates, limits, modalities)."
    )
    notes: tuple[str, ...] = Field(default=(), description="Anything a chooser should know.")
    superseded_by: str | None = Field(
        default=None,
        pattern=MODEL_ID_PATTERN,
        description="Catalog id of the newer model of the same line that replaces this one "
        "(None: current).",
    )
    languages_note: str | None = Field(
        default=None,
        max_length=1000,
        description="When no language list is published: where we looked. Unknown is not "
        "'unsupported'.",
    )
    built_for: tuple[Task, ...] = Field(
        default=(),
        max_length=len(Task),
        description="The only tasks a purpose-built model serves, as its card or vendor states (e.g. "
        "machine translation: one text in, its translation out); it is not ranked for other tasks. "
        "Empty: a general-purpose model.",
    )

    @property
    def languages_known(self) -> bool:
        """True when the catalog lists sourced languages for this model."""
        return bool(self.languages)

    @property
    def retired(self) -> bool:
        """True for a closed model that no offering serves any more (catalog browser only)."""
        return (not self.open_weights and bool(self.offerings)
                and all(o.status is OfferingStatus.RETIRED for o in self.offerings))

    @model_validator(mode="after")
    def _consistent(self) -> Model:
        if self.open_weights and self.hf_repo is None and not self.artifacts:
            raise ValueError("an open-weight model needs hf_repo or at least one artifact")
        if not self.open_weights and self.artifacts:
            raise ValueError("a closed model cannot list weight artifacts")
        codes = [lang.code for lang in self.languages]
        if len(codes) != len(set(codes)):
            raise ValueError("a language is listed twice")
        return self

    @property
    def vendor_slug(self) -> str:
        """The part of the id before the slash."""
        return self.id.split("/", 1)[0]


class CatalogMeta(Frozen):
    """What a catalog is: its version and the date its facts were read."""

    schema_version: int = Field(default=SCHEMA_VERSION, ge=1, description="File format version.")
    version: str = Field(min_length=1, max_length=40, description="Catalog release, e.g. 2026.11.")
    as_of: date = Field(description="Date the catalog's facts were last checked.")


def is_valid_model_id(value: str) -> bool:
    """True when `value` is a well-formed 'vendor/name' slug."""
    return re.fullmatch(MODEL_ID_PATTERN, value) is not None


__all__ = [
    "MODEL_ID_PATTERN",
    "SCHEMA_VERSION",
    "Architecture",
    "Artifact",
    "ArtifactFormat",
    "Capabilities",
    "CatalogMeta",
    "Frozen",
    "HardwareKind",
    "HardwarePreset",
    "LanguageSupport",
    "License",
    "LicenseClass",
    "Modality",
    "Model",
    "Offering",
    "OfferingStatus",
    "PriceTier",
    "RentalPrice",
    "SourceText",
    "Sourced",
    "SupportLevel",
    "TaskEvidence",
    "is_valid_model_id",
]
