import numpy as np
import pytest
from scipy import ndimage

from homl.digits.images import augment_with_shifts, blur, deskew, shift_images


@pytest.mark.parametrize(
    ("dy", "dx"), [(0, 1), (0, -1), (1, 0), (-1, 0), (2, -3), (-5, 4), (0, 0), (28, 0), (-3, -30)]
)
def test_shift_equals_scipy_ndimage_shift(dy, dx):
    images = np.random.default_rng(0).integers(0, 256, (7, 28, 28), dtype=np.uint8)
    shifted = shift_images(images, dy, dx)
    for image, ours in zip(images, shifted, strict=True):
        np.testing.assert_array_equal(ours, ndimage.shift(image, [dy, dx], cval=0))
    assert shifted.dtype == np.uint8


def test_augmentation_appends_one_shifted_copy_per_direction():
    images = np.arange(2 * 4 * 4, dtype=np.uint8).reshape(2, 4, 4)
    augmented, labels = augment_with_shifts(images, np.array([3, 7]), ["left", "down"], 1)
    assert augmented.shape == (6, 4, 4) and labels.tolist() == [3, 7, 3, 7, 3, 7]
    np.testing.assert_array_equal(augmented[:2], images)
    np.testing.assert_array_equal(augmented[2:4], shift_images(images, 0, -1))
    np.testing.assert_array_equal(augmented[4:], shift_images(images, 1, 0))
    with pytest.raises(ValueError, match="unknown direction 'diagonal'"):
        augment_with_shifts(images, np.array([3, 7]), ["diagonal"], 1)


def slanted_bar(slope: float, offset: int = 0) -> np.ndarray:
    image = np.zeros((28, 28))
    for row in range(4, 24):
        image[row, int(round(14 + offset + slope * (row - 14)))] = 255
    return image


def test_deskew_straightens_a_slanted_stroke_and_centres_it():
    straight = deskew(np.stack([slanted_bar(0.5, offset=3)]))[0]
    columns_with_ink = np.flatnonzero(straight.sum(axis=0) > 50)
    assert columns_with_ink.max() - columns_with_ink.min() <= 2  # one vertical stroke
    rows, cols = np.nonzero(straight)
    centre = np.average(cols, weights=straight[rows, cols])
    assert abs(centre - 14) < 1


def test_deskew_matches_scipy_affine_transform_on_a_digit():
    image = slanted_bar(-0.4)[None]
    ours = deskew(image)[0]
    rows, cols = np.mgrid[:28, :28]
    mass = image[0].sum()
    r_mean, c_mean = (rows * image[0]).sum() / mass, (cols * image[0]).sum() / mass
    alpha = ((rows - r_mean) * (cols - c_mean) * image[0]).sum() / ((rows - r_mean) ** 2 * image[0]).sum()
    affine = np.array([[1, 0], [alpha, 1]])
    offset = np.array([r_mean, c_mean]) - affine @ np.array([14.0, 14.0])
    expected = ndimage.affine_transform(image[0], affine, offset=offset, order=1, cval=0)
    np.testing.assert_allclose(ours, expected, atol=1e-3)


def test_the_deskewing_resampling_is_scipys_bilinear_interpolation():
    from homl.digits.shear import sheared

    rng = np.random.default_rng(3)
    images = rng.random((20, 9, 7)) * 255
    row_shift, col_shift, alpha = rng.uniform(-3, 3, 20), rng.uniform(-3, 3, 20), rng.uniform(-1, 1, 20)
    ours = sheared(np.pad(images, ((0, 0), (1, 1), (1, 1))), row_shift, col_shift, alpha)
    rows, cols = np.mgrid[:9, :7].astype(np.float64)
    for i, image in enumerate(images):
        where = [rows + row_shift[i], cols + alpha[i] * (rows - 4.5) + col_shift[i]]
        expected = ndimage.map_coordinates(image, where, order=1, mode="grid-constant", cval=0)
        np.testing.assert_allclose(ours[i], expected.astype(np.float32), rtol=1e-6, atol=1e-3)


def test_blank_images_stay_blank_and_blur_keeps_mass():
    assert not deskew(np.zeros((2, 28, 28), dtype=np.uint8)).any()
    image = np.zeros((1, 28, 28))
    image[0, 14, 14] = 100
    blurred = blur(image, 1.0)
    assert blurred.sum() == pytest.approx(100, rel=1e-3) and blurred[0, 14, 14] < 100
    assert blur(image, 0) is image


def test_noise_is_the_books_uniform_integers_with_known_moments():
    from homl.digits.images import add_noise, uniform_noise_moments

    images = np.full((200, 28, 28), 7, dtype=np.uint8)
    noise = add_noise(images, 0, 100, np.random.default_rng(0)) - 7
    assert noise.min() == 0 and noise.max() == 99
    mean, variance = uniform_noise_moments(0, 100)
    assert abs(noise.mean() - mean) < 0.2 and abs(noise.var() - variance) / variance < 0.01


def test_psnr_of_a_known_error():
    from homl.digits.images import psnr

    target = np.zeros((2, 4), dtype=np.uint8)
    assert psnr(target + 1, target) == pytest.approx(20 * np.log10(255))
    assert psnr(target, target) == float("inf")
