"""Command-line options shared by `estimate` and `recommend`, turned into core types.

Kept apart from `app.py` so the flag-to-constraint rules are plain functions with their own tests.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from advisor.catalog.benchmarks import Task
from advisor.catalog.iso_codes import COUNTRIES, LANGUAGES, REGIONS
from advisor.catalog.store import Catalog
from advisor.errors import AdvisorError
from advisor.hardware.devices import box_gb_to_bytes
from advisor.hardware.profile import Accelerator, HardwareProfile, profile_from_preset
from advisor.recommend.constraints import (
    Constraints,
    LanguageNeed,
)


class OptionError(AdvisorError):
    """A flag value the user can fix; shown as one `advisor: error:` line."""


def _close_matches(word: str, choices: list[str], cutoff: float) -> list[str]:
    """The three choices most like `word` (difflib), for a hint after a typo."""
    import difflib  # noqa: PLC0415 - only a typo needs it: not loaded on every start

    return difflib.get_close_matches(word, choices, n=3, cutoff=cutoff)


def unknown_id(kind: str, wanted: str, known: Iterable[str], listing: str) -> str:
    """'no model with id X. Did you mean: ...?' (names containing it, else the nearest spellings)
    or a pointer to the listing command."""
    names = sorted(known)
    close = [k for k in names if wanted.lower() in k.lower()][:5]
    if not close:
        lowered = {k.lower(): k for k in names}
        near = _close_matches(wanted.lower(), list(lowered), 0.5)
        close = [lowered[k] for k in near]
    hint = f" Did you mean: {', '.join(close)}?" if close else f" Run '{listing}' to see them."
    return f"no {kind} '{wanted}'.{hint}"


def _codes(values: Iterable[str], known: Mapping[str, str], kind: str, upper: bool) -> tuple[str, ...]:
    """Each code checked against its ISO list; an unknown one is an error with the nearest codes."""
    out = []
    for raw in values:
        code = raw.strip().upper() if upper else raw.strip().lower()
        if code not in known:
            near = _close_matches(code, list(known), 0.5)
            by_name = [k for k, name in known.items() if raw.strip().lower() == name.lower()]
            hint = by_name or near
            raise OptionError(f"'{raw}' is not an {kind}" + (
                f"; did you mean {', '.join(f'{k} ({known[k]})' for k in hint)}?" if hint else ""))
        out.append(code)
    return tuple(out)


def _check_lists(update: dict[str, object], catalog: Catalog) -> None:
    """Licence ids, country codes and regions in `update`, checked and spelled as the lists do."""
    for field in ("allow_licenses", "deny_licenses"):
        if field in update:
            update[field] = _license_ids(update[field], catalog)  # type: ignore[arg-type]
    if "exclude_countries" in update:
        update["exclude_countries"] = _codes(update["exclude_countries"],  # type: ignore[arg-type]
                                             COUNTRIES, "ISO 3166-1 country code", upper=True)
    if "allowed_regions" in update:
        update["allowed_regions"] = _codes(update["allowed_regions"],  # type: ignore[arg-type]
                                           {**COUNTRIES, **REGIONS}, "ISO 3166-1 country code or EU",
                                           upper=True)


def _license_ids(values: Iterable[str], catalog: Catalog) -> tuple[str, ...]:
    """Licence ids as the catalog spells them; an unknown one is an error with the nearest ids."""
    by_lower = {lid.lower(): lid for lid in catalog.licenses}
    out = []
    for raw in values:
        found = by_lower.get(raw.strip().lower())
        if found is None:
            near = _close_matches(raw.strip().lower(), list(by_lower), 0.4)
            hint = (f"did you mean {', '.join(by_lower[k] for k in near)}? " if near else "")
            raise OptionError(f"no licence '{raw}' in the catalog; {hint}known: "
                              f"{', '.join(sorted(catalog.licenses, key=str.lower))}")
        out.append(found)
    return tuple(out)


TASK_ALIASES = {
    "code": Task.CODING, "coding": Task.CODING,
    "reasoning": Task.REASONING, "math": Task.REASONING, "maths": Task.REASONING,
    "knowledge": Task.KNOWLEDGE,
    "translation": Task.TRANSLATION, "multilingual": Task.MULTILINGUAL,
    "chat": Task.CHAT,
    "long-document": Task.LONG_CONTEXT, "long_context": Task.LONG_CONTEXT,
    "long-context": Task.LONG_CONTEXT,
    "agentic": Task.AGENTIC, "tool-use": Task.AGENTIC, "tools": Task.AGENTIC,
    "vision": Task.VISION,
}


def _positive(name: str, value: float | None) -> None:
    if value is not None and value <= 0:
        raise OptionError(f"{name} must be greater than 0 (got {value:g})")


def hardware_from_args(args: argparse.Namespace, catalog: Catalog,
                       warn: Callable[[str], None] | None = None) -> HardwareProfile | None:
    """The hardware the flags describe, or None when no hardware flag was given."""
    def _stderr(msg: str) -> None:
        sys.stderr.write(f"advisor: warning: {msg}\n")

    warn = warn or _stderr
    for name in ("vram_gb", "bandwidth_gbs", "ram_gb", "ram_bandwidth_gbs", "ram_measured_gbs",
                 "unified_memory_gb"):
        _positive("--" + name.replace("_", "-"), getattr(args, name, None))
    if args.gpu_count is not None and not 1 <= args.gpu_count <= 64:
        raise OptionError(f"--gpu-count must be between 1 and 64 (got {args.gpu_count})")
    profile: HardwareProfile | None = None
    if args.detect:
        from advisor.hardware.detect import detect  # noqa: PLC0415 - runs subprocesses

        found = detect(catalog.hardware.values())
        for note in found.notes:
            warn(f"detection: {note}")
        profile = found.profile
        if profile is None:
            raise OptionError("hardware detection found nothing usable; describe it with "
                              "--hardware PRESET_ID or --vram-gb/--bandwidth-gbs/--ram-gb")
    elif args.hardware:
        preset = catalog.hardware.get(args.hardware)
        if preset is None:
            raise OptionError(unknown_id("hardware preset", args.hardware, catalog.hardware,
                                         "advisor hardware list"))
        profile = profile_from_preset(preset, gpu_count=args.gpu_count or 1)
    profile = _apply_overrides(profile, args)
    if profile is not None and args.cpu_only:
        if profile.unified_memory:
            profile = profile.model_copy(update={"gpu": None, "unified_memory": False})
        else:
            profile = profile.model_copy(update={"gpu": None})
        if profile.ram_gb is None:
            raise OptionError("--cpu-only needs --ram-gb (and ideally --ram-bandwidth-gbs)")
    return profile


def _box(gib: float | None) -> float | None:
    """A memory size as users read it (GiB, the box size) in GB = 10^9 bytes."""
    return None if gib is None else box_gb_to_bytes(gib) / 1e9


def _apply_overrides(profile: HardwareProfile | None,
                     args: argparse.Namespace) -> HardwareProfile | None:
    unified_gb, vram_gb, ram_gb = _box(args.unified_memory_gb), _box(args.vram_gb), _box(args.ram_gb)
    if unified_gb is not None:
        base = profile or HardwareProfile(name="Unified-memory machine")
        bw = args.bandwidth_gbs or (base.gpu.bandwidth_gbs if base.gpu else None)
        if bw is None:
            raise OptionError("--unified-memory-gb needs --bandwidth-gbs (the chip's memory "
                              "bandwidth in GB/s) or --hardware with a preset")
        gpu = Accelerator(name=base.gpu.name if base.gpu else "Integrated GPU",
                          memory_gb=unified_gb, bandwidth_gbs=bw,
                          fp16_tflops=base.gpu.fp16_tflops if base.gpu else None)
        profile = base.model_copy(update={"gpu": gpu, "unified_memory": True,
                                          "ram_gb": unified_gb,
                                          "ram_bandwidth_gbs": bw})
    elif args.vram_gb is not None or args.bandwidth_gbs is not None:
        base = profile or HardwareProfile(name="Custom GPU")
        old = base.gpu
        vram = vram_gb if vram_gb is not None else (old.memory_gb if old else None)
        bw = args.bandwidth_gbs if args.bandwidth_gbs is not None else (
            old.bandwidth_gbs if old else None)
        if vram is None or bw is None:
            raise OptionError("a custom GPU needs both --vram-gb and --bandwidth-gbs (GB/s); "
                              "'advisor hardware list' shows typical values")
        count = args.gpu_count or (old.count if old else 1)
        gpu = Accelerator(name=old.name if old else "Custom GPU", memory_gb=vram, bandwidth_gbs=bw,
                          fp16_tflops=old.fp16_tflops if old and args.vram_gb is None else None,
                          count=count)
        profile = base.model_copy(update={"gpu": gpu})
    elif args.gpu_count is not None and profile is not None and profile.gpu is not None \
            and not profile.unified_memory:
        gpu = profile.gpu.model_copy(update={"count": args.gpu_count})
        profile = profile.model_copy(update={"gpu": gpu})
    measured = getattr(args, "ram_measured_gbs", None)
    if args.ram_gb is not None or args.ram_bandwidth_gbs is not None or measured is not None:
        base = profile or HardwareProfile(name="CPU only")
        if base.unified_memory:
            raise OptionError("--ram-gb, --ram-bandwidth-gbs and --ram-measured-gbs do not apply to "
                              "unified memory; use --unified-memory-gb")
        profile = base.model_copy(update={
            "ram_gb": ram_gb if ram_gb is not None else base.ram_gb,
            "ram_bandwidth_gbs": (args.ram_bandwidth_gbs if args.ram_bandwidth_gbs is not None
                                  else base.ram_bandwidth_gbs),
            "ram_achievable_bandwidth_gbs": (measured if measured is not None
                                             else base.ram_achievable_bandwidth_gbs)})
    return profile


def _tasks(values: list[str]) -> dict[Task, float]:
    tasks: dict[Task, float] = {}
    for item in values:
        name, _, weight = item.partition("=")
        task = TASK_ALIASES.get(name.strip().lower())
        if task is None:
            raise OptionError(f"unknown task '{name}'; use one of: "
                              f"{', '.join(sorted(TASK_ALIASES))}")
        try:
            w = float(weight) if weight else 1.0
        except ValueError as exc:
            raise OptionError(f"task weight in '{item}' must be a number") from exc
        if w < 0:
            raise OptionError(f"task weight in '{item}' cannot be negative")
        tasks[task] = w
    return tasks


def _language(code: str, required: bool) -> LanguageNeed:
    code = code.strip().lower()
    if len(code) != 2 or not code.isalpha() or not code.isascii():
        by_name = [k for k, name in LANGUAGES.items() if code == name.lower()]
        hint = f" ('{by_name[0]}' is {LANGUAGES[by_name[0]]})" if by_name else ""
        raise OptionError(f"language '{code}' must be a two-letter ISO 639-1 code such as 'vi'{hint}")
    (checked,) = _codes([code], LANGUAGES, "ISO 639-1 language code", upper=False)
    return LanguageNeed(code=checked, required=required)


def constraints_from_args(args: argparse.Namespace, catalog: Catalog,
                          base: Constraints | None = None) -> Constraints:
    """The constraints the flags describe, laid over a scenario's (flags win)."""
    base = base or Constraints()
    update: dict[str, object] = {}
    hardware = hardware_from_args(args, catalog)
    if hardware is not None:
        update["hardware"] = hardware
    simple = {
        "deployment": "deployment", "data_must_stay_local": "data_must_stay_local",
        "budget_usd_month": "budget_usd_month", "tokens_month": "tokens_per_month",
        "output_share": "output_share", "reasoning_overhead": "reasoning_overhead",
        "license": "license_policy", "commercial": "commercial_use_required",
        "min_context": "min_context_tokens", "min_tokens_per_s": "min_tokens_per_s",
        "no_training": "no_training_on_data", "profile": "profile", "top": "top_n",
        "cached_input_share": "cached_input_share", "batch": "batch",
        "min_usable_tokens_per_s": "min_usable_tokens_per_s", "documented_only": "documented_only",
        "concurrency": "concurrency", "kv_cache_type": "kv_cache_type",
        "hours_per_month": "hours_per_month", "max_machines": "max_machines",
        "electricity_usd_kwh": "electricity_usd_kwh", "amortize_months": "amortize_months",
        "electricity_region": "electricity_region",
        "sensitive_share": "sensitive_share",
    }
    _serving_checks(args)
    share = args.cached_input_share
    if share is not None and not 0 <= share <= 1:
        raise OptionError(f"--cached-input-share must be between 0 and 1 (got {share:g})")
    if args.min_usable_tokens_per_s is not None and args.min_usable_tokens_per_s < 0:
        raise OptionError("--min-usable-tokens-per-s cannot be negative")
    for flag, field in simple.items():
        value = getattr(args, flag)
        if value is not None:
            update[field] = value
    langs = [_language(c, True) for c in args.language] + [
        _language(c, False) for c in args.nice_language]
    if langs:
        update["languages"] = tuple(langs)
    if args.task:
        update["tasks"] = _tasks(args.task)
    for flag, field in (("allow_license", "allow_licenses"), ("deny_license", "deny_licenses"),
                        ("exclude_vendor", "exclude_vendors"),
                        ("exclude_country", "exclude_countries"),
                        ("require_modality", "required_modalities"),
                        ("allowed_region", "allowed_regions")):
        values = getattr(args, flag)
        if values:
            update[field] = tuple(values)
    _check_lists(update, catalog)
    data = {**base.model_dump(), **update}
    return Constraints.model_validate(data)


def _serving_checks(args: argparse.Namespace) -> None:
    """Clear errors for serving and cost flags out of range."""
    checks = (("concurrency", 1, 4096, "--concurrency", "{:g}"),
              ("max_machines", 1, 1000, "--max-machines", "{:g}"),
              ("hours_per_month", 1e-9, 744, "--hours-per-month", "{:g}"),
              ("electricity_usd_kwh", 0, 10, "--electricity-usd-kwh", "{:g}"),
              ("amortize_months", 1, 240, "--amortize-months", "{:g}"),
              ("sensitive_share", 0, 1, "--sensitive-share", "{:g}"))
    for attr, low, high, flag, fmt in checks:
        value = getattr(args, attr, None)
        if value is not None and not low <= value <= high:
            low_text = "above 0" if low == 1e-9 else f"at least {low:g}"
            raise OptionError(f"{flag} must be {low_text} and at most {high:g} (got {fmt.format(value)})")


def scenario_base(path: str | None) -> Constraints | None:
    """Constraints from `--scenario FILE`, if given."""
    if not path:
        return None
    from advisor.recommend.scenario import load_scenario  # noqa: PLC0415

    return load_scenario(Path(path)).constraints
