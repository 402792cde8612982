"""scikit-learn estimators around neuronet models (the optional extra ``sklearn``).

``NeuronetClassifier`` and ``NeuronetRegressor`` follow scikit-learn's estimator API, so they
work in ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``, take NumPy arrays, lists and
pandas DataFrames/Series, and can be cloned and pickled:

>>> from neuronet.sklearn import NeuronetClassifier
>>> clf = NeuronetClassifier(hidden_layer_sizes=(16,), epochs=50, random_state=0)

They pass scikit-learn's own estimator checks
(``sklearn.utils.estimator_checks.parametrize_with_checks``), except the ones in
``EXPECTED_FAILED_CHECKS``, which cannot pass by design:

- ``check_sample_weight_equivalence_on_dense_data`` (``check_sample_weights_invariance``
  before scikit-learn 1.6): a sample of weight 2 and the same sample twice fall into different
  mini-batches, so the fitted weights agree to about 1e-5 rather than the check's 1e-7.

A pickled (or deep-copied) fitted estimator goes on with ``partial_fit`` and ``warm_start``
from the same weights and optimizer state: neuronet's models and optimizers keep training
after copying.

``check_array_api_input`` is skipped by scikit-learn unless ``SCIPY_ARRAY_API=1`` was set
before SciPy was imported; neuronet's tests run it in a subprocess with that setting.
"""

try:
    import sklearn  # noqa: F401
except ImportError as error:  # the extra is not installed
    raise ImportError(
        "neuronet.sklearn needs scikit-learn: pip install 'neuronet[sklearn]'"
    ) from error

from neuronet.models.mlp import build_mlp
from neuronet.sklearn.base import EXPECTED_FAILED_CHECKS
from neuronet.sklearn.classifier import NeuronetClassifier
from neuronet.sklearn.regressor import NeuronetRegressor

__all__ = ["EXPECTED_FAILED_CHECKS", "NeuronetClassifier", "NeuronetRegressor", "build_mlp"]
