"""The image distortion model: the distance on hand-made images, and the classifier built on it."""

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tiny_data import digits_as_mnist

from homl.core import io
from homl.digits.idm import IDMClassifier, feature_planes, idm_distances
from homl.digits.images import shift_images
from homl.digits.knn import KNNClassifier


def idm(
    query: np.ndarray, reference: np.ndarray, window: int, context: int, features: str = "pixels"
) -> float:
    margin = window + context
    planes = feature_planes(np.stack([query, reference]).astype(np.float32), features, margin)
    return float(
        idm_distances(planes[:1], planes[1:], np.zeros((1, 1), dtype=np.int64), window, context, margin)[0, 0]
    )


def idm_by_definition(query, reference, window, context) -> float:
    """Each query pixel's cheapest patch distance over the window, summed: the paper's formula, in loops."""
    height, width = query.shape
    pad = window + context
    q, r = (np.pad(np.asarray(image, dtype=np.float64), pad) for image in (query, reference))
    total = 0.0
    for y in range(pad, pad + height):
        for x in range(pad, pad + width):
            patch = q[y - context : y + context + 1, x - context : x + context + 1]
            total += min(
                (
                    (patch - r[y + a - context : y + a + context + 1, x + b - context : x + b + context + 1])
                    ** 2
                ).sum()
                for a in range(-window, window + 1)
                for b in range(-window, window + 1)
            )
    return total


@numba.njit
def idm_in_plain_loops(queries, references, pairs, window, context, margin):
    """The first kernel, one pixel at a time: the vectorized one must give the same bits."""
    n_queries, n_candidates = pairs.shape
    n_planes = queries.shape[1]
    height, width = queries.shape[2] - 2 * margin, queries.shape[3] - 2 * margin
    span_y, span_x = height + 2 * context, width + 2 * context
    side = 2 * context + 1
    distances = np.empty((n_queries, n_candidates), dtype=np.float64)
    squared = np.empty((span_y, span_x), dtype=np.float32)
    rows = np.empty((span_y, width), dtype=np.float32)
    cheapest = np.empty((height, width), dtype=np.float32)
    for q in range(n_queries):
        for j in range(n_candidates):
            r = pairs[q, j]
            cheapest[:] = np.inf
            for a in range(-window, window + 1):
                for b in range(-window, window + 1):
                    for y in range(span_y):
                        qy = margin - context + y
                        for x in range(span_x):
                            qx = margin - context + x
                            total = np.float32(0.0)
                            for p in range(n_planes):
                                d = queries[q, p, qy, qx] - references[r, p, qy + a, qx + b]
                                total += d * d
                            squared[y, x] = total
                    for y in range(span_y):
                        for x in range(width):
                            total = np.float32(0.0)
                            for dx in range(side):
                                total += squared[y, x + dx]
                            rows[y, x] = total
                    for y in range(height):
                        for x in range(width):
                            total = np.float32(0.0)
                            for dy in range(side):
                                total += rows[y + dy, x]
                            if total < cheapest[y, x]:
                                cheapest[y, x] = total
            distances[q, j] = cheapest.astype(np.float64).sum()
    return distances


@pytest.fixture(scope="module")
def digit():
    return digits_as_mnist()[0][0].astype(np.float32)


@pytest.mark.parametrize("window,context", [(0, 0), (1, 0), (2, 1), (3, 2)])
@pytest.mark.parametrize("features", ["pixels", "gradients"])
def test_an_image_is_at_distance_zero_from_itself(digit, window, context, features):
    assert idm(digit, digit, window, context, features) == 0.0


def test_a_one_pixel_shift_is_free_under_the_idm_and_costly_under_euclidean(digit):
    shifted = shift_images(digit[None], 1, -1)[0]
    euclidean = float(((shifted - digit) ** 2).sum())
    assert euclidean > 0
    assert idm(shifted, digit, window=1, context=0) == 0.0  # every pixel finds its match one step away
    assert idm(shifted, digit, window=0, context=0) == pytest.approx(euclidean)


@pytest.mark.parametrize("context", [1, 2])
def test_with_context_a_shift_still_costs_less_than_without_deformation(digit, context):
    shifted = shift_images(digit[None], -1, 0)[0]
    rigid = idm(shifted, digit, window=0, context=context)  # Euclidean over the patches
    assert idm(shifted, digit, window=1, context=context) < 0.05 * rigid


