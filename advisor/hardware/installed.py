"""What models are already on this disk: read, never run.

Looks in Ollama's model store (manifests and blobs), LM Studio's models folder, the Hugging Face
hub cache and any folder of GGUF files the user names; reads GGUF headers (architecture, name, file
type) with the `gguf` package; matches each find to a catalog model by repository id, Ollama tag,
or GGUF name and size. Nothing here starts a process or touches the network.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.catalog.schema import Model

OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
"""mediaType of the weights layer in an Ollama manifest (the GGUF blob)."""

SIZE_TOLERANCE = 0.05
"""A GGUF matches a catalog artifact's size within 5 % (published sizes are rounded; GB vs GiB
mix-ups are 7 %, so they do not match)."""

_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)
GB = 1e9


@dataclass(frozen=True)
class GgufHeader:
    """What a GGUF file says about itself."""

    architecture: str | None
    name: str | None
    basename: str | None
    size_label: str | None
    quantization: str | None  # from general.file_type, canonical (Q4_K_M, F16...)


@dataclass(frozen=True)
class Found:
    """One model on disk."""

    source: str  # ollama, lmstudio, hf-cache or folder
    name: str  # Ollama tag, repository id or file name
    path: Path  # the GGUF file (first part of a split), or the model's folder
    format: str  # gguf, safetensors or mlx
    size_gb: float
    quantization: str | None = None
    repo: str | None = None
    ollama_tag: str | None = None
    header: GgufHeader | None = None
    model_id: str | None = None  # the catalog model it matches, if any

    def to_json(self) -> dict[str, Any]:
        """The `advisor installed --format json` entry."""
        head = self.header
        return {"source": self.source, "name": self.name, "path": str(self.path), "format": self.format,
                "size_gb": round(self.size_gb, 3), "quantization": self.quantization, "repo": self.repo,
                "ollama_tag": self.ollama_tag, "model_id": self.model_id,
                "gguf": None if head is None else {
                    "architecture": head.architecture, "name": head.name, "basename": head.basename,
                    "size_label": head.size_label, "quantization": head.quantization}}


def _canonical(name: str | None) -> str | None:
    from advisor.catalog.quant import normalise  # noqa: PLC0415

    if not name:
        return None
    try:
        return normalise(name)
    except KeyError:
        return None


def read_gguf_header(path: Path) -> GgufHeader | None:
    """The header fields of a GGUF file, or None when it is not a readable GGUF."""
    try:
        with path.open("rb") as fh:
            if fh.read(4) != b"GGUF":
                return None
        from gguf import GGUFReader, LlamaFileType  # noqa: PLC0415

        reader = GGUFReader(path, "r")
    except (OSError, ValueError):
        return None

    def text(key: str) -> str | None:
        field = reader.fields.get(key)
        value = field.contents() if field is not None else None
        return value if isinstance(value, str) else None

    quant = None
    field = reader.fields.get("general.file_type")
    if field is not None:
        try:
            # LlamaFileType names are MOSTLY_Q4_K_M, ALL_F32...: the part after the prefix.
            name = LlamaFileType(int(field.contents())).name.split("_", 1)[1]
            quant = _canonical(name) or _canonical(name.removesuffix("_MOE"))  # MOSTLY_MXFP4_MOE
        except (ValueError, TypeError, IndexError):
            quant = None
    return GgufHeader(text("general.architecture"), text("general.name"), text("general.basename"),
                      text("general.size_label"), quant)


def quant_from_name(name: str) -> str | None:
    """The quantization in a file or tag name (Qwen3-8B-Q4_K_M.gguf, qwen3:8b-q4_K_M)."""
    upper = name.upper()
    from advisor.catalog.quant import MIXES  # noqa: PLC0415

    for q in sorted(MIXES, key=len, reverse=True):
        if re.search(rf"(?<![A-Z0-9]){re.escape(q.upper())}(?![A-Z0-9])", upper):
            return _canonical(q)
    return None


def _gguf_parts(folder: Path) -> Iterator[tuple[Path, float]]:
    """Each GGUF file under `folder` (a split file once, as its first part) with its total size."""
    for path in sorted(folder.rglob("*.gguf")):
        if path.name.lower().startswith("mmproj"):
            continue  # vision projector, not a model
        split = _SPLIT.search(path.name)
        if split and split.group(1) != "00001":
            continue
        try:
            if split:
                stem = path.name[: split.start()]
                size = sum(p.stat().st_size for p in path.parent.glob(f"{stem}-*-of-{split.group(2)}.gguf"))
            else:
                size = path.stat().st_size
        except OSError:
            continue
        yield path, size / GB


def _gguf_found(source: str, path: Path, size_gb: float, repo: str | None = None) -> Found:
    header = read_gguf_header(path)
    quant = (header.quantization if header else None) or quant_from_name(path.name)
    return Found(source, path.name if repo is None else f"{repo}/{path.name}", path, "gguf", size_gb,
                 quant, repo, None, header)


# -- Ollama ----------------------------------------------------------------------------------------

def ollama_root(environ: Mapping[str, str]) -> Path:
    """OLLAMA_MODELS, else ~/.ollama/models (Ollama's envconfig default)."""
    env = environ.get("OLLAMA_MODELS", "").strip()
    return Path(env).expanduser() if env else Path.home() / ".ollama" / "models"


def scan_ollama(root: Path) -> list[Found]:
    """Every model in an Ollama store: manifests/<registry>/<namespace>/<name>/<tag> name a blob."""
    manifests = root / "manifests"
    out: list[Found] = []
    if not manifests.is_dir():
        return out
    for manifest in sorted(p for p in manifests.rglob("*") if p.is_file()):
        parts = manifest.relative_to(manifests).parts
        if len(parts) < 4:
            continue
        try:
            doc = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        layer = next((la for la in doc.get("layers", []) if isinstance(la, dict)
                      and la.get("mediaType") == OLLAMA_MODEL_LAYER), None)
        if layer is None:
            continue
        registry, *path_parts, name, tag = parts
        if registry == "registry.ollama.ai" and path_parts == ["library"]:
            full = f"{name}:{tag}"
        else:
            full = "/".join([registry, *path_parts, name]) + f":{tag}"
            full = full.removeprefix("registry.ollama.ai/")
        blob = root / "blobs" / str(layer.get("digest", "")).replace(":", "-")
        size = float(layer.get("size") or 0) / GB
        header = read_gguf_header(blob) if blob.is_file() else None
        quant = (header.quantization if header else None) or quant_from_name(tag)
        repo = "/".join([*path_parts, name]) if registry == "hf.co" else None
        out.append(Found("ollama", full, blob, "gguf", size, quant, repo, full, header))
    return out


# -- LM Studio, the Hugging Face cache, a folder ---------------------------------------------------

def lmstudio_roots() -> list[Path]:
    """LM Studio's models folders (current and older layout)."""
    home = Path.home()
    return [home / ".lmstudio" / "models", home / ".cache" / "lm-studio" / "models"]


def _safetensors_folder(source: str, folder: Path, repo: str) -> Found | None:
    try:
        files = list(folder.rglob("*.safetensors"))
        size = sum(p.stat().st_size for p in files) / GB
    except OSError:
        return None
    if not files:
        return None
    quant = None
    fmt = "safetensors"
    config = folder / "config.json"
    try:
        cfg = json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}
    except (OSError, ValueError):
        cfg = {}
    cfg = cfg if isinstance(cfg, dict) else {}
    q = cfg.get("quantization")
    if isinstance(q, dict) and isinstance(q.get("bits"), int):
        fmt, quant = "mlx", _canonical(f"MLX-{q['bits']}bit")  # mlx-lm writes quantization.bits
    elif isinstance(cfg.get("quantization_config"), dict):
        method = str(cfg["quantization_config"].get("quant_method", "")).lower()
        quant = {"fp8": "FP8", "awq": "AWQ-4bit"}.get(method)
    else:
        quant = _canonical({"bfloat16": "BF16", "float16": "F16"}.get(str(cfg.get("torch_dtype")), ""))
    return Found(source, repo, folder, fmt, size, quant, repo)


