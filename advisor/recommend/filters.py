"""Hard filters on the model itself (licence policy, languages, context, modalities, vendor).

One array path: `model_checks` runs every model-level check over whole catalog columns, and the
ranking keeps the models that fail none; `model_failures` is the same call on one row, with each
failed check in words. Deployment-dependent rules (memory, speed, budget, the provider's terms, the
weights licence's commercial-use rule for self-hosting) are checked where each deployment is
planned (`batch.py`); a model is excluded when no deployment survives. Every failure is a sentence
with the binding values, and a short key the counterfactual search uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from advisor.arrays import Bools, Ints
from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import License, LicenseClass, Model
from advisor.recommend.columns import LEVEL_VALUE, Columns
from advisor.recommend.constraints import Constraints, LanguageNeed, LicensePolicy

LANGUAGE_NAMES = {
    "ar": "Arabic", "bn": "Bengali", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "ms": "Malay", "nl": "Dutch", "no": "Norwegian", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "sw": "Swahili",
    "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese", "zh": "Chinese",
}
ASSUMED_LANGUAGES = frozenset({"en"})
"""Languages every general-purpose model in the catalog is trained and evaluated in: not listed
means "not listed", never excluded, and it is scored as officially supported."""


def language_name(code: str) -> str:
    """English name of an ISO 639-1 code (the code itself when unknown)."""
    return LANGUAGE_NAMES.get(code, code)


@dataclass(frozen=True)
class Failure:
    """One failed hard constraint."""

    key: str  # licence, language:xx, context, modality, vendor, country, hidden, ...
    reason: str


@dataclass(frozen=True)
class Check:
    """One model-level rule over the evaluated models: which fail it, and how to say why."""

    key: str
    fail: Bools
    reason: Callable[[Model, License | None], str]


def _licence_checks(cols: Columns, c: Constraints, lic: Ints) -> list[Check]:
    """The licence policy and the allow/deny lists (commercial use is a deployment rule: the
    provider's terms for hosted use, the weights licence for self-hosting)."""
    per_licence = [(lic_id in c.deny_licenses, obj is None, lic_id in c.allow_licenses,
                    None if obj is None else obj.license_class)
                   for lic_id, obj in zip(cols.license_ids, cols.license_objects, strict=True)]
    denied = np.array([d for d, *_ in per_licence], dtype=np.bool_)[lic]
    unknown = np.array([u for _, u, *_ in per_licence], dtype=np.bool_)[lic]
    allowed = np.array([a for _, _, a, _ in per_licence], dtype=np.bool_)[lic]
    if c.license_policy is LicensePolicy.PERMISSIVE:
        ok_classes = {LicenseClass.PERMISSIVE}
    else:
        ok_classes = {LicenseClass.PERMISSIVE, LicenseClass.OPEN_WEIGHTS_WITH_CONDITIONS}
    off_policy = np.array([cls is not None and cls not in ok_classes for *_, cls in per_licence],
                          dtype=np.bool_)[lic]
    checks = [Check("licence", denied, lambda m, obj: f"licence {obj.name if obj else m.license} is on "
                                                      "your deny list")]
    if c.license_policy is LicensePolicy.ANY:
        return checks
    policy = c.license_policy
    checks.append(Check("licence", ~denied & unknown & ~allowed,
                        lambda m, _obj: f"licence '{m.license}' is not in the catalog, so its class is "
                                        "unknown"))
    checks.append(Check("licence", ~denied & ~unknown & ~allowed & off_policy,
                        lambda _m, obj: _off_policy_reason(obj, policy)))
    return checks


def _off_policy_reason(obj: License | None, policy: LicensePolicy) -> str:
    assert obj is not None
    if policy is LicensePolicy.PERMISSIVE:
        return f"licence {obj.name} is not permissive ({obj.license_class.value})"
    return f"licence {obj.name} is {obj.license_class.value}, not an open-weights licence"


def _language_checks(cols: Columns, c: Constraints, idx: Ints) -> list[Check]:
    """A must-have language excludes only where its support is documented as absent, or (with
    documented-only) where it is not documented at all; English is never excluded for being
    unlisted."""
    checks: list[Check] = []
    for need in c.languages:
        if not need.required:
            continue
        have = cols.languages.get(need.code)
        values = np.full(len(idx), np.nan) if have is None else have[idx]
        name = language_name(need.code)
        checks.append(Check(f"language:{need.code}", values == LEVEL_VALUE_UNSUPPORTED,
                            _said(f"{name} is documented as not supported")))
        if c.documented_only and need.code not in ASSUMED_LANGUAGES:
            checks.append(Check(f"language:{need.code}", np.isnan(values),
                                _said(f"{name} support not documented (you asked for documented "
                                      "terms only)")))
    return checks


LEVEL_VALUE_UNSUPPORTED = min(LEVEL_VALUE.values())


def _said(text: str) -> Callable[[Model, License | None], str]:
    """A reason that does not depend on the model."""
    return lambda _m, _obj: text


def model_checks(cols: Columns, c: Constraints, idx: Ints) -> list[Check]:
    """Every model-level rule over the models at catalog positions `idx`."""
    lic = cols.license[idx]
    checks = _licence_checks(cols, c, lic)
    if c.license_policy is not LicensePolicy.ANY:
        allowed = np.array([lic_id in c.allow_licenses for lic_id in cols.license_ids], dtype=np.bool_)
        already = np.zeros(len(idx), dtype=np.bool_)
        for check in checks:
            already |= check.fail
        checks.append(Check("licence", ~cols.open_weights[idx] & ~allowed[lic] & ~already,
                            lambda _m, _obj: "weights are not published (API only), and your licence "
                                             "policy asks for open weights"))
    checks += _language_checks(cols, c, idx)
    for modality in c.required_modalities:
        accepts = cols.modalities.get(modality)
        fail = np.ones(len(idx), dtype=np.bool_) if accepts is None else ~accepts[idx]
        checks.append(Check("modality", fail, _said(f"does not accept {modality} input")))
    if c.exclude_vendors:
        excluded = {v.lower() for v in c.exclude_vendors}
        vendor_fail = np.array([lower in excluded or slug in excluded for lower, slug in cols.vendor_keys],
                               dtype=np.bool_)
        checks.append(Check("vendor", vendor_fail[cols.vendor[idx]],
                            lambda m, _obj: f"vendor {m.vendor} is excluded"))
    if c.exclude_countries:
        country_fail = np.array([bool(cc) and cc in c.exclude_countries for cc in cols.countries],
                                dtype=np.bool_)
        checks.append(Check("country", country_fail[cols.country[idx]],
                            lambda m, _obj: f"vendor country {m.vendor_country} is excluded"))
    wanted = {t for t, w in c.tasks.items() if w > 0}
    purpose = np.array([bool(m.built_for) and not wanted <= set(m.built_for)
                        for m in (cols.models[int(i)] for i in idx)], dtype=np.bool_)
    if purpose.any():
        checks.append(Check("purpose", purpose, lambda m, _obj: _purpose_reason(m, wanted)))
    best_ctx = cols.best_context[idx]
    checks.append(Check("context", (best_ctx > 0) & (best_ctx < c.min_context_tokens),
                        lambda m, _obj: f"context window {_best_context(m):,} tokens is below the "
                                        f"{c.min_context_tokens:,} you need"))
    return checks


def _purpose_reason(model: Model, wanted: set[Task]) -> str:
    made = ", ".join(t.value.replace("_", " ") for t in model.built_for)
    other = ", ".join(sorted(t.value.replace("_", " ") for t in wanted - set(model.built_for)))
    return f"built only for {made} (its card); not for {other}"


def _best_context(model: Model) -> int:
    return max([model.context_window_tokens or 0] + [o.context_window_tokens or 0 for o in model.offerings])


def model_ok(cols: Columns, c: Constraints, idx: Ints) -> Bools:
    """Passes every model-level rule."""
    fail = np.zeros(len(idx), dtype=np.bool_)
    for check in model_checks(cols, c, idx):
        fail |= check.fail
    result: Bools = ~fail
    return result


def model_failures(cols: Columns, c: Constraints, position: int) -> list[Failure]:
    """Every model-level rule the model at catalog `position` fails, in words (the array checks
    on one row)."""
    model = cols.models[position]
    lic = cols.license_objects[int(cols.license[position])]
    row = np.array([position], dtype=np.int64)
    return [Failure(check.key, check.reason(model, lic)) for check in model_checks(cols, c, row)
            if check.fail[0]]


def language_level(model: Model, code: str) -> str:
    """How the catalog knows a language: its documented level, or why it is unknown."""
    for lang in model.languages:
        if lang.code == code:
            return lang.level.value
    if code in ASSUMED_LANGUAGES:
        return "not listed; assumed (general-purpose model)"
    return "not documented"


def language_notes(model: Model, needs: tuple[LanguageNeed, ...]) -> list[str]:
    """The support level of each language asked for, in words ("German: official")."""
    return [f"{language_name(n.code)}: {language_level(model, n.code)}" for n in needs]


def undocumented_languages(model: Model, needs: tuple[LanguageNeed, ...]) -> list[str]:
    """Sentences for the languages asked for whose support the catalog does not document."""
    have = {lang.code for lang in model.languages}
    out = []
    for n in needs:
        if n.code in have or n.code in ASSUMED_LANGUAGES:
            continue
        where = f" ({model.languages_note})" if model.languages_note else ""
        out.append(f"{language_name(n.code)} support not documented{where}; the language score "
                   "counts it as uncertain, not as absent.")
    return out
