"""homl: Hands-On Machine Learning chapters 3 and 4 as a reproducible DVC pipeline."""

__version__ = "0.1.0"
