"""Build the bundled catalog (resources/catalog/) from curated TOML files and shared raw data.

Inputs: curated/meta.toml, curated/licenses/*.toml, curated/hardware.toml, curated/models/*.toml
(one file per family; `[defaults]` merged into each `[[model]]`), plus the models.dev snapshot in
../shared/data for three directives:
  models_dev = "lab/id"          fill dates, limits, modalities, capabilities, benchmarks
  offerings_from = [{provider, model, ...}]   one Offering per hosted provider file
  language_list = {level, codes, source, as_of}  LanguageSupport entries
Explicit values always win. Output is validated with the schema and the catalog cross-checks and
written deterministically (sorted, stable JSON). `--check` exits 1 if the committed tree differs.

Usage: uv run python scripts/build_catalog.py [--shared ../shared/data] [--check]
"""

from __future__ import annotations

import argparse
import copy
import shutil
import sys
import tempfile
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from advisor.catalog.benchmarks import BENCHMARKS
from advisor.catalog.errors import Problem, problems_from_validation
from advisor.catalog.schema import CatalogMeta, HardwarePreset, License, Model
from advisor.catalog.store import Catalog, dump_json
from advisor.catalog.validate import check_catalog

ROOT = Path(__file__).resolve().parents[1]
MODELS_DEV_COMMIT = "f3fc692"
MODELS_DEV_AS_OF = date(2026, 7, 2)
BENCHMARK_ALIASES = {
    "swe-bench verified": "SWE-bench Verified", "swe-bench-verified": "SWE-bench Verified",
    "livecodebench": "LiveCodeBench", "aider polyglot": "Aider Polyglot", "humaneval": "HumanEval",
    "gpqa diamond": "GPQA Diamond", "gpqa": "GPQA Diamond", "aime 2025": "AIME 2025",
    "aime 2024": "AIME 2024", "mmlu-pro": "MMLU-Pro", "mmlu pro": "MMLU-Pro", "mmlu": "MMLU",
    "mmmlu": "MMMLU", "mgsm": "MGSM", "humanity's last exam": "Humanity's Last Exam",
    "hle": "Humanity's Last Exam", "ifeval": "IFEval", "bfcl": "BFCL", "tau2-bench": "tau2-bench",
    "terminal-bench": "Terminal-Bench", "terminal-bench hard": "Terminal-Bench",
    "terminal bench 2.0": "Terminal-Bench", "terminal-bench 2.1": "Terminal-Bench",
    "terminal bench 2.1": "Terminal-Bench", "swe-bench pro": "SWE-bench Pro",
    "swe bench pro": "SWE-bench Pro",
    "scicode": "SciCode", "artificial analysis coding index": "Artificial Analysis Coding Index",
    "humanity\u2019s last exam": "Humanity's Last Exam", "mmmu": "MMMU", "simpleqa": "SimpleQA",
    "arena-hard": "Arena-Hard", "lmarena text": "LMArena Text", "longbench v2": "LongBench v2",
}
MODALITIES = {"text", "image", "audio", "video", "pdf"}


