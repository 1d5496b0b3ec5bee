"""The figures in the README's prose, each written from the file that holds it, like the tables.

A figure is followed by a marker that says where it comes from; `make readme` rewrites the figure, in the
format it is written in (decimals, thousands separators):

- `0.983<!--fig spam_evaluate:precision-->`: a stage's metrics (found in dvc.yaml), `params:KEY` for
  params.yaml, `bench/NAME:KEY` for bench/results/NAME.json, `PATH.py:NAME` for a constant in the code,
  `goal:NAME` for a goal's target (`GOALS`), or a name in `DERIVED` for a figure computed from those;
- `0.9763<!--cite book-->`: a figure from outside (`CITATIONS`), written as the source prints it;
- `**not reached**<!--verdict NAME ...-->`: whether the named goals are reached, from their figures.

A test fails on any other number in prose (`unsourced`), outside code, links and generated tables, apart
from the names in `NAMES` (chapter 3, figure 4-11).
"""

from __future__ import annotations

import ast
import re
import statistics
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from homl.core.tables import bench_results, lookup, param, stage_metrics, stage_table

NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e-?\d+)?"
FIGURE = re.compile(rf"(?<![\w.^-])({NUMBER})(%?)(?:<!--(fig|cite) ([^>]*?)-->)?")
VERDICT = re.compile(r"\*\*(not reached|reached)\*\*<!--verdict ([\w ]+)-->")
NAMES = re.compile(r"\b(?:chapters?|exercises?|figures?) \d+(?:-\d+)?(?: and \d+(?:-\d+)?)?\b")
OUTSIDE_PROSE = (
    re.compile(r"<!-- table (\w+) \(make readme\) -->\n.*?<!-- end \1 -->", re.S),  # generated tables
    re.compile(r"^```.*?^```", re.S | re.M),  # code blocks
    re.compile(r"`[^`\n]*`"),  # code spans
    re.compile(r"\]\([^)\s]*\)|https?://\S+"),  # link targets
    re.compile(r"<!--(?!fig |cite |verdict ).*?-->", re.S),  # comments other than markers
)

CITATIONS = {
    "book": "Aurélien Géron, Hands-On Machine Learning with Scikit-Learn, Keras and TensorFlow, 3rd edition "
    "(O'Reilly, 2022), chapters 3 and 4 and their notebooks",
    "keysers2007": "Daniel Keysers, Thomas Deselaers, Christian Gollan and Hermann Ney, Deformation Models for "
    "Image Recognition, IEEE Transactions on Pattern Analysis and Machine Intelligence 29(8), 2007",
    "mnist": "Yann LeCun, Corinna Cortes and Christopher Burges, The MNIST database of handwritten digits "
    "(its web page describes how the digits were normalized)",
}


CPU_VENDORS = ("GenuineIntel", "AuthenticAMD")  # where a speed goal "on Intel and AMD alike" must hold


@dataclass(frozen=True)
class Goal:
    """A target the project set itself (its issues), and the figure that reaches it or not."""

    target: float
    measured: Callable[[Path], float]
    at_least: bool = True  # False: reached at or below the target (times)

    def reached(self, root: Path) -> bool:
        value = self.measured(root)
        return value >= self.target if self.at_least else value <= self.target


def _commands_cold_start(root: Path) -> float:
    bench = bench_results(root, "commands")
    return max(bench[command]["cold_start_seconds"] for command in ("predict_digit", "denoise"))


def _stages_seconds(root: Path, benchmark: str, prefixes: tuple[str, ...]) -> float:
    """The wall time of a timed run's stages whose names start with one of `prefixes`."""
    stages = bench_results(root, benchmark)["stages"]
    return sum(stage["seconds"] for stage in stages if stage["stage"].startswith(prefixes))


def _spam_stages_seconds(root: Path) -> float:
    """The spam stages' wall time in the forced run, fetching the corpus included."""
    return _stages_seconds(root, "pipeline_timing", ("spam_", "fetch_spam"))


def _slowest_exact_search(root: Path) -> float:
    """The exact search's speed over faiss's on the CPU vendor where it gains least; a vendor of
    `CPU_VENDORS` with no result for the current code counts as zero."""
    bench = bench_results(root, "exact_search")
    ratios = {run["cpu"]["vendor"]: run["faiss_over_homl"] for run in [bench, *bench.get("other_cpus", [])]}
    return min(ratios.get(vendor, 0.0) for vendor in CPU_VENDORS)


