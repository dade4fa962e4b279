"""The Qt binding must not corrupt reference counts when it calls Python slots.

PySide6 6.12.0 dropped a reference to True on every Python slot call: after a few thousand signals
(a timer, a text field being typed in) the interpreter aborted with "bool_dealloc: deallocating True
or False". pyproject.toml excludes that release; this test runs the pattern in a child process (so a
crash fails the test instead of killing the run) and checks the counts do not drift.
"""

from __future__ import annotations

import subprocess
import sys

CHILD = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

app = QCoreApplication([])

class Source(QObject):
    bare = Signal()
    value = Signal(object)

def slot(_value: object) -> None:
    return None

source = Source()
source.bare.connect(lambda: None)
source.value.connect(slot)
timer = QTimer()
timer.timeout.connect(lambda: None)
before = {name: sys.getrefcount(obj) for name, obj in (("True", True), ("False", False), ("None", None))}
for _ in range(20_000):
    source.bare.emit()
    source.value.emit(None)
    source.value.emit(True)
    timer.timeout.emit()
after = {name: sys.getrefcount(obj) for name, obj in (("True", True), ("False", False), ("None", None))}
drift = {name: after[name] - before[name] for name in before}
print(drift)
sys.exit(1 if any(abs(d) > 100 for d in drift.values()) else 0)
"""


def test_python_slots_do_not_drift_reference_counts() -> None:
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stdout} {proc.stderr[-500:]}"
