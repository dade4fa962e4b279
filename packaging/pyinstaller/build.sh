#!/usr/bin/env bash
# Build the one-folder bundle and smoke-test it: --version, a recommendation, and a GUI screenshot.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
uv sync --locked --quiet
uv pip install --quiet "pyinstaller>=6.10"
rm -rf build/pyinstaller dist/pyinstaller
uv run --no-sync pyinstaller --noconfirm --log-level WARN \
  --workpath build/pyinstaller --distpath dist/pyinstaller packaging/pyinstaller/advisor.spec
bundle=$(ls -d dist/pyinstaller/model-advisor-*)
"$bundle/advisor" --version
"$bundle/advisor" catalog validate
"$bundle/advisor" recommend --hardware "$("$bundle/advisor" hardware list --format json \
  | python3 -c 'import json,sys; print(next(h["id"] for h in json.load(sys.stdin) if "4090" in h["name"]))')" \
  --task coding --format json --top 3 > /tmp/bundle-recommend.json
python3 -c 'import json; d=json.load(open("/tmp/bundle-recommend.json")); print("bundle pick:", d["recommendations"][0]["name"])'
"$bundle/advisor" recommend --task coding --output /tmp/bundle-report.pdf  # Qt's PDF writer + QtSvg
python3 -c 'import sys; d=open("/tmp/bundle-report.pdf","rb").read(); sys.exit(0 if d.startswith(b"%PDF-") else "no PDF")'
if [ -f advisor/ui/app.py ]; then
  QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} "$bundle/advisor" gui --screenshot /tmp/bundle-screenshot.png
  echo "screenshot: /tmp/bundle-screenshot.png"
fi
echo "bundle OK: $bundle ($(du -sh "$bundle" | cut -f1))"
