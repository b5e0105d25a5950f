"""Evaluation nodes (issue 5): metrics, diagnostic charts, cross-validation and learning curves."""
