"""Report export for a top-10 report: HTML, Markdown, CSV and PDF, median of N runs in-process, and
the PDF as a whole `advisor recommend --output report.pdf` process (Qt started for it).

    uv run python bench/bench_reports.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from advisor.catalog.store import load_bundled
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend
from advisor.report import export_report

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    opts = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    catalog = load_bundled()
    hardware = profile_from_preset(catalog.hardware["rtx-4090"])
    result = recommend(catalog, Constraints(hardware=hardware, top_n=10))
    with tempfile.TemporaryDirectory() as tmp:
        for ext in (".html", ".md", ".csv", ".pdf"):
            times = []
            for i in range(opts.runs):
                path = Path(tmp) / f"r{i}{ext}"
                start = time.perf_counter()
                export_report(result, path)
                times.append(time.perf_counter() - start)
            size = (Path(tmp) / f"r0{ext}").stat().st_size
            note = " (first run starts Qt)" if ext == ".pdf" else ""
            print(f"export {ext:<6} median {statistics.median(times) * 1000:7.1f} ms  "
                  f"first {times[0] * 1000:7.1f} ms  {size / 1000:6.0f} kB{note}")
        env = {**os.environ, "ADVISOR_HOME": tmp}
        walls = []
        for i in range(max(3, opts.runs // 2)):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "advisor", "recommend", "--scenario",
                            str(ROOT / "docs" / "scenarios" / "rtx4090-coding.json"), "--output",
                            str(Path(tmp) / f"cli{i}.pdf")], check=True, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            walls.append(time.perf_counter() - start)
        print("advisor recommend --output report.pdf (whole process): "
              f"median {statistics.median(walls):.2f} s")


if __name__ == "__main__":
    main()