GOALS = {
    "knn_accuracy": Goal(0.988, lambda root: stage_metrics(root, "knn_best")["accuracy"]),
    "idm_accuracy": Goal(0.993, lambda root: stage_metrics(root, "idm_evaluate")["accuracy"]),
    "idm_accuracy_stretch": Goal(0.995, lambda root: stage_metrics(root, "idm_evaluate")["accuracy"]),
    "titanic_cv_accuracy": Goal(
        0.83, lambda root: stage_metrics(root, "titanic_evaluate")["repeated_cv_accuracy"]
    ),
    "denoise_psnr": Goal(29, lambda root: _saved_denoiser(root)["psnr_db"]),
    "spam_precision": Goal(0.99, lambda root: stage_metrics(root, "spam_evaluate")["precision"]),
    "spam_recall": Goal(0.98, lambda root: stage_metrics(root, "spam_evaluate")["recall"]),
    "pipeline_minutes": Goal(
        6, lambda root: bench_results(root, "pipeline_timing")["total_seconds"] / 60, at_least=False
    ),
    "command_seconds": Goal(2, _commands_cold_start, at_least=False),
    "spam_stages_seconds": Goal(90, _spam_stages_seconds, at_least=False),
    "noop_repro_seconds": Goal(
        2, lambda root: bench_results(root, "stage_overhead")["noop_repro_seconds"], at_least=False
    ),
    "exact_search_speed": Goal(2, _slowest_exact_search),
    "quick_run_minutes": Goal(
        1, lambda root: bench_results(root, "quick_run")["total_seconds"] / 60, at_least=False
    ),
}


def _code_constant(root: Path, path: str, name: str) -> object:
    """A constant assigned at the top of a Python file, evaluated without importing the file."""
    for node in ast.parse((root / path).read_text()).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(getattr(target, "id", None) == name for target in targets):
            return eval(compile(ast.Expression(node.value), path, "eval"), {"__builtins__": {}})  # noqa: S307
    raise KeyError(f"{path} assigns no {name}")


def _variant_fold(root: Path, part: str) -> int:
    """Images in one fold of `knn_variant_search`'s CV: the validation part, or the training part."""
    train = stage_metrics(root, "idm_evaluate")["train_images"]
    validation = train // param(root, "knn_variants.folds")
    return validation if part == "validation" else train - validation


def _noise_moment(root: Path, moment: int) -> float:
    from homl.digits.images import uniform_noise_moments

    return uniform_noise_moments(param(root, "noisy.low"), param(root, "noisy.high"))[moment]


def _saved_denoiser(root: Path) -> dict:
    """The saved denoising method's test scores."""
    scores = stage_metrics(root, "denoise_evaluate")
    return scores[scores["saved"]]


def _bounded_validation(root: Path, patches: bool) -> float:
    """The bounded denoiser's best validation PSNR with local weights (patch_radius > 0) or without."""
    search = stage_table(root, "denoise_search")
    bounded = search[search["method"] == "bounded"]
    return float(bounded[(bounded["patch_radius"] > 0) == patches]["mean_psnr_db"].max())


def _titanic_largest_difference(root: Path) -> float:
    """The largest difference of a Titanic classifier to the best, in its own standard errors."""
    compared = stage_table(root, "titanic_evaluate", "classifiers.csv")
    others = compared[compared["classifier"] != stage_metrics(root, "titanic_evaluate")["classifier"]]
    return float((others["minus_best"].abs() / others["minus_best_standard_error"]).max())


