import itertools
import pickle

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from homl.core import io, selection
from homl.digits import exact_distances, flat_space, neighbors
from homl.digits.denoise import KNNDenoiser
from homl.digits.images import add_noise, shift_images
from homl.digits.knn import KNNClassifier, search_knn
from homl.digits.neighbors import LowerBoundSpace, kneighbors, squared_norms


def test_chunked_search_matches_scikit_learn_exactly():
    rng = np.random.default_rng(0)
    refs, queries = rng.normal(size=(300, 20)), rng.normal(size=(57, 20))
    expected_d, expected_i = NearestNeighbors(n_neighbors=7, algorithm="brute").fit(refs).kneighbors(queries)
    for few_queries in (0, 100):  # with the bounds, and by brute force
        distances, indices = kneighbors(queries, refs, 7, chunk_rows=10, few_queries=few_queries)
        np.testing.assert_array_equal(indices, expected_i)
        np.testing.assert_allclose(distances, expected_d, rtol=1e-12)


def test_many_neighbours_are_found_exactly_without_building_the_bounds():
    rng = np.random.default_rng(3)
    refs, queries = rng.normal(size=(400, 12)), rng.normal(size=(90, 12))
    k = neighbors.BOUNDS_MAX_K + 1
    expected_d, expected_i = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(refs).kneighbors(queries)
    kept = {}
    distances, indices = kneighbors(queries, refs, k, few_queries=0, kept_bounds=kept)
    assert kept == {}
    np.testing.assert_array_equal(indices, expected_i)
    np.testing.assert_allclose(distances, expected_d, rtol=1e-12)
    kneighbors(queries, refs, k - 1, few_queries=0, kept_bounds=kept)
    assert len(kept) == 1  # one neighbour fewer: the bounds are built


def test_ties_go_to_the_lower_index():
    refs = np.array([[1.0], [-1.0], [1.0], [3.0]])
    _, indices = kneighbors(np.zeros((1, 1)), refs, 3)
    assert indices.tolist() == [[0, 1, 2]]


def test_uint8_images_are_searched_exactly():
    rng = np.random.default_rng(1)
    refs = rng.integers(0, 256, (200, 28, 28), dtype=np.uint8)
    queries = rng.integers(0, 256, (20, 28, 28), dtype=np.uint8)
    _, expected = (
        NearestNeighbors(n_neighbors=4)
        .fit(refs.reshape(200, -1).astype(float))
        .kneighbors(queries.reshape(20, -1).astype(float))
    )
    np.testing.assert_array_equal(kneighbors(queries, refs, 4)[1], expected)


def test_shared_search_scores_equal_grid_search_cv_for_every_candidate():
    X, y = load_digits(return_X_y=True)  # integer pixels: many distance ties
    X, y = X[:600], y[:600]
    grid = {"n_neighbors": list(range(1, 8)), "weights": ["uniform", "distance"]}
    folds = StratifiedKFold(n_splits=4, shuffle=True, random_state=3)
    reference = GridSearchCV(KNeighborsClassifier(algorithm="brute"), grid, cv=folds).fit(X, y)
    table = search_knn(X, y, grid["n_neighbors"], grid["weights"], folds=4, seed=3)
    np.testing.assert_allclose(
        table["mean_accuracy"], reference.cv_results_["mean_test_score"], rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        table["std_accuracy"], reference.cv_results_["std_test_score"], rtol=0, atol=1e-12
    )
    best = selection.choice(table, "accuracy")["hyperparameters"]
    assert (best["n_neighbors"], best["weights"]) == (
        reference.best_params_["n_neighbors"],
        reference.best_params_["weights"],
    )


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_classifier_matches_kneighbors_classifier(weights, tmp_path):
    X, y = load_digits(return_X_y=True)
    ours = KNNClassifier(4, weights).fit(X[:1200], y[:1200])
    theirs = KNeighborsClassifier(4, weights=weights, algorithm="brute").fit(X[:1200], y[:1200])
    np.testing.assert_array_equal(ours.predict(X[1200:]), theirs.predict(X[1200:]))
    np.testing.assert_allclose(ours.predict_proba(X[1200:]), theirs.predict_proba(X[1200:]), atol=1e-12)
    io.save_model(tmp_path / "knn.joblib", ours)
    loaded = io.load_model(tmp_path / "knn.joblib")
    assert (loaded.n_neighbors, loaded.weights) == (4, weights)
    np.testing.assert_array_equal(loaded.predict(X[1200:]), theirs.predict(X[1200:]))


