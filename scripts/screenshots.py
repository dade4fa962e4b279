"""Screenshots of the window's dialogs for docs/screenshots/ (the main window itself comes from
`advisor gui --scenario ... --screenshot FILE`). Run under a display, e.g.

    xvfb-run -a -s "-screen 0 1600x1000x24" uv run --no-sync python scripts/screenshots.py docs/screenshots

ADVISOR_HOME is pointed at a temporary folder, so the user's own catalog and settings are not used.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("ADVISOR_HOME", tempfile.mkdtemp(prefix="advisor-shots-"))

from PySide6.QtWidgets import QApplication, QWidget

from advisor.catalog.importing import Change, ChangeKind, ImportPlan
from advisor.ui.app import application, build_window, wait_for_ranking
from advisor.ui.compare_dialog import CompareDialog
from advisor.ui.plan_dialog import PlanDialog

SCENARIO = Path("docs/scenarios/rtx4090-coding.json")


def _shot(widget: QWidget, path: Path) -> None:
    widget.show()
    for _ in range(20):
        QApplication.processEvents()
    if not widget.grab().save(str(path), "PNG"):
        raise SystemExit(f"cannot write {path}")
    print(f"wrote {path}")


def main(out: Path) -> int:
    """Write one PNG per dialog into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    application()
    window = build_window(SCENARIO, persist=False)
    window.resize(1280, 800)
    window.show()
    if not wait_for_ranking(window):
        return 1
    result = window.result
    assert result is not None
    panel = window.constraints_panel
    panel.more.set_expanded(True)
    for _ in range(20):
        QApplication.processEvents()  # lay the unfolded section out before scrolling to it
    panel.verticalScrollBar().setValue(panel.verticalScrollBar().maximum())
    _shot(window, out / "window-more-options.png")
    recs = list(result.recommendations[:3])
    compare = CompareDialog(recs, [window.catalog.models.get(r.model_id) for r in recs], window)
    _shot(compare, out / "dialog-compare.png")
    compare.close()
    plan = window.plan_hardware()
    plan.search()
    while plan.busy:
        QApplication.processEvents()
    _shot(plan, out / "dialog-plan-hardware.png")
    plan.close()
    model = window.catalog.models["qwen/qwen3-8b"]
    review = PlanDialog(ImportPlan(source="models.dev (sample)", changes=(
        Change(ChangeKind.CHANGE, model.id, model.name, ("price: $0.05 → $0.04 per 1M input tokens",),
               model),
        Change(ChangeKind.ADD, "example/new-model", "Example New Model", ("new hosted model",), model),
        Change(ChangeKind.CONFLICT, "qwen/qwen3-32b", "Qwen3-32B", ("you edited this model",), model))),
        window)
    _shot(review, out / "dialog-import-review.png")
    review.close()
    editor = window.edit_catalog()
    if editor is None:  # the overlay cannot be edited; the window said why
        return 1
    editor.resize(1200, 740)
    editor.select("qwen/qwen3-8b")
    _shot(editor, out / "dialog-catalog-editor.png")
    editor.form.tabs.setCurrentWidget(editor.form.tables["offerings"])
    _shot(editor, out / "dialog-catalog-editor-offerings.png")
    editor.close()
    window.background.wait()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
