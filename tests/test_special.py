"""erfc: the special function behind exact gelu."""

import math

import numpy as np

from neuronet.special import erfc


def test_erfc_matches_the_math_library():
    # gelu's exact form rests on this erfc; math.erfc is the C library's, correct to ~1 ulp.
    # Up to 26, where erfc (5.7e-296) is still a normal float64 with all its digits.
    x = np.concatenate([np.linspace(-6.0, 26.0, 20001), [-0.46875, 0.46875, -4.0, 4.0, 0.0]])
    ours = erfc(x)
    reference = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(ours, reference, rtol=2e-15, atol=0)
    # MPFR values: erfc(5) = 1.5374597944280348502e-12, erfc(10) = 2.0884875837625447570e-45
    np.testing.assert_allclose(
        erfc(np.array([5.0, 10.0])),
        [1.5374597944280348502e-12, 2.0884875837625447570e-45],
        rtol=2e-15,
    )
    np.testing.assert_array_equal(erfc(np.array([-40.0, 40.0])), [2.0, 0.0])
    # Any shape and memory layout; NaN propagates.
    block = x[:20000].reshape(100, 200).T
    np.testing.assert_array_equal(erfc(block), ours[:20000].reshape(100, 200).T)
    assert np.isnan(erfc(np.array([np.nan]))[0])


# --- derivatives at kinks: TensorFlow's conventions ---------------------------------------------
