"""Training: data recipes, model fitting, metrics and model cards."""
