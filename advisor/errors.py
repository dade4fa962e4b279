"""The one base of every error a user can fix, so the command line and the window catch one type.

Each layer raises its own kind (CatalogError, ScenarioError, SettingsError, EstimateError,
ReportError, OptionError, UserError, ...), each with a message worded for people. Anything that is
not an AdvisorError (a ValueError, a KeyError) is a bug and surfaces as a traceback.
"""

from __future__ import annotations


class AdvisorError(Exception):
    """Something the user can fix (a bad file, flag or option; facts an estimate lacks); the message
    says what and, where it can, how."""


__all__ = ["AdvisorError"]