def test_a_query_identical_to_a_reference_takes_its_label_with_distance_weights():
    X = np.array([[0.0], [1.0], [1.1], [1.2]])
    model = KNNClassifier(3, "distance").fit(X, np.array([0, 1, 1, 1]))
    assert model.predict(np.array([[0.0]])).tolist() == [0]


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="The 'weights' parameter of KNNClassifier must be a str among"):
        KNNClassifier(3, "gaussian").fit(np.zeros((4, 2)), np.arange(4))
    with pytest.raises(ValueError, match="n_neighbors=9 exceeds the 4 training rows"):
        KNNClassifier(9).fit(np.zeros((4, 2)), np.arange(4)).predict(np.zeros((1, 2)))


def test_a_ragged_last_block_never_duplicates_a_neighbour():
    rng = np.random.default_rng(2)
    refs = rng.normal(size=(64 * 5 + 3, 4))  # blocks of 64 and a tail of 3
    refs[-1] = 0.0  # the last reference is every query's nearest
    queries = rng.normal(scale=1e-3, size=(30, 4))
    _, indices = kneighbors(queries, refs, 3)
    assert (indices[:, 0] == len(refs) - 1).all()
    assert all(len(set(row)) == 3 for row in indices)
    _, expected = NearestNeighbors(n_neighbors=3).fit(refs).kneighbors(queries)
    np.testing.assert_array_equal(indices, expected)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_denoisers_match_scikit_learn_multi_output_models(weights):
    from sklearn.neighbors import KNeighborsRegressor

    rng = np.random.default_rng(4)
    clean = rng.integers(0, 4, (300, 12))  # few values: many per-pixel vote ties
    noisy = clean + rng.normal(0, 1, clean.shape)  # continuous: no ties between neighbour distances
    queries = rng.normal(2, 1.5, (40, 12))
    vote = KNNDenoiser(4, weights, "vote", chunk_rows=7).fit(noisy, clean).predict(queries)
    expected = KNeighborsClassifier(4, weights=weights, algorithm="brute").fit(noisy, clean).predict(queries)
    np.testing.assert_array_equal(vote, expected)
    mean = KNNDenoiser(4, weights, "mean", output_dtype=clean.dtype.name).fit(noisy, clean).predict(queries)
    expected = KNeighborsRegressor(4, weights=weights, algorithm="brute").fit(noisy, clean).predict(queries)
    np.testing.assert_array_equal(mean, np.clip(np.rint(expected), 0, None))


def test_the_posterior_keeps_agreed_pixels_and_trusts_the_reading_where_neighbours_disagree():
    from homl.digits.posteriors import posterior_mean

    targets = np.array([[[10.0, 0.0], [10.0, 100.0]]])  # two neighbours: agree on pixel 0, not on pixel 1
    observed = np.array([[90.0, 80.0]])
    estimate = posterior_mean(
        targets, np.ones((1, 2)), "uniform", observed, noise_mean=20, noise_variance=2500
    )
    np.testing.assert_allclose(estimate, [[10.0, 50 + 2500 / 5000 * (80 - 20 - 50)]])


