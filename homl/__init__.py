"""homl: Hands-On Machine Learning chapters 3 and 4 as a reproducible DVC pipeline.

`homl.load("digit-classifier").predict(images)`: the pipeline's models, by their names in `dvc.yaml`.
"""

__version__ = "0.1.0"
__all__ = ["load"]


def load(model: str, rev: str | None = None):
    """The fitted model that `dvc.yaml`'s `artifacts:` names (digit-classifier, digit-classifier-knn,
    digit-denoiser, titanic-survival, spam-filter), from any directory of the project, or a model file
    written by the pipeline; `rev` (a branch, tag or commit) loads the artifact as that revision has it.
    A file naming anything outside the trusted types is refused before it is unpickled."""
    from homl.core import io, pipeline

    with pipeline.model_file(model, rev) as path:
        return io.load_model(path)