def scan_lmstudio(root: Path) -> list[Found]:
    """<publisher>/<repo>/<files> under LM Studio's models folder."""
    out: list[Found] = []
    if not root.is_dir():
        return out
    for publisher in sorted(p for p in root.iterdir() if p.is_dir()):
        for repo_dir in sorted(p for p in publisher.iterdir() if p.is_dir()):
            repo = f"{publisher.name}/{repo_dir.name}"
            out += [_gguf_found("lmstudio", path, size, repo) for path, size in _gguf_parts(repo_dir)]
            folder = _safetensors_folder("lmstudio", repo_dir, repo)
            if folder is not None:
                out.append(folder)
    return out


def hf_cache_root(environ: Mapping[str, str]) -> Path:
    """HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub (huggingface_hub's defaults)."""
    if environ.get("HF_HUB_CACHE", "").strip():
        return Path(environ["HF_HUB_CACHE"]).expanduser()
    if environ.get("HF_HOME", "").strip():
        return Path(environ["HF_HOME"]).expanduser() / "hub"
    return Path.home() / ".cache" / "huggingface" / "hub"


def scan_hf_cache(root: Path) -> list[Found]:
    """models--<org>--<name>/snapshots/<revision>/ in the hub cache (files are links to blobs)."""
    out: list[Found] = []
    if not root.is_dir():
        return out
    for entry in sorted(root.glob("models--*")):
        repo = entry.name.removeprefix("models--").replace("--", "/", 1)
        snapshots = sorted((entry / "snapshots").glob("*"), key=lambda p: p.stat().st_mtime, reverse=True)
        if not snapshots:
            continue
        snap = snapshots[0]  # the newest revision
        out += [_gguf_found("hf-cache", path, size, repo) for path, size in _gguf_parts(snap)]
        folder = _safetensors_folder("hf-cache", snap, repo)
        if folder is not None:
            out.append(folder)
    return out


