"""homl: Hands-On Machine Learning chapters 3 and 4 as a reproducible DVC pipeline.

`homl.load("digit-classifier").predict(images)`: the pipeline's models, by their names in `dvc.yaml`.
"""

__version__ = "0.1.0"
__all__ = ["load"]


def load(model: str):
    """The fitted model that `dvc.yaml`'s `artifacts:` names (digit-classifier, digit-classifier-knn,
    digit-denoiser, titanic-survival, spam-filter), or a model file written by the pipeline; paths are
    relative to the project's root. Only load model files you trust: loading unpickles."""
    from homl.core import io, pipeline

    return io.load_model(pipeline.model_file(model))
