"""Model nodes (issue 5): classification, regression and clustering estimators, Predict."""
