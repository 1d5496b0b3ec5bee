"""Digit models in use: their report on the MNIST test set."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from homl.core import evaluation, io

N_SHOWN_ERRORS = 24


def verbose(model: Any, level: int = 1) -> Any:
    """The model, with progress bars on (or off, `level` 0) where it has `verbose`: homl's digit models, not
    necessarily a stock scikit-learn one."""
    return model.set_params(verbose=level) if "verbose" in model.get_params(deep=False) else model


def classify(model: Any, images: np.ndarray) -> np.ndarray:
    """The class probabilities of the test images (the seconds taken are printed: a measurement of the
    machine, never a metric)."""
    started = time.perf_counter()
    proba = verbose(model).predict_proba(images)
    verbose(model, 0)  # the saved model answers quietly
    print(f"classified {len(proba)} test images in {time.perf_counter() - started:.1f} s")
    return proba


def report(model: Any, images: np.ndarray, labels: np.ndarray, paths: Any, context: dict) -> None:
    """Classify the test images once; save the model, its metrics (with `context`),
    the confusion table and a figure of the most confident mistakes (`paths`: model, metrics, confusion,
    errors_png)."""
    from homl.core import figures  # matplotlib: imported only by the stages that draw

    proba = classify(model, images)
    predicted = model.classes_[proba.argmax(axis=1)]
    io.save_model(paths.model, model)
    scores = evaluation.classification_metrics(labels, predicted)
    io.write_metrics(paths.metrics, {**context, **scores})
    io.write_csv(paths.confusion, evaluation.confusion_table(labels, predicted))
    shown = evaluation.most_confident_errors(labels, proba, model.classes_, N_SHOWN_ERRORS)
    captions = [f"true {labels[i]}, said {predicted[i]}" for i in shown]
    figures.digit_grid(paths.errors_png, images[shown], captions)
