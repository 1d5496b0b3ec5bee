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
    grid = bounded_grid(references, indices, w, observed, low, high, [bandwidth], [indices.shape[1]], patch)
    return grid[0, 0]


def bounded_grid(references, indices, w, observed, low, high, bandwidths, counts, patch=None) -> np.ndarray:
    """`bounded_from_references` for every bandwidth and every count of nearest neighbours (the first
    `count` columns of `indices` and `w`) at once: (counts, bandwidths, queries, outputs). With tables,
    one pass over the neighbours serves them all (the sums for fewer neighbours are the first ones made,
    the patch weights are the same for every bandwidth), with the bits of one setting at a time."""
    observed = np.asarray(observed, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.int64)
    if not (
        len(counts) and counts[0] >= 1 and np.all(np.diff(counts) > 0) and counts[-1] <= indices.shape[1]
    ):
        raise ValueError(
            f"counts {counts.tolist()} must rise from 1 to at most {indices.shape[1]} neighbours"
        )
    whole = np.issubdtype(references.dtype, np.integer) and np.array_equal(observed, np.rint(observed))
    if whole and references.size and observed.size:
        lowest_value, highest_value = _value_range(references)
        smallest = int(observed.min()) - highest_value
        largest = int(observed.max()) - lowest_value
    tabulated = whole and references.size and observed.size and largest - smallest < TABLE_ENTRIES
    if patch is not None and not tabulated:
        raise ValueError("local weights (a patch) need whole-number images and readings")
    if not tabulated:
        values = np.asarray(references, dtype=np.float64)
        return np.array(
            [
                [
                    _bounded_posterior(values, indices[:, :k], w[:, :k], observed, low, high, b)
                    for b in bandwidths
                ]
                for k in counts
            ]
        ).reshape(len(counts), len(bandwidths), *observed.shape)
    differences = np.arange(smallest, largest + 1, dtype=np.float64)
    tables = [_bounded_terms(differences - high + 0.5, differences - low + 0.5, b) for b in bandwidths]
    mass, shift = np.array([m for m, _ in tables]), np.array([s for _, s in tables])
    if patch is None:
        return _bounded_posterior_by_table(
            references, indices, w, observed, low, high, mass, shift, smallest, counts
        )
    radius, locality, (height, width) = patch
    noise_mean, noise_variance = uniform_noise_moments(low, high)
    closeness = np.exp(
        -((differences - noise_mean) ** 2) / ((2 * radius + 1) ** 2 * locality * noise_variance)
    )
    closeness = closeness.astype(np.float32).astype(np.float64)  # the same bits whatever the CPU's exp
    patch_table = (closeness, radius, height, width)
    return _bounded_posterior_local(
        references, indices, w, observed, low, high, mass, shift, smallest, counts, patch_table
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
def _bounded_posterior_by_table(references, indices, w, observed, low, high, mass, shift, smallest, counts):
    n = indices.shape[0]
    bandwidths, d = mass.shape[0], observed.shape[1]
    estimate = np.empty((len(counts), bandwidths, n, d))
    for i in numba.prange(n):
        totals, means = np.zeros((bandwidths, d)), np.zeros((bandwidths, d))
        reading = observed[i].astype(np.int64) - smallest
        weights = np.empty(d)
        done = 0
        for t in range(counts[-1]):
            weights[:] = w[i, t]
            for b in range(bandwidths):
                _add_neighbour(
                    totals[b], means[b], weights, reading, references[indices[i, t]], mass[b], shift[b]
                )
            done = _estimates_at(estimate, done, t + 1, counts, i, totals, means, observed[i], low, high)
    return estimate


@numba.njit(parallel=True, cache=True)
def _bounded_posterior_local(
    references, indices, w, observed, low, high, mass, shift, smallest, counts, patch_table
):
    """`_bounded_posterior_by_table` with each neighbour's weight at each pixel multiplied by the product
    of `closeness` over the patch around it (one factor a pixel, 1 beyond the image), relative to the
    first neighbour's: a product of table entries in place of one exp of a sum a neighbour and pixel.
    `patch_table` = (closeness, radius, image height, image width)."""
    closeness, radius, height, width = patch_table
    n, bandwidths, d = indices.shape[0], mass.shape[0], height * width
    estimate = np.empty((len(counts), bandwidths, n, d))
    side, padded_width = 2 * radius + 1, width + 2 * radius
    rows_run = (height + 2 * radius) * padded_width - 2 * radius
    columns_run = (height - 1) * padded_width + width
    for i in numba.prange(n):
        reading = observed[i].astype(np.int64) - smallest
        padded = np.ones((height + 2 * radius) * padded_width)
        across, column = np.empty(rows_run), np.empty(columns_run)  # at (y, x): [y * padded_width + x]
        local, first = np.empty(d), np.empty(d)
        totals, means = np.zeros((bandwidths, d)), np.zeros((bandwidths, d))
        done = 0
        for t in range(counts[-1]):
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
            for b in range(bandwidths):
                _add_neighbour(totals[b], means[b], local, reading, row, mass[b], shift[b])
            done = _estimates_at(estimate, done, t + 1, counts, i, totals, means, observed[i], low, high)
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
def _estimates_at(estimate, done, added, counts, i, totals, means, observed, low, high):
    """Query i's estimates for every bandwidth once `added` neighbours are summed, if a count asks for
    them (`counts` ascending, the first `done` already written); returns how many are written now."""
    while done < len(counts) and counts[done] == added:
        for b in range(totals.shape[0]):
            for j in range(totals.shape[1]):
                estimate[done, b, i, j] = _bounded_estimate(
                    totals[b, j], means[b, j], observed[j] - high + 0.5, observed[j] - low + 0.5
                )
        done += 1
    return done


@numba.njit(cache=True)
def _bounded_estimate(total, mean, lowest, highest):
    if total > 1e-12:
        return mean / total
    return (max(lowest, 0.0) + max(highest, 0.0)) / 2