def test_a_different_digit_costs_more_than_a_shifted_one():
    images, labels = digits_as_mnist()
    zero, one = images[np.flatnonzero(labels == 0)[0]], images[np.flatnonzero(labels == 1)[0]]
    shifted_zero = shift_images(zero[None], 1, 1)[0]
    assert idm(shifted_zero, zero, 2, 1) < idm(one, zero, 2, 1)


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(np.uint8, (2, 6, 7), elements=st.integers(0, 255)),
    st.integers(0, 2),
    st.integers(0, 2),
)
def test_the_kernel_computes_the_papers_formula(images, window, context):
    assert idm(images[0], images[1], window, context) == pytest.approx(
        idm_by_definition(images[0], images[1], window, context), rel=1e-5, abs=1e-3
    )


@pytest.mark.parametrize("window,context", [(0, 0), (2, 0), (1, 1), (3, 2), (1, 3)])
@pytest.mark.parametrize("features", ["pixels", "gradients"])
def test_the_kernel_gives_the_bits_of_plain_loops(window, context, features):
    images, _ = digits_as_mnist()
    prepared = (images[:60].astype(np.float32) / 255) ** 0.7  # no exact binary fractions
    margin = window + context + 1
    queries, references = (feature_planes(part, features, margin) for part in (prepared[:8], prepared[8:]))
    pairs = np.random.default_rng(0).integers(0, len(references), (len(queries), 6))
    np.testing.assert_array_equal(
        idm_distances(queries, references, pairs, window, context, margin),
        idm_in_plain_loops(queries, references, pairs, window, context, margin),
    )


def test_each_image_has_its_own_gradients_whatever_stands_beside_it():
    images = digits_as_mnist()[0][:5].astype(np.float32)
    alone = np.concatenate([feature_planes(image[None], "gradients", 2) for image in images])
    np.testing.assert_array_equal(feature_planes(images, "gradients", 2), alone)
    assert np.abs(alone).max() > 0


@pytest.mark.parametrize("features", ["pixels", "gradients"])
def test_the_distance_is_the_same_for_any_chunk_of_queries(features):
    images, labels = digits_as_mnist()
    model = IDMClassifier(n_candidates=8, n_neighbors=3, features=features).fit(images[:500], labels[:500])
    queries = model._prepared(images[500:540].reshape(40, -1))
    _, indices = model.euclidean_candidates(images[500:540])
    whole = model.idm(queries, indices)
    model.set_params(chunk_rows=7)
    np.testing.assert_array_equal(model.idm(queries, indices), whole)


def test_the_classifier_beats_euclidean_knn_on_small_digits():
    images, labels = digits_as_mnist()
    train, test = slice(0, 1200), slice(1200, None)
    knn = KNNClassifier(3).fit(images[train], labels[train]).score(images[test], labels[test])
    model = IDMClassifier(n_candidates=20, n_neighbors=3, window=1, context=1, deskew=False, blur_sigma=0.0)
    assert model.fit(images[train], labels[train]).score(images[test], labels[test]) >= knn


def test_a_saved_model_holds_the_prepared_digits_and_answers_the_same(tmp_path, monkeypatch):
    images, labels = digits_as_mnist()
    model = IDMClassifier(n_candidates=10).fit(images[:400], labels[:400])
    io.save_model(tmp_path / "idm.joblib", model)
    monkeypatch.setattr(IDMClassifier, "_prepared", None)  # loading and answering prepare no training digit
    loaded = io.load_model(tmp_path / "idm.joblib")
    np.testing.assert_array_equal(loaded.references_, model.references_)
    monkeypatch.undo()
    np.testing.assert_array_equal(loaded.predict_proba(images[400:450]), model.predict_proba(images[400:450]))


def test_more_neighbours_than_candidates_is_refused():
    images, labels = digits_as_mnist()
    with pytest.raises(ValueError, match="n_neighbors=5 exceeds n_candidates=3"):
        IDMClassifier(n_neighbors=5, n_candidates=3).fit(images[:50], labels[:50])