def scan_folder(folder: Path) -> list[Found]:
    """Every GGUF file under a folder the user named."""
    return [_gguf_found("folder", path, size) for path, size in _gguf_parts(folder)]


# -- matching --------------------------------------------------------------------------------------

def name_key(text: str) -> str:
    """A name reduced for comparison: 'bartowski/Qwen_Qwen3-8B-GGUF' and 'Qwen3 8B' -> 'qwen38b'."""
    tail = text.rsplit("/", 1)[-1]
    tail = re.sub(r"(?i)[-_.]?gguf$", "", tail)
    if "_" in tail and not re.search(r"(?i)q\d", tail.split("_", 1)[0]):
        tail = tail.split("_", 1)[1]  # bartowski's <org>_<model>
    tail = re.sub(r"(?i)(:|-)latest$", "", tail)
    return re.sub(r"[^a-z0-9]", "", tail.lower())


def _model_keys(model: Model) -> set[str]:
    keys = {name_key(model.name), name_key(model.id)}
    if model.hf_repo:
        keys.add(name_key(model.hf_repo))
    return {k for k in keys if k}


def _size_ok(model: Model, found: Found) -> bool:
    if found.size_gb <= 0:  # size unknown (a model named by a running server): the name decides
        return True
    sizes = [a.file_size_gb for a in model.artifacts
             if a.file_size_gb and found.quantization and _canonical(a.quantization) == found.quantization]
    return not sizes or any(abs(s - found.size_gb) <= SIZE_TOLERANCE * s for s in sizes)


def match(found: Found, models: Iterable[Model]) -> str | None:
    """The catalog model a find is: by repository id, by Ollama tag, else by GGUF name and size."""
    models = list(models)
    if found.repo:
        repo = found.repo.lower()
        for m in models:
            if (m.hf_repo or "").lower() == repo or any((a.repo or "").lower() == repo for a in m.artifacts):
                return m.id
    if found.ollama_tag:
        tag = found.ollama_tag.lower()
        for m in models:
            if any((a.ollama_tag or "").lower() == tag for a in m.artifacts):
                return m.id
    names = [n for n in (found.header.name if found.header else None,
                         found.header.basename if found.header else None, found.repo,
                         found.ollama_tag.split(":")[0] + (found.ollama_tag.split(":")[1]
                                                           if ":" in found.ollama_tag else "")
                         if found.ollama_tag else None, found.path.name.rsplit(".", 1)[0]) if n]
    keys = {name_key(n) for n in names}
    if found.quantization:
        q = found.quantization.lower().replace("_", "")
        keys |= {k.removesuffix(q) for k in keys}
    for m in models:
        if _model_keys(m) & keys and _size_ok(m, found):
            return m.id
    return None


def scan(environ: Mapping[str, str] | None = None, folders: Iterable[Path] = (),
         models: Iterable[Model] = ()) -> list[Found]:
    """Everything found in the default places and in `folders`, each matched to `models`."""
    env = os.environ if environ is None else environ
    jobs: list[tuple[Callable[[Path], list[Found]], Path]] = [(scan_ollama, ollama_root(env))]
    jobs += [(scan_lmstudio, root) for root in lmstudio_roots()]
    jobs += [(scan_hf_cache, hf_cache_root(env))]
    jobs += [(scan_folder, Path(folder)) for folder in folders]
    found: list[Found] = []
    for job, root in jobs:
        try:
            found += job(root)
        except OSError:  # a store we may not read (permissions, a vanished mount): skip it
            continue
    catalog = list(models)
    return [replace(f, model_id=match(f, catalog)) for f in found]
