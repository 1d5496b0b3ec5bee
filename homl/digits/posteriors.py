"""What each denoising method makes of a pixel's neighbours: the vote, the mean, and the two noise-aware
posteriors (numba kernels; the bounded one reads its error functions from a table of differences)."""

from __future__ import annotations

import math

import numba
import numpy as np

from homl.digits.images import uniform_noise_moments
from homl.digits.knn import neighbor_weights

TABLE_ENTRIES = 1_000_000  # the most differences the bounded posterior tabulates (uint8 images: 611)


def weighted_mean(neighbor_targets: np.ndarray, distances: np.ndarray, weights: str) -> np.ndarray:
    """KNeighborsRegressor's prediction: the weighted mean of the neighbours' targets (n, k, d) -> (n, d)."""
    w = neighbor_weights(distances, weights)
    return np.einsum("nk,nkd->nd", w, neighbor_targets) / w.sum(axis=1, keepdims=True)


def weighted_vote(neighbor_targets: np.ndarray, distances: np.ndarray, weights: str) -> np.ndarray:
    """A multi-output KNeighborsClassifier's prediction: each output's weighted mode (n, k, d) -> (n, d).

    Ties go to the smallest value, as in scikit-learn.
    """
    w = neighbor_weights(distances, weights)
    same = neighbor_targets[:, :, None, :] == neighbor_targets[:, None, :, :]  # (n, k, k, d)
    support = np.einsum("nj,nijd->nid", w, same)  # the weight behind each neighbour's value
    is_mode = np.isclose(support, support.max(axis=1, keepdims=True), rtol=1e-12, atol=0)
    info = np.iinfo if np.issubdtype(neighbor_targets.dtype, np.integer) else np.finfo
    candidates = np.where(is_mode, neighbor_targets, info(neighbor_targets.dtype).max)
    return candidates.min(axis=1)


def posterior_mean(
    neighbor_targets: np.ndarray,
    distances: np.ndarray,
    weights: str,
    observed: np.ndarray,
    noise_mean: float,
    noise_variance: float,
) -> np.ndarray:
    """Each output's posterior mean when the neighbours' targets are its prior and `observed` its noisy reading.

    With prior mean m and variance v (the neighbours' weighted mean and variance) and additive noise of
    known mean and variance s, the estimate is m + v / (v + s) * (observed - noise_mean - m): where the
    neighbours agree it keeps their value, where they disagree it trusts the pixel it sees.
    """
    w = neighbor_weights(distances, weights)
    w = w / w.sum(axis=1, keepdims=True)
    prior_mean = np.einsum("nk,nkd->nd", w, neighbor_targets)
    prior_variance = np.einsum("nk,nkd->nd", w, (neighbor_targets - prior_mean[:, None, :]) ** 2)
    gain = prior_variance / (prior_variance + noise_variance)
    return prior_mean + gain * (observed - noise_mean - prior_mean)


def bounded_posterior(
    neighbor_targets: np.ndarray,
    distances: np.ndarray,
    weights: str,
    observed: np.ndarray,
    low: int,
    high: int,
    bandwidth: float,
) -> np.ndarray:
    """Each output's posterior mean when the noise is an integer drawn uniformly from [low, high).

    The prior is the neighbours' values, each widened into a Gaussian of standard deviation `bandwidth`;
    the noisy reading confines the clean value to [observed - high + 1, observed - low] (half a unit
    wider each side, as values are integers). The posterior mean is that of the truncated mixture; where
    no neighbour's value is near the allowed interval, the interval's middle (its part above 0).
    """
    n, k, d = np.shape(neighbor_targets)
    return bounded_from_references(
        np.reshape(neighbor_targets, (n * k, d)),
        np.arange(n * k).reshape(n, k),
        neighbor_weights(distances, weights),
        observed,
        low,
        high,
        bandwidth,
    )


