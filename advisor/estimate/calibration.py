"""Measured speeds of this machine (`advisor measure`) and the correction they make to estimates.

Stored in the user's data folder as a versioned JSON file, written atomically with a backup. An
estimate for a hardware profile with a calibration is scaled by measured / estimated speed: of the
same model and quantization when it was measured, else the median ratio of the profile's
measurements; the estimate says which.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.errors import AdvisorError
from advisor.storage.atomic import atomic_write_text
from advisor.storage.backups import rotate_backup
from advisor.storage.reading import FileReadError, read_capped

if TYPE_CHECKING:
    from collections.abc import Iterable

    from advisor.catalog.schema import Model
    from advisor.estimate.result import Estimate
    from advisor.hardware.measure import Measurement
    from advisor.hardware.profile import HardwareProfile

CALIBRATION_VERSION = 1
CALIBRATION_KIND = "model-advisor-calibrations"
MAX_RATIO = 10.0
"""A measured/estimated ratio beyond 10x either way is a mismatch (wrong model, wrong machine),
not a calibration: such a ratio is not applied."""


class CalibrationError(AdvisorError):
    """The calibration file cannot be read."""


class Calibration(BaseModel):
    """One measurement of a model running on this machine."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    model: str = Field(description="The model name the server reported (Ollama tag, file, id).")
    model_id: str | None = Field(default=None, description="The catalog model it matched, if any.")
    quantization: str | None = Field(default=None, description="Its quantization, when known.")
    tokens_per_s: float = Field(gt=0, description="Measured generation speed in tokens/s.")
    prompt_tokens_per_s: float | None = Field(
        default=None, gt=0, description="Measured prompt processing speed in tokens/s.")
    hardware_profile: str = Field(description="Key of the hardware profile measured (profile_key).")
    date: dt.date = Field(description="When it was measured.")
    server: Literal["ollama", "llama.cpp", "openai"] = Field(description="The API that answered.")
    url: str = Field(description="The server measured.")


def profile_key(hardware: HardwareProfile) -> str:
    """A stable key for a hardware profile: its name and a hash of its figures."""
    digest = hashlib.sha256(hardware.model_dump_json().encode()).hexdigest()[:12]
    return f"{hardware.name} [{digest}]"