DERIVED: dict[str, Callable[[Path], float | str]] = {
    "python": lambda root: tomllib.loads((root / "pyproject.toml").read_text())["project"][
        "requires-python"
    ].removeprefix(">="),
    "font_count": lambda root: len(param(root, "font_digits.fonts")),
    "noise_mean": lambda root: _noise_moment(root, 0),
    "noise_variance": lambda root: _noise_moment(root, 1),
    "noise_largest": lambda root: param(root, "noisy.high") - 1,
    "variant_searches": lambda root: (
        len(param(root, "knn_variants.deskew"))
        * len(param(root, "knn_variants.blur_sigma"))
        * param(root, "knn_variants.folds")
    ),
    "variant_validation_images": lambda root: _variant_fold(root, "validation"),
    "variant_training_images": lambda root: _variant_fold(root, "training"),
    "photo_scale": lambda root: _code_constant(root, "homl/digits/reading.py", "PHOTO_SCALE"),
    "max_input_mb": lambda root: _code_constant(root, "homl/core/limits.py", "MAX_INPUT_BYTES") / 2**20,
    "bound_gb": lambda root: _code_constant(root, "tests/core/test_hostile_input.py", "BOUND_MB") / 1024,
    "pipeline_cores_busy": lambda root: _cores_busy(bench_results(root, "pipeline_timing")),
    "bounded_validation_whole_image_db": lambda root: _bounded_validation(root, patches=False),
    "bounded_validation_patches_db": lambda root: _bounded_validation(root, patches=True),
    "titanic_largest_difference_in_errors": lambda root: _titanic_largest_difference(root),
    "spam_stages_seconds": _spam_stages_seconds,
    "quick_run_median_stage_seconds": lambda root: statistics.median(
        stage["seconds"] for stage in bench_results(root, "quick_run")["stages"]
    ),
    "quick_run_spam_titanic_seconds": lambda root: _stages_seconds(root, "quick_run", ("spam_", "titanic_")),
    "regularized_panels_largest_difference": lambda root: max(
        stage_metrics(root, "regularized_fit")["book_figures_largest_difference_to_sklearn"].values()
    ),
    "linreg_large_peak_gb": lambda root: (
        max(solver["peak_memory_mb"] for solver in bench_results(root, "linreg_large")["solvers"].values())
        / 1024
    ),
}


def _cores_busy(timing: dict) -> float:
    """How many cores the forced run kept busy on average: its stages' CPU time over its wall time."""
    return sum(stage["cpu_seconds"] for stage in timing["stages"]) / timing["total_seconds"]


def value(root: Path, key: str) -> float | str:
    """The figure a `fig` marker names."""
    source, _, path = key.partition(":")
    if not path:
        if source not in DERIVED:
            raise KeyError(f"no derived figure {source!r} (homl/report/prose.py DERIVED)")
        return DERIVED[source](root)
    if source == "params":
        return param(root, path)
    if source == "goal":
        return GOALS[path].target
    if source.startswith("bench/"):
        return lookup(bench_results(root, source.removeprefix("bench/")), path)
    if source.endswith(".py"):
        name, _, rest = path.partition(".")
        return lookup(_code_constant(root, source, name), rest)
    return lookup(stage_metrics(root, source), path)


def formatted(figure: float | str, written: str) -> str:
    """`figure` written as `written` is: as many decimals, thousands separated, scientific if it is."""
    if isinstance(figure, str):
        return figure
    mantissa, _, exponent = written.partition("e")
    decimals = len(mantissa.partition(".")[2])
    if exponent:
        text = f"{figure:.{decimals}e}"
        return re.sub(r"e([-+])0*(\d)", lambda m: "e" + m[1].replace("+", "") + m[2], text)
    return f"{figure:,.{decimals}f}"


def with_figures(readme: str, root: Path = Path(".")) -> str:
    """The README text with every `fig` figure and every verdict rewritten from its files."""

    def figure(match: re.Match) -> str:
        number, percent, kind, key = match.groups()
        if kind == "fig":
            number = formatted(value(root, key), number)
        elif kind == "cite" and key not in CITATIONS:
            raise KeyError(f"no citation {key!r} (homl/report/prose.py CITATIONS)")
        return match[0] if kind is None else f"{number}{percent}<!--{kind} {key}-->"

    def verdict(match: re.Match) -> str:
        goals = match[2].split()
        reached = all(GOALS[goal].reached(root) for goal in goals)
        return f"**{'reached' if reached else 'not reached'}**<!--verdict {match[2]}-->"

    return VERDICT.sub(verdict, FIGURE.sub(figure, readme))


def unsourced(readme: str) -> list[str]:
    """Every number in the README's prose (and hand-written tables) with no marker, as `line: text`."""
    for pattern in OUTSIDE_PROSE:
        readme = pattern.sub(lambda match: "\n" * match[0].count("\n") + " ", readme)
    found = []
    for number, line in enumerate(readme.splitlines(), start=1):
        named = NAMES.sub(" ", line)
        if any(match[3] is None for match in FIGURE.finditer(named)):
            found.append(f"{number}: {line.strip()}")
    return found
