"""Titanic: passenger features and the survival classifiers."""
