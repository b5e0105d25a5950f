"""Feature engineering nodes: fitted on the training rows, applied elsewhere through their model."""