def test_the_posterior_cleans_better_than_the_neighbours_mean():
    from homl.digits.images import add_noise, mse

    rng = np.random.default_rng(0)
    prototypes = rng.integers(0, 256, (5, 40)).astype(np.uint8)
    clean = np.clip(prototypes[rng.integers(0, 5, 600)] + rng.normal(0, 20, (600, 40)), 0, 255).astype(
        np.uint8
    )
    noisy = add_noise(clean, 0, 100, rng)
    train, test = slice(0, 500), slice(500, None)
    errors = {
        method: mse(
            KNNDenoiser(10, "uniform", method, None if method == "mean" else (0, 100))
            .fit(noisy[train], clean[train])
            .predict(noisy[test]),
            clean[test],
        )
        for method in ("mean", "posterior", "bounded")
    }
    assert errors["bounded"] < errors["posterior"] < 0.8 * errors["mean"]


def test_the_bounded_posterior_keeps_the_clean_value_inside_what_the_reading_allows():
    from homl.digits.posteriors import bounded_posterior

    targets = np.array([[[0.0, 200.0, 0.0], [0.0, 200.0, 0.0]]])  # two neighbours, agreeing
    observed = np.array([[30.0, 50.0, 250.0]])  # noise from [0, 100): clean in [obs - 99, obs]
    estimate = bounded_posterior(targets, np.ones((1, 2)), "uniform", observed, 0, 100, bandwidth=2.0)[0]
    assert estimate[0] == pytest.approx(0.0, abs=1e-6)  # agreed and allowed: kept
    assert -49.5 <= estimate[1] <= 50.5  # 200 is impossible under a reading of 50
    assert 150.5 <= estimate[2] <= 250.5  # 0 is impossible: the allowed range's middle


@pytest.mark.parametrize("bandwidth", [0.5, 2.0, 7.3])
def test_the_bounded_posteriors_table_gives_the_bits_of_its_formula(bandwidth):
    from homl.digits.posteriors import _bounded_posterior, bounded_from_references

    rng = np.random.default_rng(2)
    clean = rng.integers(0, 256, (300, 40)).astype(np.uint8)
    observed = (clean[:25].astype(np.int64) + rng.integers(0, 100, (25, 40))).astype(np.float64)
    indices, weights = rng.integers(0, 300, (25, 12)), rng.random((25, 12))
    by_formula = _bounded_posterior(clean.astype(np.float64), indices, weights, observed, 0, 100, bandwidth)
    by_table = bounded_from_references(clean, indices, weights, observed, 0, 100, bandwidth)
    np.testing.assert_array_equal(by_table, by_formula)


@pytest.mark.parametrize("radius", [1, 2])
def test_local_weights_are_the_patch_formula(radius):
    from scipy import ndimage

    from homl.digits.posteriors import _bounded_estimate, _bounded_term, bounded_from_references

    rng = np.random.default_rng(4)
    clean = rng.integers(0, 256, (60, 6, 5)).astype(np.uint8)
    observed = (clean[:4].astype(np.int64) + rng.integers(0, 100, (4, 6, 5))).reshape(4, 30).astype(float)
    indices, weights = rng.integers(0, 60, (4, 7)), rng.random((4, 7))
    ours = bounded_from_references(
        clean.reshape(60, 30), indices, weights, observed, 0, 100, 2.0, patch=(radius, 0.8, (6, 5))
    )
    neighbours = clean.reshape(60, 30)[indices].astype(float)  # (4, 7, 30)
    squared = ((observed[:, None] - 49.5 - neighbours) ** 2).reshape(4, 7, 6, 5)
    side = 2 * radius + 1
    local = ndimage.uniform_filter(squared, (1, 1, side, side), mode="constant").reshape(4, 7, 30)
    local_weights = weights[:, :, None] * np.exp(-(local - local[:, :1]) / (0.8 * 833.25))
    for i, j in np.ndindex(4, 30):
        lowest, highest = observed[i, j] - 99.5, observed[i, j] + 0.5
        terms = [_bounded_term(lowest - v, highest - v, 2.0) for v in neighbours[i, :, j]]
        total = sum(w * mass for w, (mass, _) in zip(local_weights[i, :, j], terms, strict=True))
        mean = sum(
            w * (v * mass + shift)
            for w, v, (mass, shift) in zip(local_weights[i, :, j], neighbours[i, :, j], terms, strict=True)
        )
        expected = _bounded_estimate(total, mean, lowest, highest)
        assert ours[i, j] == pytest.approx(expected, rel=1e-6)  # the factors are rounded to float32


