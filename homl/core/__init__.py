"""The machinery every exercise shares: parameters, files, errors, stages, model selection."""