def read_calibrations(path: Path) -> list[Calibration]:
    """Every stored calibration; an absent file is none."""
    try:
        doc = json.loads(read_capped(path).decode("utf-8"))
    except FileReadError as exc:
        if exc.reason == "missing":
            return []
        raise CalibrationError(f"{path}: cannot be read ({exc})") from exc
    except ValueError as exc:
        raise CalibrationError(f"{path}: cannot be read ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("kind") != CALIBRATION_KIND:
        raise CalibrationError(f"{path}: is not a Model Advisor calibration file")
    version = doc.get("schema_version")
    if version != CALIBRATION_VERSION:  # the first version: nothing to migrate from yet
        raise CalibrationError(f"{path}: schema_version {version!r} is not {CALIBRATION_VERSION}")
    try:
        return [Calibration.model_validate(c) for c in doc.get("calibrations", [])]
    except ValidationError as exc:
        raise CalibrationError(f"{path}: {exc.errors()[0]['msg']}") from exc


def write_calibrations(path: Path, calibrations: list[Calibration], backups_dir: Path) -> None:
    """Save atomically, the previous file kept among rotating backups."""
    rotate_backup(path, backups_dir)
    doc: dict[str, Any] = {"schema_version": CALIBRATION_VERSION, "kind": CALIBRATION_KIND,
                           "calibrations": [c.model_dump(mode="json") for c in calibrations]}
    atomic_write_text(path, json.dumps(doc, indent=2) + "\n")


def add_calibration(path: Path, calibration: Calibration, backups_dir: Path) -> list[Calibration]:
    """Store a measurement, replacing an earlier one of the same model, quantization and profile."""
    kept = [c for c in read_calibrations(path)
            if (c.model, c.quantization, c.hardware_profile)
            != (calibration.model, calibration.quantization, calibration.hardware_profile)]
    kept.append(calibration)
    write_calibrations(path, kept, backups_dir)
    return kept


def calibration_from(m: Measurement, url: str, hardware: HardwareProfile, models: Iterable[Model],
                     model_id: str | None = None, quantization: str | None = None,
                     today: dt.date | None = None) -> Calibration:
    """The calibration one measurement makes (`advisor measure` and the window's Measure button):
    the quantization given, else the server's, else read from the model's name; the catalog model
    given, else matched by name as `advisor installed` matches files."""
    from pathlib import Path  # noqa: PLC0415

    from advisor.catalog.quant import normalise  # noqa: PLC0415
    from advisor.hardware.installed import Found, match, quant_from_name  # noqa: PLC0415

    quant = quantization or m.quantization or quant_from_name(m.model)
    try:
        quant = normalise(quant) if quant else None
    except KeyError:
        quant = None
    probe = Found("measure", m.model, Path(m.model), "gguf", 0.0, quant, None,
                  m.model if m.server == "ollama" else None)
    return Calibration(model=m.model, model_id=model_id or match(probe, models), quantization=quant,
                       tokens_per_s=m.tokens_per_s, prompt_tokens_per_s=m.prompt_tokens_per_s,
                       hardware_profile=profile_key(hardware), date=today or dt.datetime.now(dt.UTC).date(),
                       server=m.server, url=url)


def _estimated(cal: Calibration, models: dict[str, Model], hardware: HardwareProfile) -> float | None:
    """The estimator's speed for a calibration's model on `hardware`, when it can be computed."""
    from advisor.estimate.core import estimate  # noqa: PLC0415
    from advisor.estimate.memory import EstimateError  # noqa: PLC0415

    model = models.get(cal.model_id or "")
    if model is None:
        return None
    try:
        est = estimate(model, hardware, quant=cal.quantization)
    except (EstimateError, ValueError):
        return None
    return est.decode_tokens_per_s.expected if est.decode_tokens_per_s else None


@dataclass(frozen=True)
class SpeedCorrections:
    """This machine's measured / estimated speed ratios: each measured (model, quantization) with its
    date and sentence, and the median of them all for every other model."""

    measured: dict[str, tuple[tuple[str | None, dt.date, float, str], ...]]
    median: tuple[float, str] | None

    def lookup(self, model_id: str, quantization: str) -> tuple[float, str] | None:
        """The ratio for `model_id` at `quantization` and the sentence that says where it comes from:
        its own newest measurement (at that quantization or an unknown one), else the median."""
        same = [m for m in self.measured.get(model_id, ()) if m[0] in (None, quantization)]
        if same:
            _quant, _date, ratio, note = max(same, key=lambda m: m[1])
            return ratio, note
        return self.median


def corrections(hardware: HardwareProfile, calibrations: Iterable[Calibration],
                models: dict[str, Model]) -> SpeedCorrections:
    """The ratios this hardware profile's usable calibrations give (one estimate per calibration)."""
    key = profile_key(hardware)
    measured: dict[str, list[tuple[str | None, dt.date, float, str]]] = {}
    ratios: list[float] = []
    for cal in calibrations:
        if cal.hardware_profile != key:
            continue
        est = _estimated(cal, models, hardware)
        if not est or not 1 / MAX_RATIO <= cal.tokens_per_s / est <= MAX_RATIO:
            continue
        ratio = cal.tokens_per_s / est
        ratios.append(ratio)
        note = (f"Speed corrected by x{ratio:.2f}: {cal.model} measured at {cal.tokens_per_s:.1f} "
                f"tokens/s on this machine ({cal.server}, {cal.date.isoformat()}).")
        measured.setdefault(cal.model_id or "", []).append((cal.quantization, cal.date, ratio, note))
    median = None
    if ratios:
        mid = statistics.median(ratios)
        median = (mid, f"Speed corrected by x{mid:.2f}, the median measured/estimated ratio of "
                       f"{len(ratios)} model(s) measured on this machine (advisor measure).")
    return SpeedCorrections({k: tuple(v) for k, v in measured.items()}, median)


def ratio_for(model_id: str, quantization: str, hardware: HardwareProfile, calibrations: list[Calibration],
              models: dict[str, Model]) -> tuple[float, str] | None:
    """Measured / estimated speed to apply to `model_id` at `quantization` on `hardware`, with the
    sentence that says where it comes from; None without a usable calibration."""
    return corrections(hardware, calibrations, models).lookup(model_id, quantization)


def calibrated(est: Estimate, hardware: HardwareProfile, calibrations: list[Calibration],
               models: dict[str, Model]) -> Estimate:
    """The estimate with its speeds scaled by this machine's measured ratio, saying so."""
    if est.decode_tokens_per_s is None:
        return est
    found = ratio_for(est.model_id, est.quantization, hardware, calibrations, models)
    if found is None:
        return est
    ratio, note = found
    agg = est.aggregate_tokens_per_s
    return est.model_copy(update={
        "decode_tokens_per_s": est.decode_tokens_per_s.scaled(ratio),
        "aggregate_tokens_per_s": agg.scaled(ratio) if agg is not None else None,
        "assumptions": (*est.assumptions, note)})