@pytest.mark.parametrize("patch", [None, (1, 0.8, (6, 5))])
@pytest.mark.parametrize("readings", ["whole", "fractional"])
def test_one_pass_for_several_counts_and_bandwidths_gives_the_bits_of_each_setting(patch, readings):
    from homl.digits.posteriors import bounded_from_references, bounded_grid

    if patch and readings == "fractional":
        pytest.skip("local weights need whole-number readings")
    rng = np.random.default_rng(9)
    clean = rng.integers(0, 256, (60, 30)).astype(np.uint8)
    observed = (clean[:5].astype(np.int64) + rng.integers(0, 100, (5, 30))).astype(float)
    observed += 0.25 if readings == "fractional" else 0
    indices, weights = rng.integers(0, 60, (5, 9)), rng.random((5, 9))
    counts, bandwidths = [2, 5, 9], [0.5, 2.0, 4.0]
    grid = bounded_grid(clean, indices, weights, observed, 0, 100, bandwidths, counts, patch)
    assert grid.shape == (3, 3, 5, 30)
    for (c, count), (b, bandwidth) in itertools.product(enumerate(counts), enumerate(bandwidths)):
        one = bounded_from_references(
            clean, indices[:, :count], weights[:, :count], observed, 0, 100, bandwidth, patch
        )
        np.testing.assert_array_equal(grid[c, b], one)
    for wrong in ([5, 2], [0, 3], [10], []):
        with pytest.raises(ValueError, match="counts"):
            bounded_grid(clean, indices, weights, observed, 0, 100, bandwidths, wrong, patch)


def test_each_neighbour_counts_where_it_looks_like_the_reading():
    left, right = np.zeros((4, 4), np.uint8), np.zeros((4, 4), np.uint8)
    left[:, :2], right[:, 2:] = 40, 40  # the truth has both strokes, each neighbour one; within the noise
    truth = np.maximum(left, right)
    reading = truth.astype(np.int64) + 50  # the noise's mean everywhere
    whole = KNNDenoiser(2, method="bounded", noise=(0, 100), bandwidth=2.0)
    local = KNNDenoiser(2, method="bounded", noise=(0, 100), bandwidth=2.0, patch_radius=1, locality=0.1)
    for model in (whole, local):
        model.fit(np.stack([left, right]) + 50, np.stack([left, right]))
    error = {
        name: np.abs(m.predict(reading[None])[0] - truth).mean()
        for name, m in [("whole", whole), ("local", local)]
    }
    assert error["local"] < 0.25 * error["whole"]


def test_local_weights_need_images():
    with pytest.raises(ValueError, match="patch_radius needs image targets"):
        KNNDenoiser(2, method="bounded", noise=(0, 100), patch_radius=1).fit(
            np.zeros((3, 5)), np.zeros((3, 5))
        )


def test_knowing_the_noise_the_neighbours_are_searched_among_the_clean_images_plus_its_mean():
    rng = np.random.default_rng(1)
    clean = rng.integers(0, 256, (200, 5, 5)).astype(np.uint8)
    noisy = add_noise(clean, 0, 100, rng)
    model = KNNDenoiser(3, noise=(0, 100)).fit(noisy, clean)
    distances, indices = model.kneighbors(noisy[:20])
    expected = kneighbors(noisy[:20].reshape(20, -1).astype(np.float64), clean.reshape(200, -1) + 49.5, 3)
    np.testing.assert_array_equal(indices, expected[1])
    shifted = KNNDenoiser(3, noise=(0, 100), shifted_copies=True).fit(noisy, clean)
    assert len(shifted.targets_) == 5 * len(clean)
    np.testing.assert_array_equal(
        shifted.targets_[200:400], shift_images(clean, -1, 0).reshape(200, -1)
    )  # "up" first
    restored = pickle.loads(pickle.dumps(shifted))
    np.testing.assert_array_equal(restored.targets_, shifted.targets_)


