"""Special functions NumPy lacks, computed through ``xp`` (so they also run under CuPy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from neuronet.backend import xp

if TYPE_CHECKING:
    from neuronet.backend import Array

# W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
# (1969) 631-637: the double-precision coefficients of his CALERF routine (Netlib SPECFUN,
# file "erf", 1990). A/B: erf on |x| <= 0.46875; C/D: exp(x^2) erfc(x) on (0.46875, 4];
# P/Q: the same in powers of 1/x^2 beyond 4. In float64 arithmetic: within 1e-15 (relative)
# of the C library's erfc, as the tests check.
# fmt: off
_ERF_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
          3.20937758913846947e03, 1.85777706184603153e-01)
_ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
          2.84423683343917062e03)
_ERF_C = (5.64188496988670089e-01, 8.88314979438837594e00, 6.61191906371416295e01,
          2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
          2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-08)
_ERF_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
          1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
          3.43936767414372164e03, 1.23033935480374942e03)
_ERF_P = (3.05326634961232344e-01, 3.60344899949804439e-01, 1.25781726111229246e-01,
          1.60837851487422766e-02, 6.58749161529837803e-04, 1.63153871373020978e-02)
_ERF_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-01,
          6.05183413124413191e-02, 2.33520497626869185e-03)
# fmt: on
_ONE_OVER_SQRT_PI = 0.56418958354775628695


def _cody_ratio(t, num, den):
    """Cody's ratio of polynomials in t, evaluated by Horner's rule.

    With n = len(den): numerator num[-1] t^n + num[0] t^(n-1) + ... + num[n-2], denominator
    t^n + den[0] t^(n-1) + ... + den[n-1].
    """
    # In place: this runs over whole activation arrays, and temporaries cost more than the math.
    top = num[-1] * t
    bottom = t.copy()
    for a, b in zip(num[:-2], den[:-1]):
        top += a
        top *= t
        bottom += b
        bottom *= t
    top += num[-2]
    bottom += den[-1]
    top /= bottom
    return top


def _exp_minus_square(y):
    """exp(-y^2), with y^2 split as s^2 + (y - s)(y + s), s = y rounded down to 1/16: s^2 is
    exact, so the rounding of y^2 does not turn into a relative error of 2y^2 ulps."""
    s = xp.trunc(y * 16.0) / 16.0
    return xp.exp(-s * s) * xp.exp(-(y - s) * (y + s))


def erfc(x: Array) -> Array:
    """Complementary error function ``1 - erf(x)``, elementwise through ``xp`` (Cody 1969).

    Each of Cody's three regions is evaluated only on the entries that fall in it, picked by
    flat integer indices (several times faster than boolean masks on NumPy).
    """
    if x.dtype.itemsize < 4:
        # The polynomials reach 4^8: beyond float16's range, so work in float32.
        return erfc(x.astype("float32")).astype(x.dtype)
    flat = x.reshape(-1)
    y = xp.abs(flat)
    result = xp.empty_like(flat)
    small = xp.flatnonzero(y <= 0.46875)
    middle = xp.flatnonzero((y > 0.46875) & (y <= 4.0))
    large = xp.flatnonzero(~(y <= 4.0))  # NaN lands here and stays NaN
    x_small = flat[small]  # erfc = 1 - erf, erf(x) = x R(x^2)
    result[small] = 1.0 - x_small * _cody_ratio(x_small * x_small, _ERF_A, _ERF_B)
    y_middle = y[middle]
    result[middle] = _exp_minus_square(y_middle) * _cody_ratio(y_middle, _ERF_C, _ERF_D)
    # Beyond 30 erfc underflows to 0 in every float type; the clamp keeps 1/y^2 finite.
    y_large = xp.minimum(y[large], 30.0)
    inverse_square = 1.0 / (y_large * y_large)
    correction = inverse_square * _cody_ratio(inverse_square, _ERF_P, _ERF_Q)
    result[large] = _exp_minus_square(y_large) * ((_ONE_OVER_SQRT_PI - correction) / y_large)
    # The last two regions computed erfc(|x|); erfc(x) = 2 - erfc(-x) for negative x.
    reflect = xp.flatnonzero((flat < 0) & (y > 0.46875))
    result[reflect] = 2.0 - result[reflect]
    return result.reshape(x.shape)