def bounded_from_references(references, indices, w, observed, low, high, bandwidth, patch=None) -> np.ndarray:
    """`bounded_posterior` with the neighbours' values read as `references[indices]`. Where every value
    and reading is a whole number, each neighbour's two error-function terms depend only on the reading
    minus its value, so they come from a table of those differences: the same numbers, computed once.

    `patch` = (radius, locality, image shape): each neighbour's weight at each pixel is also
    exp(-(its mean squared difference from the reading less the noise's mean, over the (2 radius + 1)^2
    patch around the pixel, less the first neighbour's) / (locality x the noise's variance)), so that a
    neighbour counts where it looks like the reading and little elsewhere (whole numbers only).
    """
    observed = np.asarray(observed, dtype=np.float64)
    whole = np.issubdtype(references.dtype, np.integer) and np.array_equal(observed, np.rint(observed))
    if whole and references.size and observed.size:
        lowest_value, highest_value = _value_range(references)
        smallest = int(observed.min()) - highest_value
        largest = int(observed.max()) - lowest_value
    tabulated = whole and references.size and observed.size and largest - smallest < TABLE_ENTRIES
    if patch is not None and not tabulated:
        raise ValueError("local weights (a patch) need whole-number images and readings")
    if not tabulated:
        return _bounded_posterior(
            np.asarray(references, dtype=np.float64), indices, w, observed, low, high, bandwidth
        )
    differences = np.arange(smallest, largest + 1, dtype=np.float64)
    mass, shift = _bounded_terms(differences - high + 0.5, differences - low + 0.5, bandwidth)
    if patch is None:
        return _bounded_posterior_by_table(references, indices, w, observed, low, high, mass, shift, smallest)
    radius, locality, (height, width) = patch
    noise_mean, noise_variance = uniform_noise_moments(low, high)
    closeness = np.exp(
        -((differences - noise_mean) ** 2) / ((2 * radius + 1) ** 2 * locality * noise_variance)
    )
    closeness = closeness.astype(np.float32).astype(np.float64)  # the same bits whatever the CPU's exp
    return _bounded_posterior_local(
        references, indices, w, observed, low, high, mass, shift, closeness, smallest, radius, height, width
    )


def _value_range(references: np.ndarray) -> tuple[int, int]:
    """The least and greatest value `references` may hold: their type's range for one or two bytes (a
    table of at most 2^16 + the readings' range entries, without reading every reference), else theirs."""
    if references.dtype.itemsize <= 2:
        info = np.iinfo(references.dtype)
        return int(info.min), int(info.max)
    return int(references.min()), int(references.max())


@numba.njit(cache=True)
def _bounded_term(below_gap, above_gap, bandwidth):
    """A neighbour's mass inside the allowed interval and the shift of its mean, from the gaps between
    its value and the interval's ends: the one formula of both kernels."""
    below, above = below_gap / bandwidth, above_gap / bandwidth
    mass = 0.5 * (math.erfc(-above / math.sqrt(2.0)) - math.erfc(-below / math.sqrt(2.0)))
    density = 1.0 / math.sqrt(2.0 * math.pi)
    shift = bandwidth * density * (math.exp(-0.5 * below * below) - math.exp(-0.5 * above * above))
    return mass, shift


@numba.njit(cache=True)
def _bounded_terms(below_gaps, above_gaps, bandwidth):
    mass, shift = np.empty_like(below_gaps), np.empty_like(below_gaps)
    for i in range(len(below_gaps)):
        mass[i], shift[i] = _bounded_term(below_gaps[i], above_gaps[i], bandwidth)
    return mass, shift


@numba.njit(parallel=True, cache=True)
def _bounded_posterior(references, indices, w, observed, low, high, bandwidth):
    n, k = indices.shape
    d = observed.shape[1]
    estimate = np.empty((n, d))
    for i in numba.prange(n):
        for j in range(d):
            lowest, highest = observed[i, j] - high + 0.5, observed[i, j] - low + 0.5
            total = 0.0
            mean = 0.0
            for t in range(k):
                value = references[indices[i, t], j]
                mass, shift = _bounded_term(lowest - value, highest - value, bandwidth)
                total += w[i, t] * mass
                mean += w[i, t] * (value * mass + shift)
            estimate[i, j] = _bounded_estimate(total, mean, lowest, highest)
    return estimate