def exact_by_definition(queries, references, k):
    """The float64 squared-distance formula for every pair, ordered by (distance, index)."""
    q, r = queries.astype(np.float64), references.astype(np.float64)
    squared = np.maximum((r * r).sum(1) - 2 * q @ r.T + (q * q).sum(1)[:, None], 0)
    order = np.lexsort((np.broadcast_to(np.arange(len(r)), squared.shape), squared), axis=1)[:, :k]
    return np.sqrt(np.take_along_axis(squared, order, axis=1)), order


def tie_heavy_data():
    """Binary rows of a low-rank pattern plus flips: many equal distances, duplicate references, and
    queries that are references."""
    rng = np.random.default_rng(7)
    patterns = rng.integers(0, 2, (6, 120))
    references = patterns[rng.integers(0, 6, 700)] ^ (rng.random((700, 120)) < 0.05)
    references[350:400] = references[:50]  # duplicates
    queries = np.vstack([references[:30], patterns, rng.integers(0, 2, (40, 120))])
    return queries.astype(np.uint8), references.astype(np.uint8)


def test_a_few_queries_by_brute_force_are_exact_with_ties_duplicates_and_queries_equal_to_references(
    integer_kernel,
):
    queries, references = tie_heavy_data()
    expected_d, expected_i = exact_by_definition(queries, references, 9)
    distances, indices = kneighbors(queries, references, 9, few_queries=len(queries) + 1)
    np.testing.assert_array_equal(indices, expected_i)
    np.testing.assert_array_equal(distances, expected_d)


def rim_data():
    """12 x 12 images zero on a two-pixel rim but for two references in 2,000 (at RARE_COLUMN_SHARE), and
    noisy queries over every pixel, two of them equal to those two."""
    rng = np.random.default_rng(11)
    references = np.zeros((2000, 12, 12), dtype=np.uint8)
    references[:, 2:-2, 2:-2] = rng.integers(0, 4, (2000, 8, 8)) * (rng.random((2000, 8, 8)) < 0.5)
    references[::1000, 0, :] = rng.integers(1, 4, (2, 12))
    queries = references[rng.integers(0, 2000, 100)] + rng.integers(0, 3, (100, 12, 12)).astype(np.uint8)
    queries[:2] = references[::1000]
    return queries.reshape(100, -1), references.reshape(2000, -1)


def test_references_zero_on_the_rim_are_compared_on_the_other_columns_exactly(monkeypatch, integer_kernel):
    monkeypatch.setattr(flat_space, "SPLIT_MIN_QUERIES", 0)
    monkeypatch.setattr(flat_space, "CONVERT_ROWS", 300)  # the common columns gathered in 7 blocks
    queries, references = rim_data()
    flat = flat_space.FlatSpace(references, squared_norms(references))
    assert [part.values.shape for part in flat.parts()] == [(1998, 8 * 8), (2, 12 * 12)]
    plain = flat.parts()[0]
    np.testing.assert_array_equal(plain.values, references[plain.rows][:, plain.columns])
    approx, nearest = flat.search(queries.astype(np.float32), 20)
    exact = ((queries[:, None].astype(np.float64) - references[nearest]) ** 2).sum(axis=2)
    assert (np.abs(approx - exact) <= flat.rounding(squared_norms(queries))[:, None]).all()
    expected_d, expected_i = exact_by_definition(queries, references, 7)
    distances, indices = kneighbors(queries, references, 7, bounds=False, few_queries=0)
    np.testing.assert_array_equal(indices, expected_i)
    np.testing.assert_array_equal(distances, expected_d)
    assert (indices[:2, 0] == [0, 1000]).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
