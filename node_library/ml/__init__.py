"""Shared pieces of the machine-learning nodes (issue 5): the fitted-model value and its facts."""
