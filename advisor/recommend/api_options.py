"""Every API offering of the evaluated models as array rows: its bill, its published speed, and the
provider-terms, region, context, budget and speed rules it fails (part of the ranking in batch.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from advisor.arrays import Bools, Floats, Ints
from advisor.estimate.cost import Usage, api_bill_usd, generated_per_answer_token
from advisor.recommend.columns import Columns
from advisor.recommend.constraints import Constraints


@dataclass(frozen=True)
class ApiOptions:
    """The API offerings of the evaluated models, one row each."""

    row: Ints  # index into Columns.offerings (a hybrid model's offering has a row per mode)
    at: Ints  # position of the offering's model among the evaluated models
    thinks: Bools
    preferred: Bools  # in the thinking mode the tasks call for
    batch_priced: Bools  # billed at the provider's batch price
    cost: Floats
    answer_speed: Floats  # published output speed / tokens per answer token; NaN = not published
    unstated_region: Bools  # a region rule applies and the offering does not say where
    unstated_training: Bools
    unstated_commercial: Bools
    fail_region: Bools  # states a region outside the allowed ones (or does not say, documented-only)
    fail_training: Bools  # states it trains on API data (or does not say, documented-only)
    fail_commercial: Bools  # its terms rule out commercial use (or do not say, documented-only)
    fail_context: Bools
    fail_budget: Bools
    fail_speed: Bools  # published speed below the minimum

    @property
    def ok(self) -> Bools:
        """Failing no terms, data, region, context, budget or speed rule."""
        result: Bools = ~(self.fail_region | self.fail_training | self.fail_commercial | self.fail_context
                          | self.fail_budget | self.fail_speed)
        return result


def api_options(cols: Columns, c: Constraints, usage: Usage, idx: Ints, thinks: Bools,
                 hybrid: Bools) -> ApiOptions:
    """Every offering of the evaluated models in the preferred thinking mode, and a hybrid model's
    offerings again in the other mode; each with its bill and the provider's terms checked. A rule
    fails only on what an offering states; what it leaves unsaid is kept (and flagged), unless the
    user asked for documented terms only."""
    off = cols.offerings
    at_of = np.full(len(cols.models), -1, dtype=np.int64)
    at_of[idx] = np.arange(len(idx))
    first = np.flatnonzero(at_of[off.model] >= 0) if c.api_possible else np.zeros(0, dtype=np.int64)
    first_at = at_of[off.model[first]]
    other = first[hybrid[first_at]]
    rows = np.concatenate([first, other])
    at = at_of[off.model[rows]]
    preferred = np.arange(len(rows)) < len(first)
    think = np.where(preferred, thinks[at], ~thinks[at])
    none = np.zeros(len(rows), dtype=np.bool_)
    strict = c.documented_only
    unstated_region = fail_region = none
    if c.allowed_regions:
        allowed = set(c.allowed_regions)
        stated = np.array([bool(r) for r in off.region_sets], dtype=np.bool_)[off.region_key[rows]]
        outside = np.array([bool(regions) and not allowed & regions for regions in off.region_sets],
                           dtype=np.bool_)[off.region_key[rows]]
        unstated_region = ~stated
        fail_region = outside | (unstated_region & strict)
    unstated_training = fail_training = none
    if c.no_training_on_data:
        unstated_training = off.trains[rows] < 0
        fail_training = (off.trains[rows] == 1) | (unstated_training & strict)
    unstated_commercial = fail_commercial = none
    if c.commercial_use_required:
        unstated_commercial = off.commercial[rows] < 0
        fail_commercial = (off.commercial[rows] == 0) | (unstated_commercial & strict)
    ctx = off.context[rows]
    fail_context = (ctx > 0) & (ctx < c.min_context_tokens)
    batch_in, batch_out = off.price_batch_in[rows], off.price_batch_out[rows]
    batch_priced = (~np.isnan(batch_in) & ~np.isnan(batch_out)) if c.batch else none
    price_in = np.where(batch_priced, batch_in, off.price_in[rows])
    price_out = np.where(batch_priced, batch_out, off.price_out[rows])
    cost = api_bill_usd(usage, price_in, price_out, off.price_cached[rows], think)
    fail_budget = none
    if c.budget_usd_month is not None:
        fail_budget = cost > c.budget_usd_month + 1e-9
    published = off.speed[rows]
    answer_speed = published / generated_per_answer_token(usage, think)
    fail_speed = none
    if c.min_tokens_per_s:
        fail_speed = ~np.isnan(published) & (published < c.min_tokens_per_s)
    return ApiOptions(rows, at, think, preferred, batch_priced, cost, answer_speed, unstated_region,
                      unstated_training, unstated_commercial, fail_region, fail_training, fail_commercial,
                      fail_context, fail_budget, fail_speed)


__all__ = ["ApiOptions", "api_options"]