def test_brute_force_searches_every_block_of_references_whatever_their_type(dtype, monkeypatch):
    monkeypatch.setattr(flat_space, "FAISS_CONVERT_ROWS", 100)
    monkeypatch.setattr(flat_space, "CONVERT_ROWS", 100)
    references = np.random.default_rng(3).integers(0, 200, (300, 16)).astype(dtype)
    queries = references[::3]
    expected_d, expected_i = exact_by_definition(queries, references, 1)
    for few_queries in (0, len(queries) + 1):  # faiss's blocks, then numpy's
        monkeypatch.setattr(flat_space, "FEW_QUERIES", few_queries)
        distances, indices = kneighbors(queries, references, 1, bounds=False)
        np.testing.assert_array_equal(indices, expected_i)
        np.testing.assert_array_equal(distances, expected_d)


@pytest.fixture(params=["numpy", "integer-kernel", "byte-kernel"])
def integer_kernel(request, monkeypatch):
    """Every way of computing exact distances: numpy's float64 products, and (for whole numbers, in large
    batches) numba's sums of squared differences, or of dot products for bytes."""
    if request.param != "numpy":
        monkeypatch.setattr(neighbors, "KERNEL_PAIRS", 0)
    if request.param != "byte-kernel":
        monkeypatch.setattr(exact_distances, "byte_dots_fit", lambda *args: False)
    return request.param


@pytest.mark.parametrize("subspace_dims", [1, 3, 16, 48, 500, None])
def test_the_pruned_search_is_exact_with_ties_duplicates_and_queries_equal_to_references(
    subspace_dims, integer_kernel
):
    queries, references = tie_heavy_data()
    expected_d, expected_i = exact_by_definition(queries, references, 9)
    distances, indices = kneighbors(
        queries, references, 9, chunk_rows=8, subspace_dims=subspace_dims, few_queries=0
    )
    np.testing.assert_array_equal(indices, expected_i)
    np.testing.assert_array_equal(distances, expected_d)
    assert (distances[:30, 0] == 0).all()


def test_the_pruned_search_is_exact_on_real_digits():
    X = load_digits().data  # 64 dimensions, integer pixels
    expected_d, expected_i = exact_by_definition(X[:300], X[300:], 10)
    distances, indices = kneighbors(X[:300], X[300:], 10, subspace_dims=8)
    np.testing.assert_array_equal(indices, expected_i)
    np.testing.assert_allclose(distances, expected_d, rtol=1e-12)


def test_more_equal_references_than_candidates_still_give_the_lowest_indices():
    rng = np.random.default_rng(11)
    references = rng.integers(0, 8, (1500, 50)).astype(np.float64)
    copies = np.sort(rng.choice(1500, 400, replace=False))  # more copies than the first candidates
    references[copies] = references[copies[0]]
    queries = np.vstack([references[copies[0]], references[copies[0]] + 0.5])
    for subspace_dims in (2, 10, 50):
        distances, indices = kneighbors(queries, references, 5, subspace_dims=subspace_dims, few_queries=0)
        expected_d, expected_i = exact_by_definition(queries, references, 5)
        np.testing.assert_array_equal(indices, expected_i)
        np.testing.assert_array_equal(distances, expected_d)
    assert indices[0].tolist() == copies[:5].tolist()


@pytest.mark.parametrize("within_rows", [1, 3, neighbors.WITHIN_ROWS])
def test_bounds_that_float32_cannot_resolve_fall_back_to_exact_distances(within_rows, monkeypatch):
    # Two clusters far from the origin: float32 bounds of neighbours within a cluster are all rounding.
    monkeypatch.setattr(neighbors, "WITHIN_ROWS", within_rows)  # the unsure queries in groups of any size
    rng = np.random.default_rng(12)
    offsets = np.where(rng.random((800, 1)) < 0.5, 3e4, -3e4)
    references = offsets + rng.integers(0, 3, (800, 30))
    queries = np.vstack([references[:20] + rng.integers(0, 2, (20, 30)), references[20:30]])
    distances, indices = kneighbors(queries, references, 6, subspace_dims=4, few_queries=0)
    expected_d, expected_i = exact_by_definition(queries, references, 6)
    np.testing.assert_array_equal(indices, expected_i)
    np.testing.assert_array_equal(distances, expected_d)


