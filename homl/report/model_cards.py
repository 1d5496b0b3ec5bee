"""A model card beside every model users load (`dvc.yaml`'s `artifacts:`): what it was trained on, how
well it does (every figure read from the metrics the pipeline writes), what it is for, and where it must
not be used. `make readme` writes them with the README's tables, and a test fails when one is out of date."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from homl.core import params, pipeline
from homl.core.tables import stage_metrics
from homl.digits.tables import photographed, weakest_digits

FOLDER = Path("models/cards")
SECTIONS = ("Trained on", "How well it does", "Intended use", "Limits")
CARDS: dict[str, Callable[[Path], list[str]]] = {}  # artifact name -> its sections' text, SECTIONS in order


def card(artifact: str) -> Callable:
    def register(function: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
        CARDS[artifact] = function
        return function

    return register


DIGITS_USE = (
    "Handwritten digits 0-9, one per image: `homl predict-digit` (or `homl.load(...).predict`) brings any "
    "image to MNIST's format first (grey, 28x28, the ink fitted in 20x20 and centred by its mass)."
)
DIGITS_LIMITS = (
    "Anything but a single digit (letters, several digits, an empty image) still gets a digit: the model "
    "has no reject option. Handwriting unlike MNIST's writers (US Census employees and students, 1990s) "
    "may do worse than the test figure."
)


def _digit_card(root: Path, test: dict, kind: str, method: str) -> list[str]:
    """A digit classifier's card from its test metrics; `kind` names it in the font digits' metrics."""
    fonts = stage_metrics(root, "font_digits")
    return [
        f"MNIST's {test.get('train_images', 60000):,} training images, {method}; settings chosen by "
        "validation on training images only.",
        f"Test accuracy **{test['accuracy']:.4f}** on MNIST's 10,000 test images (macro F1 "
        f"{test['macro_f1']:.4f}); weakest digits {weakest_digits(test)}. On "
        f"{fonts['digits']} digits printed in fonts and rotated: accuracy {fonts['accuracy'][kind]:.4f}.",
        DIGITS_USE,
        DIGITS_LIMITS,
    ]


@card("digit-classifier")
def digit_classifier(root: Path) -> list[str]:
    test = stage_metrics(root, "idm_evaluate")
    method = (
        f"k={test['n_neighbors']} ({test['weights']} weights) nearest neighbours under the image distortion "
        f"model (window {test['window']}, context {test['context']}, {test['features']}), re-ranking the "
        f"{test['n_candidates']} nearest by Euclidean distance; deskewed: {str(test['deskew']).lower()}, "
        f"blurred with sigma {test['blur_sigma']}"
    )
    return _digit_card(root, test, "idm", method)


@card("digit-classifier-knn")
def digit_classifier_knn(root: Path) -> list[str]:
    test = stage_metrics(root, "knn_evaluate")
    method = f"k={test['n_neighbors']} ({test['weights']} weights) nearest neighbours by Euclidean distance"
    return _digit_card(root, test, "knn", method)


@card("digit-reader")
def digit_reader(root: Path) -> list[str]:
    choice, degraded = stage_metrics(root, "digit_reading"), stage_metrics(root, "digit_degradations")
    cfg = params.load("digit_reading", dict, root / "params.yaml")
    best, accuracy, worst = photographed(root)
    pencils = [name for name in accuracy if name.startswith("contrast")]
    faintest = min(pencils, key=lambda name: float(name.split()[1]))
    return [
        f"MNIST's training digits: strokes kept between {choice['stroke_low']:.2f} and "
        f"{choice['stroke_high']:.2f} pixels wide (quantiles of their widths), ink from "
        f"{choice['tone_low']:g} to {choice['tone_high']:g} of the darkest mapped to none to full; chosen among "
        f"{len(cfg['tone']) * len(cfg['stroke_quantiles'])} readers by the chosen KNN's mean accuracy on "
        f"{cfg['validation_digits']} training digits held out, each degraded the ways `digit_degradations` "
        "lists.",
        f"Mean validation accuracy {choice['validation_accuracy']:.3f} over the degradations. On "
        f"{degraded['digits']} degraded test digits the digit classifier (`{best}`) reads "
        f"**{accuracy['none']:.3f}** untouched, {accuracy[faintest]:.3f} in the faintest pencil on grey paper "
        f"({faintest}), worst {accuracy[worst]:.3f} ({worst}).",
        "Bringing a photo or scan of one handwritten digit to MNIST's format before a digit classifier reads "
        "it: `homl predict-digit` uses it (`--reader` names another).",
        "One digit on plain paper: the image's border is taken as the paper. Shadows, ruled or squared paper, "
        "several digits and strong perspective are not undone, and heavy blur still costs accuracy.",
    ]


@card("digit-denoiser")
def digit_denoiser(root: Path) -> list[str]:
    scores, noise = stage_metrics(root, "denoise_evaluate"), params.load("noisy", dict, root / "params.yaml")
    saved = scores["saved"]
    return [
        f"MNIST's 60,000 training images, each with the book's noise (an integer drawn uniformly from "
        f"[{noise['low']}, {noise['high']}) added to every pixel) as the input and the clean image as the "
        f"target; the `{saved}` method, chosen by validation PSNR on training images only.",
        f"PSNR **{scores[saved]['psnr_db']:.2f} dB** on MNIST's 10,000 test images with the same noise "
        f"(the noisy images: {scores['noisy']['psnr_db']:.2f} dB); the KNN digit classifier reads the "
        f"cleaned digits with accuracy {scores[saved]['knn_accuracy']:.4f} (noisy: "
        f"{scores['noisy']['knn_accuracy']:.4f}).",
        "Cleaning 28x28 MNIST-like digits that carry that noise: `homl denoise noisy.png -o clean.png`.",
        f"Valid only for that noise: additive, uniform on [{noise['low']}, {noise['high']}), independent "
        "from pixel to pixel, on digits in MNIST's format. Other noise (Gaussian, blur, JPEG artefacts), "
        "photographs or other images give wrong results without any warning.",
    ]


@card("titanic-survival")
def titanic_survival(root: Path) -> list[str]:
    test = stage_metrics(root, "titanic_evaluate")
    cfg = params.load("titanic", dict, root / "params.yaml")
    trained = 1 - cfg["split"]["test_size"]
    return [
        f"{trained:.0%} of the Titanic's passengers (the `titanic3` table of the 1912 voyage), with engineered "
        "features (title, family, deck, ticket group, fare per person, group survival); the "
        f"`{test['classifier']}` classifier, its settings chosen by {cfg['cv']['folds']}-fold CV accuracy, "
        f"the classifier by the mean over {cfg['cv']['repeats']} x {cfg['cv']['folds']}-fold CV.",
        f"Repeated CV accuracy {test['repeated_cv_accuracy']:.4f} ± {test['repeated_cv_standard_error']:.4f}"
        f" (standard error); on the {1 - trained:.0%} held out: accuracy "
        f"**{test['accuracy']:.4f}**, ROC AUC {test['roc_auc']:.3f}, precision {test['precision']:.3f}, "
        f"recall {test['recall']:.3f}.",
        "Learning and teaching: the book's exercise, to compare preprocessing and classifiers "
        "(`homl titanic passengers.csv`).",
        "Describes one historical event: it says nothing about any other ship, disaster or person, and "
        "must not inform decisions about real people. Passengers outside the training data's values are "
        "answered with a warning, or refused with `--strict`.",
    ]


@card("spam-filter")
def spam_filter(root: Path) -> list[str]:
    test, train, corpus = (
        stage_metrics(root, "spam_evaluate"),
        stage_metrics(root, "spam_train"),
        stage_metrics(root, "spam_parse"),
    )
    return [
        f"{corpus['train']['messages']:,} messages of the Apache SpamAssassin public corpus (2002-2005), "
        "headers stripped but the subject, near-copies kept on one side of the split; "
        f"{train['classifier']} on {' + '.join(train['features'])}, chosen by group-aware CV average "
        f"precision, its threshold set for CV precision {train['cv_precision_at_threshold']:.3f}.",
        f"On {corpus['test']['messages']:,} held-out messages: precision **{test['precision']:.3f}**, recall "
        f"**{test['recall']:.3f}**, ROC AUC {test['roc_auc']:.4f}; false alarms on `hard_ham` "
        f"{test['groups']['hard_ham']['false_alarm_rate']:.3f}.",
        "Sorting raw emails (RFC 822 bytes) as the corpus's were: `homl classify-email message.eml`.",
        "Trained on mail of twenty years ago: today's spam and ham (other languages, other marketing, "
        "image-only spam) are not represented, so expect lower figures on a current mailbox; it must not "
        "delete mail unseen.",
    ]


def markdown(name: str, description: str, path: str, sections: list[str]) -> str:
    lines = [f"# Model card: `{name}`", "", description, "", f"File: `{path}` (`homl.load({name!r})`).", ""]
    for title, text in zip(SECTIONS, sections, strict=True):
        lines += [f"## {title}", "", text, ""]
    return "\n".join(lines)


def cards(root: Path) -> dict[str, str]:
    """Each artifact's card, by artifact name."""
    declared = pipeline.artifacts(root / "dvc.yaml")
    missing = sorted(set(declared) - set(CARDS))
    if missing:
        raise KeyError(f"no model card for {', '.join(missing)}")
    return {
        name: markdown(name, entry["desc"], entry["path"], CARDS[name](root))
        for name, entry in declared.items()
    }