def _toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class ModelsDev:
    """Reads the models.dev snapshot the way its generator does (base_model inheritance)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def model(self, ref: str) -> dict[str, Any]:
        path = self.root / "models" / f"{ref}.toml"
        if not path.is_file():
            raise FileNotFoundError(f"models.dev has no models/{ref}.toml")
        return _toml(path)

    def provider_model(self, provider: str, model: str) -> tuple[dict[str, Any], str]:
        rel = f"providers/{provider}/models/{model}.toml"
        path = self.root / rel
        if not path.is_file():
            raise FileNotFoundError(f"models.dev has no {rel}")
        data = _toml(path)
        base_ref = data.get("base_model")
        if base_ref:
            base = self.model(base_ref)
            for key in ("benchmarks", "license", "links", "weights"):
                base.pop(key, None)
            data = _merge(base, {k: v for k, v in data.items() if k != "base_model"})
            for dotted in data.pop("base_model_omit", []):
                node: Any = data
                parts = dotted.split(".")
                for part in parts[:-1]:
                    node = node.get(part, {})
                if isinstance(node, dict):
                    node.pop(parts[-1], None)
        return data, rel


def _fill_from_models_dev(entry: dict[str, Any], md: dict[str, Any], ref: str) -> None:
    source = f"models.dev models/{ref}.toml @{MODELS_DEV_COMMIT} ({MODELS_DEV_AS_OF})"
    entry.setdefault("facts", {"source": source, "as_of": MODELS_DEV_AS_OF})
    if "release_date" in md:
        entry.setdefault("release_date", md["release_date"])
    limit = md.get("limit", {})
    if "context" in limit:
        entry.setdefault("context_window_tokens", limit["context"])
    if "output" in limit:
        entry.setdefault("max_output_tokens", limit["output"])
    mods = md.get("modalities", {})
    if mods.get("input"):
        entry.setdefault("input_modalities", [m for m in mods["input"] if m in MODALITIES])
    if mods.get("output"):
        entry.setdefault("output_modalities", [m for m in mods["output"] if m in MODALITIES])
    caps = entry.setdefault("capabilities", {})
    for ours, theirs in (("tool_calls", "tool_call"), ("reasoning", "reasoning"),
                         ("structured_output", "structured_output")):
        if theirs in md:
            caps.setdefault(ours, md[theirs])
    if "evidence" not in entry:
        evidence = []
        for bench in md.get("benchmarks", []):
            name = BENCHMARK_ALIASES.get(str(bench.get("name", "")).lower())
            if name is None or name not in BENCHMARKS:
                continue
            evidence.append({"benchmark": name, "score": bench["score"],
                             "metric": bench.get("metric"),
                             "source": bench.get("source", source),
                             "as_of": bench.get("date", MODELS_DEV_AS_OF)})
        if evidence:
            entry["evidence"] = evidence


def _offering(dev: ModelsDev, spec: dict[str, Any]) -> dict[str, Any]:
    spec = dict(spec)
    provider = spec.pop("provider")
    model = spec.pop("model")
    data, rel = dev.provider_model(provider, model)
    cost = data.get("cost", {})
    if "input" not in cost or "output" not in cost:
        raise ValueError(f"{rel} has no input/output price")
    limit = data.get("limit", {})
    out: dict[str, Any] = {
        "provider": provider,
        "provider_model_id": model,
        "price_input_usd_per_mtok": cost["input"],
        "price_output_usd_per_mtok": cost["output"],
        "source": f"models.dev {rel} @{MODELS_DEV_COMMIT}",
        "as_of": MODELS_DEV_AS_OF,
    }
    if "cache_read" in cost:
        out["price_cached_input_usd_per_mtok"] = cost["cache_read"]
    tiers = []
    for tier in cost.get("tiers", []) if isinstance(cost.get("tiers"), list) else []:
        size = tier.get("tier", {}).get("size") if isinstance(tier.get("tier"), dict) else None
        above = size or tier.get("input_tokens_above")
        if above and "input" in tier and "output" in tier:
            tiers.append({"above_input_tokens": above, "price_input_usd_per_mtok": tier["input"],
                          "price_output_usd_per_mtok": tier["output"]})
    if tiers:
        out["context_tiers"] = tiers
    if "context" in limit:
        out["context_window_tokens"] = limit["context"]
    if "output" in limit:
        out["max_output_tokens"] = limit["output"]
    out.update(spec)  # curated extras (regions, retention, training) with their own wording
    return out


def expand(entry: dict[str, Any], dev: ModelsDev | None) -> dict[str, Any]:
    """Apply the directives of one curated model entry."""
    entry = copy.deepcopy(entry)
    ref = entry.pop("models_dev", None)
    offerings = entry.pop("offerings_from", [])
    langs = entry.pop("language_list", None)
    if (ref or offerings) and dev is None:
        raise ValueError("needs the shared models.dev data (--shared)")
    if ref and dev is not None:
        _fill_from_models_dev(entry, dev.model(ref), ref)
    if offerings and dev is not None:
        entry["offerings"] = list(entry.get("offerings", [])) + [_offering(dev, o) for o in offerings]
    if langs:
        have = {lang["code"] for lang in entry.get("languages", [])}
        entry["languages"] = list(entry.get("languages", [])) + [
            {"code": code, "level": langs["level"], "source": langs["source"], "as_of": langs["as_of"]}
            for code in langs["codes"] if code not in have]
    return entry


def build(curated: Path, shared: Path | None) -> tuple[Catalog | None, list[Problem]]:
    """Read and validate everything; the catalog, or the problems."""
    problems: list[Problem] = []
    dev = ModelsDev(shared / "models.dev") if shared and (shared / "models.dev").is_dir() else None
    meta = CatalogMeta.model_validate(_toml(curated / "meta.toml"))
    licenses: dict[str, License] = {}
    for path in sorted((curated / "licenses").glob("*.toml")):
        try:
            lic = License.model_validate(_toml(path))
            licenses[lic.id] = lic
        except (ValidationError, tomllib.TOMLDecodeError) as exc:
            problems.extend(_problems(exc, path, None))
    hardware: dict[str, HardwarePreset] = {}
    hw_file = curated / "hardware.toml"
    if hw_file.is_file():
        for i, raw in enumerate(_toml(hw_file).get("preset", [])):
            try:
                preset = HardwarePreset.model_validate(raw)
                if preset.id in hardware:
                    problems.append(Problem(str(hw_file), f"hardware '{preset.id}'", "id", "is listed twice"))
                hardware[preset.id] = preset
            except ValidationError as exc:
                problems.extend(_problems(exc, hw_file, f"hardware #{i + 1}"))
    models: dict[str, Model] = {}
    adapter = TypeAdapter(Model)
    for path in sorted((curated / "models").glob("*.toml")):
        try:
            doc = _toml(path)
        except tomllib.TOMLDecodeError as exc:
            problems.append(Problem(str(path), None, None, f"is not valid TOML: {exc}"))
            continue
        defaults = doc.get("defaults", {})
        for i, raw in enumerate(doc.get("model", [])):
            label = f"model '{raw.get('id', i + 1)}'"
            try:
                model = adapter.validate_python(expand(_merge(defaults, raw), dev))
            except ValidationError as exc:
                problems.extend(_problems(exc, path, label))
                continue
            except (ValueError, FileNotFoundError) as exc:
                problems.append(Problem(str(path), label, None, str(exc)))
                continue
            if model.id in models:
                problems.append(Problem(str(path), label, "id", "is listed twice"))
            models[model.id] = model
    catalog = Catalog(meta=meta, models=models, licenses=licenses, hardware=hardware)
    problems.extend(check_catalog(catalog, "curated"))
    return (None if problems else catalog), problems


def _problems(exc: Exception, path: Path, entry: str | None) -> list[Problem]:
    if isinstance(exc, ValidationError):
        return problems_from_validation(exc, str(path), entry)
    return [Problem(str(path), entry, None, str(exc))]


def write(catalog: Catalog, out: Path) -> None:
    """Write the catalog as stable, diff-friendly JSON files."""
    if out.exists():
        shutil.rmtree(out)
    (out / "models").mkdir(parents=True)
    (out / "meta.json").write_text(dump_json(catalog.meta.model_dump(mode="json")), encoding="utf-8")
    (out / "licenses.json").write_text(dump_json([
        lic.model_dump(mode="json", exclude_defaults=True) for _, lic in sorted(catalog.licenses.items())]),
        encoding="utf-8")
    (out / "hardware.json").write_text(dump_json([
        h.model_dump(mode="json", exclude_defaults=True) for _, h in sorted(catalog.hardware.items())]),
        encoding="utf-8")
    for mid, model in sorted(catalog.models.items()):
        vendor, name = mid.split("/", 1)
        path = out / "models" / vendor / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_json(model.model_dump(mode="json", exclude_defaults=True)), encoding="utf-8")


def _same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.json"))
    files_b = sorted(p.relative_to(b) for p in b.rglob("*.json"))
    return files_a == files_b and all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--curated", type=Path, default=ROOT / "curated")
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "catalog")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output would change")
    args = parser.parse_args(argv)
    shared = args.shared if args.shared.is_dir() else None
    catalog, problems = build(args.curated, shared)
    if catalog is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"build_catalog: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            write(catalog, Path(tmp) / "catalog")
            if not _same_tree(Path(tmp) / "catalog", args.out):
                print("build_catalog: resources/catalog is out of date; run scripts/build_catalog.py",
                      file=sys.stderr)
                return 1
        print(f"up to date: {len(catalog.models)} models")
        return 0
    write(catalog, args.out)
    print(f"wrote {len(catalog.models)} models, {len(catalog.licenses)} licences, "
          f"{len(catalog.hardware)} hardware presets to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
