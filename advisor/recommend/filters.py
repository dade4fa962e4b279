"""Hard filters on the model itself (licence, languages, context, modalities, vendor).

Deployment-dependent constraints (memory, speed, budget, regions) are checked where each deployment is
planned (`deploy.py`); a model is excluded when no deployment survives. Every failure is a sentence
with the binding values, and a short key the counterfactual search uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.catalog.schema import License, LicenseClass, Model, SupportLevel
from advisor.recommend.constraints import Constraints, LicensePolicy

LANGUAGE_NAMES = {
    "ar": "Arabic", "bn": "Bengali", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "ms": "Malay", "nl": "Dutch", "no": "Norwegian", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "sw": "Swahili",
    "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese", "zh": "Chinese",
}


def language_name(code: str) -> str:
    """English name of an ISO 639-1 code (the code itself when unknown)."""
    return LANGUAGE_NAMES.get(code, code)


@dataclass(frozen=True)
class Failure:
    """One failed hard constraint."""

    key: str  # licence, language:xx, context, modality, vendor, country, hidden, ...
    reason: str


LEVEL_VALUE = {SupportLevel.EVALUATED: 1.0, SupportLevel.OFFICIAL: 0.9, SupportLevel.CLAIMED: 0.6}


def license_acceptable(lic: License | None, license_id: str, c: Constraints) -> Failure | None:
    """Whether a licence passes the policy, allow/deny lists and the commercial-use rule."""
    if license_id in c.deny_licenses:
        return Failure("licence", f"licence {lic.name if lic else license_id} is on your deny list")
    if lic is None:
        return Failure("licence", f"licence '{license_id}' is not in the catalog, so its terms are "
                                  "unknown")
    if c.commercial_use_required and not lic.commercial_use:
        return Failure("licence", f"licence {lic.name} does not allow commercial use")
    if license_id in c.allow_licenses:
        return None
    if c.license_policy is LicensePolicy.PERMISSIVE and lic.license_class is not LicenseClass.PERMISSIVE:
        return Failure("licence", f"licence {lic.name} is not permissive ({lic.license_class.value})")
    if c.license_policy is LicensePolicy.OPEN_WEIGHTS and lic.license_class not in (
            LicenseClass.PERMISSIVE, LicenseClass.OPEN_WEIGHTS_WITH_CONDITIONS):
        return Failure("licence", f"licence {lic.name} is {lic.license_class.value}, not an "
                                  "open-weights licence")
    return None


def model_failures(model: Model, lic: License | None, c: Constraints) -> list[Failure]:
    """Every model-level hard constraint the model fails."""
    failures: list[Failure] = []
    found = license_acceptable(lic, model.license, c)
    if found:
        failures.append(found)
    if (c.license_policy is not LicensePolicy.ANY and not model.open_weights
            and model.license not in c.allow_licenses
            and not any(f.key == "licence" for f in failures)):
        failures.append(Failure("licence", "weights are not published (API only), and your "
                                               "licence policy asks for open weights"))
    have = {lang.code: lang for lang in model.languages}
    for need in c.languages:
        if need.required and need.code not in have:
            failures.append(Failure(f"language:{need.code}",
                                    f"no evidence of {language_name(need.code)} support"))
    for modality in c.required_modalities:
        if modality not in model.input_modalities:
            failures.append(Failure("modality", f"does not accept {modality} input"))
    if model.vendor.lower() in {v.lower() for v in c.exclude_vendors} or (
            model.vendor_slug in {v.lower() for v in c.exclude_vendors}):
        failures.append(Failure("vendor", f"vendor {model.vendor} is excluded"))
    if model.vendor_country and model.vendor_country in c.exclude_countries:
        failures.append(Failure("country", f"vendor country {model.vendor_country} is excluded"))
    best_ctx = max([model.context_window_tokens or 0]
                   + [o.context_window_tokens or 0 for o in model.offerings])
    if best_ctx and best_ctx < c.min_context_tokens:
        failures.append(Failure("context", f"context window {best_ctx:,} tokens is below the "
                                           f"{c.min_context_tokens:,} you need"))
    return failures


def language_notes(model: Model, c: Constraints) -> list[str]:
    """The support level of each language asked for, in words ("German: official")."""
    have = {lang.code: lang for lang in model.languages}
    notes: list[str] = []
    for need in c.languages:
        lang = have.get(need.code)
        notes.append(f"{language_name(need.code)}: " + ("no evidence" if lang is None else lang.level.value))
    return notes
