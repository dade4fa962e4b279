"""The catalog's error types, and pydantic's validation errors worded for people (with the catalog's
field names: an id's pattern, a language code). `Problem` itself lives in advisor.storage.problems."""

from __future__ import annotations

from pydantic import ValidationError

from advisor.storage.problems import Problem, ProblemError


class CatalogError(ProblemError):
    """A catalog, overlay or import file could not be used; `problems` says why, one per line."""


# Scenario and window-settings files are read through the catalog's JSON reader (store.read_json_file,
# over storage's capped read), and the callers that caught CatalogError for them still do: both are
# CatalogErrors too until those callers catch their own type.
class ScenarioError(CatalogError):
    """A scenario file could not be used; `problems` says why, one per line."""


class SettingsError(CatalogError):
    """The window's settings file could not be used; `problems` says why, one per line."""


_MESSAGES = {
    "missing": "is required but missing",
    "extra_forbidden": "is not a known field (check the spelling)",
    "frozen_instance": "cannot be changed",
}


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


_PATTERN_WORDS = {
    "id": "must be a lower-case 'vendor/name' id such as 'qwen/qwen3-8b'",
    "base_model": "must be a lower-case 'vendor/name' id such as 'qwen/qwen3-8b'",
    "code": "must be a two-letter lower-case ISO 639-1 language code such as 'en'",
    "vendor_country": "must be a two-letter upper-case ISO 3166 country code such as 'US'",
}


def _worded(error_type: str, msg: str, value: object, field: str | None = None) -> str:
    if error_type in _MESSAGES:
        return _MESSAGES[error_type]
    if error_type == "string_pattern_mismatch":
        msg = _PATTERN_WORDS.get(field or "", "has the wrong form")
    text = msg.removeprefix("Value error, ")
    text = text.replace("Input should be", "must be").replace("Input should", "must")
    if error_type not in {"missing", "extra_forbidden"} and not isinstance(value, dict | list):
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        text = f"{text} (got {shown})"
    return text


def problems_from_validation(
    exc: ValidationError, file: str, entry: str | None, prefix: tuple[int | str, ...] = ()
) -> list[Problem]:
    """One `Problem` per pydantic error, with the field path and a sentence."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        path = _field_path(prefix + loc) or None
        last = loc[-1] if loc and isinstance(loc[-1], str) else None
        problems.append(
            Problem(file, entry, path, _worded(err["type"], err["msg"], err.get("input"), last))
        )
    return problems