@numba.njit(parallel=True, cache=True)
def _bounded_posterior_by_table(references, indices, w, observed, low, high, mass, shift, smallest):
    n, k = indices.shape
    d = observed.shape[1]
    estimate = np.empty((n, d))
    for i in numba.prange(n):
        totals = np.zeros(d)
        means = np.zeros(d)
        reading = observed[i].astype(np.int64) - smallest
        weights = np.empty(d)
        for t in range(k):
            weights[:] = w[i, t]
            _add_neighbour(totals, means, weights, reading, references[indices[i, t]], mass, shift)
        _estimates(estimate[i], totals, means, observed[i], low, high)
    return estimate


@numba.njit(parallel=True, cache=True)
def _bounded_posterior_local(
    references, indices, w, observed, low, high, mass, shift, closeness, smallest, radius, height, width
):
    """`_bounded_posterior_by_table` with each neighbour's weight at each pixel multiplied by the product
    of `closeness` over the patch around it (one factor a pixel, 1 beyond the image), relative to the
    first neighbour's: a product of table entries in place of one exp of a sum a neighbour and pixel."""
    n, k = indices.shape
    d = height * width
    estimate = np.empty((n, d))
    side, padded_width = 2 * radius + 1, width + 2 * radius
    rows_run = (height + 2 * radius) * padded_width - 2 * radius
    columns_run = (height - 1) * padded_width + width
    for i in numba.prange(n):
        reading = observed[i].astype(np.int64) - smallest
        padded = np.ones((height + 2 * radius) * padded_width)
        across, column = np.empty(rows_run), np.empty(columns_run)  # at (y, x): [y * padded_width + x]
        local, first = np.empty(d), np.empty(d)
        totals, means = np.zeros(d), np.zeros(d)
        for t in range(k):
            row, weight_t = references[indices[i, t]], w[i, t]
            for y in range(height):
                for x in range(width):
                    e = reading[y * width + x] - np.int64(row[y * width + x])
                    padded[(y + radius) * padded_width + x + radius] = closeness[e]
            # Products along rows, then columns, each over the padded image as one flat run that vectorizes
            # (the runs' wrapped ends are never read).
            for m in range(rows_run):
                across[m] = padded[m]
            for dx in range(1, side):
                for m in range(rows_run):
                    across[m] *= padded[m + dx]
            for m in range(columns_run):
                column[m] = across[m]
            for dy in range(1, side):
                for m in range(columns_run):
                    column[m] *= across[m + dy * padded_width]
            for y in range(height):
                for x in range(width):
                    local[y * width + x] = column[y * padded_width + x]
            if t == 0:
                for j in range(d):
                    first[j] = 1.0 / local[j]
            for j in range(d):
                local[j] = weight_t * local[j] * first[j]
            _add_neighbour(totals, means, local, reading, row, mass, shift)
        _estimates(estimate[i], totals, means, observed[i], low, high)
    return estimate


@numba.njit(inline="always")
def _add_neighbour(totals, means, weights, reading, row, mass, shift):
    """Add one neighbour (its values `row`, its weight at each pixel) to the per-pixel sums of both
    table kernels; `reading` is each pixel's reading less the table's smallest difference."""
    for j in range(len(totals)):
        e = reading[j] - np.int64(row[j])
        totals[j] += weights[j] * mass[e]
        means[j] += weights[j] * (np.float64(row[j]) * mass[e] + shift[e])


@numba.njit(inline="always")
def _estimates(estimate, totals, means, observed, low, high):
    for j in range(len(totals)):
        estimate[j] = _bounded_estimate(
            totals[j], means[j], observed[j] - high + 0.5, observed[j] - low + 0.5
        )


@numba.njit(cache=True)
def _bounded_estimate(total, mean, lowest, highest):
    if total > 1e-12:
        return mean / total
    return (max(lowest, 0.0) + max(highest, 0.0)) / 2
