# Names vulture (scripts/test.sh) reports as unused that are used, reviewed one by one; generated with
# `vulture --make-whitelist` and kept short. A new entry needs the reason beside it.
# ruff: noqa
# Pydantic fields and enum members: read through model_dump, JSON and the catalog files.
schema_version  # unused variable (advisor/catalog/overlay.py:112)
metric  # unused variable (advisor/catalog/schema.py:97)
SAFETENSORS  # unused variable (advisor/catalog/schema.py:123)
AWQ  # unused variable (advisor/catalog/schema.py:126)
GPTQ  # unused variable (advisor/catalog/schema.py:127)
FP8  # unused variable (advisor/catalog/schema.py:128)
OTHER  # unused variable (advisor/catalog/schema.py:129)
speed_source  # unused variable (advisor/catalog/schema.py:246)
tool_calls  # unused variable (advisor/catalog/schema.py:262)
structured_output  # unused variable (advisor/catalog/schema.py:272)
schema_version  # unused variable (advisor/catalog/schema.py:467)
schema_version  # unused variable (advisor/catalog/store.py:240)
# Written for readers who are not called by name.
conflicts_resolved  # SaveOutcome: which entries a save resolved (advisor/catalog/editing.py)
fixed_names  # quality_prior.Design: the covariates' names, for reading a fit in a debugger
_.row_factory  # sqlite3's connection attribute (advisor/catalog/feeds.py)
QUALITY_SOURCE  # the source of the quality-loss table (advisor/catalog/quant.py)
DEVICE_CLASSES  # the device classes named in physics.py's docstrings
SettingsError  # for the window's settings file (advisor/ui/settings.py raises CatalogError until it switches)
_.new_button  # widgets the window keeps as attributes (advisor/ui/, the window helper's to judge)
_.dup_button
_.export_action
client_address  # http.server's handle_error signature (tests/catalog/test_importing.py)
_.daemon_threads  # socketserver reads it: handler threads do not keep the test process alive (tests/ui/test_measure_button.py)
pytestmark  # pytest reads it (tests/catalog/test_loader_fuzz.py)
# Called by the framework, not by name.
writable  # io.TextIOWrapper asks its buffer (advisor/cli/served.py _Sink)
https_open  # urllib.request handler method: the opener calls it for https:// URLs (advisor/catalog/download.py)
hostile_home  # pytest fixture requested for its side effect (tests/test_terminal_safety.py)
eventFilter  # Qt calls an installed event filter's eventFilter (advisor/ui/headless.py, wheel_guard.py)
_.plan_dialog  # MainWindow keeps the non-modal plan-hardware dialog alive (advisor/ui/main_window.py)
