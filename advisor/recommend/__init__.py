"""Constraints in, an explained ranking out: filters, scores, explanations, counterfactuals."""
