"""Checks shared by the plotting tests: a saved picture is a real PNG of the figure's size with
content, and pixels can be read by where an axes or a data point was drawn."""

import math

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import image as mimage

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_png(path, figure):
    """The RGB pixels (floats in [0, 1], rows from the top) of a PNG saved from ``figure``.

    Checks the file signature, that matplotlib reads it back, that its size is the figure's
    size times its dpi, and that it is not blank.
    """
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    image = mimage.imread(path)
    width, height = figure.get_size_inches() * figure.dpi
    assert image.shape[:2] == (round(height), round(width))
    assert image.shape[2] in (3, 4) and image.dtype == np.float32
    rgb = image[..., :3]
    distinct = np.unique((rgb * 255).round().astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(distinct) > 20, f"only {len(distinct)} colours: a blank picture"
    return rgb


def axes_pixels(image, ax):
    """The pixels inside ``ax``'s frame (as drawn by the last save)."""
    box = ax.get_window_extent()
    height = image.shape[0]
    rows = slice(height - math.floor(box.y1) + 1, height - math.ceil(box.y0) - 1)
    columns = slice(math.ceil(box.x0) + 1, math.floor(box.x1) - 1)
    return image[rows, columns]


def pixel_at(image, ax, x, y):
    """The RGB colour drawn at data point (x, y) of ``ax``."""
    column, row = ax.transData.transform((x, y))
    return image[image.shape[0] - 1 - int(round(row)), int(round(column))]


def share_near(pixels, color, tolerance=0.08):
    """The fraction of ``pixels`` within ``tolerance`` of ``color`` on every channel."""
    target = np.array(mcolors.to_rgb(color))
    return float(np.mean(np.all(np.abs(pixels - target) <= tolerance, axis=-1)))


def non_white_share(pixels):
    """The fraction of ``pixels`` that are not (nearly) white."""
    return float(np.mean(np.any(pixels < 0.95, axis=-1)))


def texts_of(figure):
    """Every string drawn in the figure (titles, labels, annotations, legend entries)."""
    from matplotlib.text import Text

    return [artist.get_text() for artist in figure.findobj(Text) if artist.get_text()]
