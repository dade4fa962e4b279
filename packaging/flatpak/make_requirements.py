"""Write packaging/flatpak/python3-requirements.json from uv.lock: the program's runtime dependencies
as Flatpak sources (wheel URL + sha256, exactly the versions the lock pins), so the Flatpak build
runs offline and installs what the tests ran against.

    python3 packaging/flatpak/make_requirements.py [--python 312]

The KDE 6.8 runtime (freedesktop-sdk 24.08) carries CPython 3.12, hence cp312 / abi3 wheels for
x86_64 and aarch64 (each marked only-arches); pure-Python wheels serve both. This replaces
flatpak-pip-generator, which would resolve the versions again instead of taking the lock's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "python3-requirements.json"
ARCHES = {"x86_64": "x86_64", "aarch64": "aarch64"}


def _runtime_closure(packages: dict[str, dict[str, Any]], root: str) -> list[str]:
    """Names of every package the root needs at run time on Linux (dev groups and other-OS
    markers left out)."""
    seen: list[str] = []
    todo = [d["name"] for d in packages[root].get("dependencies", []) if _linux(d)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        todo.extend(d["name"] for d in packages[name].get("dependencies", []) if _linux(d))
    return sorted(seen)


def _linux(dep: dict[str, Any]) -> bool:
    marker = str(dep.get("marker", ""))
    return not re.search(r"sys_platform == '(win32|darwin|cygwin)'|platform_system == '(Windows|Darwin)'",
                         marker)


def _wheel_tags(url: str) -> tuple[str, str, str]:
    """(python tag, abi tag, platform tag) of a wheel file name."""
    parts = url.rsplit("/", 1)[1].removesuffix(".whl").split("-")
    return parts[-3], parts[-2], parts[-1]


def _fits(url: str, python: str, arch: str | None) -> bool:
    py, abi, plat = _wheel_tags(url)
    if plat == "any":
        return arch is None and ("py3" in py.split(".") or py == f"cp{python}")
    if arch is None or "manylinux" not in plat or not plat.endswith(arch):
        return False
    if abi == "abi3":  # cp39-abi3 runs on every CPython from 3.9 on ("39" < "310" < "312" as numbers)
        return py.startswith("cp3") and int(py[2:]) <= int(python)
    return py == f"cp{python}" and abi == f"cp{python}"


def sources_for(package: dict[str, Any], python: str) -> list[dict[str, Any]]:
    """The wheel(s) a package needs: one universal wheel, or one per architecture."""
    wheels = package.get("wheels", [])
    universal = [w for w in wheels if _fits(w["url"], python, None)]
    if universal:
        return [_source(universal[0])]
    out = []
    for arch, flatpak_arch in ARCHES.items():
        found = [w for w in wheels if _fits(w["url"], python, arch)]
        if not found:
            raise SystemExit(f"{package['name']} {package.get('version')}: no cp{python} wheel for {arch}")
        # The newest manylinux tag the lock offers is listed last; any of them runs on the runtime.
        out.append({**_source(found[-1]), "only-arches": [flatpak_arch]})
    return out


def _source(wheel: dict[str, Any]) -> dict[str, Any]:
    algo, digest = wheel["hash"].split(":", 1)
    if algo != "sha256":
        raise SystemExit(f"{wheel['url']}: the lock gives {algo}, Flatpak needs sha256")
    return {"type": "file", "url": wheel["url"], "sha256": digest}


def build(python: str) -> dict[str, Any]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    packages = {p["name"]: p for p in lock["package"]}
    names = _runtime_closure(packages, "model-advisor")
    modules = []
    for name in names:
        pkg = packages[name]
        modules.append({
            "name": f"python3-{name}",
            "buildsystem": "simple",
            "build-commands": [
                "pip3 install --verbose --exec-prefix=/app --prefix=/app --no-deps --no-build-isolation "
                f'--no-index --find-links="file://${{PWD}}" "{name}=={pkg["version"]}"'
            ],
            "sources": sources_for(pkg, python),
        })
    return {"name": "python3-requirements", "buildsystem": "simple", "build-commands": [],
            "modules": modules}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default="312", help="CPython of the runtime, e.g. 312")
    args = parser.parse_args(argv)
    OUT.write_text(json.dumps(build(args.python), indent=2) + "\n", encoding="utf-8")
    sys.stderr.write(f"wrote {OUT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