def test_the_denoisers_kneighbors_answers_as_scikit_learns_does():
    from sklearn.neighbors import KNeighborsRegressor

    rng = np.random.default_rng(5)
    clean = rng.integers(0, 4, (200, 12))
    noisy = clean + rng.normal(0, 1, clean.shape)
    queries = rng.normal(2, 1.5, (30, 12))
    ours = KNNDenoiser(4).fit(noisy, clean)
    theirs = KNeighborsRegressor(4, algorithm="brute").fit(noisy, clean)
    distances, indices = ours.kneighbors(queries)
    expected_distances, expected_indices = theirs.kneighbors(queries)
    np.testing.assert_array_equal(indices, expected_indices)
    np.testing.assert_allclose(distances, expected_distances, rtol=1e-12)
    np.testing.assert_array_equal(
        ours.kneighbors(queries, n_neighbors=6, return_distance=False),
        theirs.kneighbors(queries, n_neighbors=6, return_distance=False),
    )
    np.testing.assert_array_equal(ours.predict_from(queries, (distances, indices)), ours.predict(queries))


def test_smooth_images_are_bounded_in_fewer_dimensions_with_fewer_candidates():
    X = load_digits().data.repeat(4, axis=1)  # 256 columns, 64 of them distinct: little variance past 64
    rng = np.random.default_rng(3)
    rough = rng.normal(size=(2000, 256))  # as much variance in every direction
    smooth, noisy = LowerBoundSpace(X), LowerBoundSpace(rough)
    assert (smooth.dims, noisy.dims) == (64, 128)
    assert smooth.left_out < 0.03 < noisy.left_out
    assert smooth.rerank_margin() < noisy.rerank_margin()


@pytest.mark.parametrize("largest", [255, 300, 32767])
def test_byte_dot_products_give_the_exact_squared_distances_up_to_their_widest_rows(largest):
    rng = np.random.default_rng(5)
    widest = exact_distances.INT32_MAX // (255 * largest)
    assert exact_distances.byte_dots_fit(widest, largest)
    assert not exact_distances.byte_dots_fit(widest + 1, largest)
    assert not exact_distances.byte_dots_fit(1, 32768)
    for width in (1, min(784, widest), widest):
        references = rng.integers(0, 256, (40, width), dtype=np.uint8)
        references[0], references[1] = 255, 0
        queries = rng.integers(-largest, largest + 1, (7, width), dtype=np.int16)
        queries[0], queries[1] = largest, -largest
        columns = rng.integers(0, 40, (7, 12))
        columns[:, :2] = [0, 1]
        expected = exact_distances.squared_distances(references, columns, queries.astype(np.int64))
        found = exact_distances.byte_squared_distances(
            references, columns, queries, squared_norms(references), squared_norms(queries)
        )
        np.testing.assert_array_equal(found, expected)


def test_byte_images_in_large_batches_go_to_the_byte_kernel_and_others_do_not(monkeypatch):
    monkeypatch.setattr(neighbors, "KERNEL_PAIRS", 0)
    calls = []
    byte_kernel = exact_distances.byte_squared_distances
    monkeypatch.setattr(
        exact_distances, "byte_squared_distances", lambda *args: calls.append(1) or byte_kernel(*args)
    )
    queries, references = tie_heavy_data()
    kneighbors(queries, references, 3, few_queries=0)
    assert calls
    calls.clear()
    kneighbors(queries.astype(np.int64) + 40_000, references, 3, few_queries=0)  # past 16 bits
    kneighbors(queries, references.astype(np.uint16), 3, few_queries=0)
    assert not calls


def test_large_whole_numbers_are_not_summed_in_integers_that_could_overflow(monkeypatch):
    monkeypatch.setattr(neighbors, "KERNEL_PAIRS", 0)
    rng = np.random.default_rng(4)
    references = rng.integers(-(2**40), 2**40, (300, 50))  # int64: squared differences past 2^63
    queries = rng.integers(-(2**30), 2**30, (80, 50))  # small enough to pass as whole numbers
    expected_d, expected_i = NearestNeighbors(n_neighbors=3).fit(references.astype(float)).kneighbors(queries)
    distances, indices = kneighbors(queries, references, 3, few_queries=0)
    np.testing.assert_array_equal(indices, expected_i)
    np.testing.assert_allclose(distances, expected_d, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.uint8])
