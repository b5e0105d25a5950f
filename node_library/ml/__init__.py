"""Shared pieces of the machine-learning nodes: the fitted-model value and its facts."""
