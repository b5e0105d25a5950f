"""Hyperparameter tuning nodes: grid and random search over a model's hyperparameters."""