@pytest.mark.parametrize("width", [3, 8, 21])
def test_the_float_kernel_gives_the_bits_of_its_one_summation_order(dtype, width):
    """Products added into LANES partial sums in turn, the ragged end into the first ones, the sums then
    halved pairwise: the same bits as this numpy formula, so no CPU's fused multiply-add or reordering."""
    rng = np.random.default_rng(6)
    references = (rng.random((200, width)) * 255).astype(dtype)
    queries = rng.normal(100, 60, (30, width))
    columns = rng.integers(0, 200, (30, 9))
    reference_norms, query_norms = squared_norms(references), squared_norms(queries)
    products = queries[:, None, :] * references[columns].astype(np.float64)
    lanes, whole = exact_distances.LANES, width - width % exact_distances.LANES
    partial = np.zeros((*columns.shape, lanes))
    for start in range(0, whole, lanes):
        partial += products[..., start : start + lanes]
    partial[..., : width - whole] += products[..., whole:]
    while partial.shape[-1] > 1:
        partial = partial[..., : partial.shape[-1] // 2] + partial[..., partial.shape[-1] // 2 :]
    expected = np.maximum(reference_norms[columns] - 2 * partial[..., 0] + query_norms[:, None], 0)
    found = exact_distances.float_squared_distances(
        references, columns, queries, reference_norms, query_norms
    )
    np.testing.assert_array_equal(found, expected)
    by_definition = ((queries[:, None] - references[columns].astype(np.float64)) ** 2).sum(axis=2)
    np.testing.assert_allclose(found, by_definition, rtol=1e-12)


def test_float_rows_in_large_batches_go_to_the_float_kernel_and_match_scikit_learn(monkeypatch):
    rng = np.random.default_rng(8)
    references, queries = rng.normal(size=(500, 30)).astype(np.float32), rng.normal(size=(120, 30))
    expected_d, expected_i = NearestNeighbors(n_neighbors=5).fit(references).kneighbors(queries)
    calls = []
    float_kernel = exact_distances.float_squared_distances
    monkeypatch.setattr(
        exact_distances, "float_squared_distances", lambda *args: calls.append(1) or float_kernel(*args)
    )
    for pairs in (0, neighbors.KERNEL_PAIRS):  # the kernel, then numpy (these batches are small)
        monkeypatch.setattr(neighbors, "KERNEL_PAIRS", pairs)
        for bounds in (True, False):
            distances, indices = kneighbors(queries, references, 5, few_queries=0, bounds=bounds)
            np.testing.assert_array_equal(indices, expected_i)
            np.testing.assert_allclose(distances, expected_d, rtol=1e-6)  # scikit-learn's float32
        assert bool(calls) == (pairs == 0)
        calls.clear()


def test_a_knn_model_keeps_its_bounds_between_searches_and_never_saves_them(monkeypatch, tmp_path):
    X, y = load_digits(return_X_y=True)
    built = []
    init = LowerBoundSpace.__init__
    monkeypatch.setattr(
        LowerBoundSpace, "__init__", lambda space, *a, **k: built.append(init(space, *a, **k))
    )
    model = KNNClassifier(3).fit(X[:1500], y[:1500])
    first, second = model.predict(X[1500:]), model.predict(X[1500:][::-1])
    assert len(built) == 1
    np.testing.assert_array_equal(first, second[::-1])
    assert "_bounds" in vars(model) and "_bounds" not in model.__getstate__()
    io.save_model(tmp_path / "knn.joblib", model)
    loaded = io.load_model(tmp_path / "knn.joblib")
    assert "_bounds" not in vars(loaded)
    np.testing.assert_array_equal(loaded.predict(X[1500:]), first)
    assert len(built) == 2 and model.fit(X[:1000], y[:1000])._bounds == {}
