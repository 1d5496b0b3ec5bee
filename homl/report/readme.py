"""The README's tables, each written from the file that holds its figures (metrics, plots, bench results).

Each table sits between `<!-- table NAME -->` and `<!-- end NAME -->` in the README; `make readme` rewrites
them all, and the figures of the prose (`homl.report.prose`), and a test fails when one is out of date, so
every figure in the README comes from a file that the pipeline or a benchmark writes, or from a citation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from homl.core import io, params, pipeline
from homl.digits.knn import SearchParams as KnnSearchParams
from homl.report import prose
from homl.report.model_cards import stage_metrics, weakest_digits

# What the book prints for its own loops on its own data (3rd edition, chapter 4's notebook):
# the figures `linreg_fit` must reproduce.
BOOK_THETAS = {
    "normal_equation": [4.21509616, 2.77011339],
    "stochastic_gd": [4.21076011, 2.74856079],
    "minibatch_gd": [4.25214635, 2.7896408],
}

TABLES: dict[str, Callable[[Path], str]] = {}


def table(function: Callable[[Path], list[list[object]]]) -> Callable[[Path], list[list[object]]]:
    """Register a README table: the function returns the header row, then the body rows."""
    TABLES[function.__name__] = lambda root: markdown(function(root))
    return function


def markdown(rows: list[list[object]]) -> str:
    header, *body = rows
    lines = [header, ["---"] * len(header), *body]
    return "\n".join("| " + " | ".join(map(str, line)) + " |" for line in lines)


def _json(root: Path, name: str) -> dict:
    return io.read_json(root / name)


def _table(root: Path, stage: str, suffix: str = ".csv") -> pd.DataFrame:
    """The (first) table a stage writes whose path ends in `suffix`, found in dvc.yaml."""
    return pd.read_csv(root / pipeline.output(stage, "outs", root / "dvc.yaml", suffix=suffix))


def _settings(hyperparameters: dict) -> str:
    return ", ".join(
        f"{key} = {value:g}" if isinstance(value, float) else f"{key} = {value}"
        for key, value in hyperparameters.items()
    )


def _theta(values: list[float], digits: int = 4) -> str:
    return "[" + ", ".join(f"{value:.{digits}f}" for value in values) + "]"


@table
def stages(root: Path) -> list[list[object]]:
    """Every stage of dvc.yaml with its `desc` and what it writes; a foreach stage once, as `name@<key>`."""

    def code(path: str) -> str:
        return f"`{re.sub(r'[$][{](?:key|item)[}]', f'<{key}>', path)}`"

    rows = [["stage", "what it does", "writes"]]
    for name, stage in yaml.safe_load((root / "dvc.yaml").read_text())["stages"].items():
        key = stage["foreach"].strip("${}").split(".")[-1] if "foreach" in stage else ""
        stage = stage.get("do", stage)
        written = [
            entry if isinstance(entry, str) else next(iter(entry))
            for kind in ("outs", "metrics", "plots")
            for entry in stage.get(kind, [])
        ]
        label = f"`{name}@<{key}>`" if key else f"`{name}`"
        rows.append([label, stage["desc"], ", ".join(map(code, written))])
    return rows


@table
def results(root: Path) -> list[list[object]]:
    knn, augmented = stage_metrics(root, "knn_evaluate"), stage_metrics(root, "knn_augmented")
    best, denoise = stage_metrics(root, "knn_best"), stage_metrics(root, "denoise_evaluate")
    idm = stage_metrics(root, "idm_evaluate")
    titanic, spam = stage_metrics(root, "titanic_evaluate"), stage_metrics(root, "spam_evaluate")
    headers, linreg = (
        stage_metrics(root, "spam_headers"),
        stage_metrics(root, "linreg_fit")["synthetic"],
    )
    return [
        ["exercise", "result", "figure"],
        [
            "MNIST KNN",
            f"k={knn['n_neighbors']}, {knn['weights']} weights",
            f"test accuracy {knn['accuracy']:.4f}",
        ],
        [
            "MNIST + shifts",
            f"{augmented['train_images']:,} training images",
            f"test accuracy {augmented['accuracy']:.4f}",
        ],
        [
            "MNIST best variant",
            f"deskew {'on' if best['deskew'] else 'off'}, blur sigma {best['blur_sigma']}, + shifts",
            f"test accuracy {best['accuracy']:.4f}",
        ],
        [
            "MNIST, deformation-tolerant KNN",
            f"image distortion model, window {idm['window']}, context {idm['context']}",
            f"test accuracy {idm['accuracy']:.4f}",
        ],
        [
            "noisy digits",
            f"{denoise['saved']} KNN, chosen on validation",
            f"PSNR {denoise[denoise['saved']]['psnr_db']:.2f} dB (noisy {denoise['noisy']['psnr_db']:.2f})",
        ],
        [
            "Titanic",
            f"{titanic['classifier']}, CV accuracy {titanic['cv_accuracy']:.4f}",
            f"test accuracy {titanic['accuracy']:.4f}, ROC AUC {titanic['roc_auc']:.3f}",
        ],
        [
            "spam, headers stripped",
            f"threshold {spam['threshold']:.3f}",
            f"test precision {spam['precision']:.3f}, recall {spam['recall']:.3f}",
        ],
        [
            "spam, headers kept",
            f"threshold {headers['test']['threshold']:.3f}",
            f"test precision {headers['test']['precision']:.3f}, recall {headers['test']['recall']:.3f}",
        ],
        [
            "linear regression",
            "distance to the normal equation",
            ", ".join(
                f"{name.replace('_', ' ')} {linreg[name]['distance_to_closed_form']:.1e}"
                for name in ("batch_gd", "minibatch_gd", "stochastic_gd")
            ),
        ],
    ]


@table
def knn(root: Path) -> list[list[object]]:
    test = stage_metrics(root, "knn_evaluate")
    return [
        ["", "value"],
        [
            f"best candidate ({params.load('knn', KnnSearchParams, root / 'params.yaml').folds}-fold CV)",
            f"`n_neighbors={test['n_neighbors']}`, `weights={test['weights']}`, "
            f"CV accuracy {test['cv_accuracy']:.4f} ± {test['cv_std']:.4f}",
        ],
        ["test accuracy", f"**{test['accuracy']:.4f}**"],
        [
            "macro precision / recall / F1",
            f"{test['macro_precision']:.4f} / {test['macro_recall']:.4f} / {test['macro_f1']:.4f}",
        ],
        ["weakest digits", weakest_digits(test)],
    ]


@table
def knn_bench(root: Path) -> list[list[object]]:
    bench = _json(root, "bench/results/knn_search.json")
    grid, test = bench["grid_search"], bench["test_set"]
    return [
        ["task", "homl", "scikit-learn", "ratio", "agreement"],
        [
            f"20 candidates x 5 folds on {grid['train_images']:,} training images",
            f"{grid['homl_seconds']:.1f} s",
            f"{grid['sklearn_recipe_seconds']:.1f} s (its cached-neighbours recipe: `KNeighborsTransformer`, "
            '`Pipeline(memory=...)`, `metric="precomputed"`)',
            f"{grid['recipe_ratio']:.1f}x",
            f"largest score gap {grid['max_score_gap']:g}",
        ],
        [
            "the same",
            f"{grid['homl_seconds']:.1f} s",
            f"{grid['sklearn_seconds']:.1f} s (plain `GridSearchCV`, brute force)",
            f"{grid['ratio']:.1f}x",
            "the same",
        ],
        [
            "10,000 test x 60,000 training images, k=4",
            f"{test['homl_seconds']:.1f} s",
            f"{test['sklearn_seconds']:.1f} s (`KNeighborsClassifier`, brute force)",
            f"{test['ratio']:.1f}x",
            f"{test['agreement']:.2%} same predictions",
        ],
    ]


@table
def dask_cluster(root: Path) -> list[list[object]]:
    bench = _json(root, "bench/results/dask_cluster.json")
    return [
        [f"10,000 x 60,000 MNIST digits, k={bench['k']}, on {bench['cores']} cores", "time", "neighbours"],
        ["in this process (BLAS on every core)", f"{bench['in_process_seconds']:.1f} s", "the reference"],
        [
            f"`distributed.LocalCluster`, {bench['workers']} single-threaded workers",
            f"{bench['cluster_seconds']:.1f} s ({bench['cluster_over_in_process']:.2f}x)",
            "identical" if bench["identical_neighbours"] else "**different**",
        ],
    ]


@table
def exact_search(root: Path) -> list[list[object]]:
    bench = _json(root, "bench/results/exact_search.json")

    def agreement(side: str) -> str:
        found = bench[f"{side}_agreement"]
        return f"{found['same_sets']:.2%} same sets, {found['same_order']:.2%} same order"

    return [
        [
            f"{bench['queries']:,} x {bench['references']:,} MNIST digits, k={bench['k']}",
            "time",
            "homl is",
            "neighbours",
        ],
        [
            f"homl `kneighbors` (bounds in {bench['subspace_dims']} dimensions, then exact)",
            f"{bench['homl_seconds']:.1f} s",
            "",
            "exact (float64)",
        ],
        [
            "faiss `IndexFlatL2` (float32 brute force)",
            f"{bench['faiss_seconds']:.1f} s",
            f"**{bench['faiss_over_homl']:.2f}x** faster",
            agreement("faiss"),
        ],
        [
            "scikit-learn `NearestNeighbors` (float64 brute force)",
            f"{bench['sklearn_seconds']:.1f} s",
            f"{bench['sklearn_over_homl']:.1f}x faster",
            agreement("sklearn"),
        ],
    ]


@table
def kernels(root: Path) -> list[list[object]]:
    bench = _json(root, "bench/results/kernels.json")
    idm, denoising, search = bench["idm"], bench["denoising_search"], bench["exact_search"]
    rows = [
        [
            f"IDM re-ranking, window {idm['window']}, context {idm['context']}",
            f"{idm['pairs']:,} image pairs",
            idm,
        ],
        [
            f"denoising search, brute force, k={denoising['k']}",
            f"{denoising['queries']:,} noisy digits x {denoising['references']:,} references",
            denoising,
        ],
        [
            f"exact neighbour search, bounds then exact, k={search['k']}",
            f"{search['queries']:,} x {search['references']:,} digits (as the brute-force product)",
            search,
        ],
    ]
    return [
        ["kernel", "work", "time", "arithmetic per second", "machine's float32 product", "share of it"],
        *[
            [
                name,
                work,
                f"{kernel['seconds']:.2f} s",
                f"{kernel['operations_per_second'] / 1e9:.1f} G/s",
                f"{kernel['peak_flops'] / 1e9:.0f} G/s",
                f"**{kernel['share_of_peak']:.2f}**",
            ]
            for name, work, kernel in rows
        ],
    ]


@table
def commands(root: Path) -> list[list[object]]:
    bench = _json(root, "bench/results/commands.json")
    rows = [
        ("`homl predict-digit` (digit-classifier)", bench["predict_digit"]),
        ("`homl denoise`", bench["denoise"]),
    ]
    return [
        [
            "command",
            "one image, new process",
            "its peak memory",
            f"{bench['predict_digit']['batch_images']} images in one call",
            "images per second after loading",
        ],
        *[
            [
                name,
                f"{found['cold_start_seconds']:.1f} s",
                f"{found['cold_start_peak_mb']:,.0f} MB",
                f"{found['batch_seconds']:.1f} s",
                f"{found['images_per_second_after_loading']:,.0f}",
            ]
            for name, found in rows
        ],
    ]


@table
def pipeline_timing(root: Path) -> list[list[object]]:
    bench = _json(root, "bench/results/pipeline_timing.json")
    stages = sorted(bench["stages"], key=lambda stage: -stage["seconds"])
    return [
        ["stage", "wall time", "peak memory"],
        *[[f"`{s['stage']}`", f"{s['seconds']:.0f} s", f"{s['peak_mb']:,.0f} MB"] for s in stages],
        [
            f"**`dvc repro --force`, {bench['cores']} cores**",
            f"**{bench['total_seconds'] / 60:.1f} min**",
            "",
        ],
    ]


@table
def augmentation(root: Path) -> list[list[object]]:
    plain, shifted = stage_metrics(root, "knn_evaluate"), stage_metrics(root, "knn_augmented")
    best, idm = stage_metrics(root, "knn_best"), stage_metrics(root, "idm_evaluate")
    knn = f"k={plain['n_neighbors']}, {plain['weights']} weights"
    rows = [
        ["model", "training images", "test accuracy"],
        [f"plain KNN, {knn} (`knn_evaluate`)", plain],
        ["+ one-pixel shifts (`knn_augmented`)", shifted],
        [
            f"{'deskewed' if best['deskew'] else 'not deskewed'}, blur sigma {best['blur_sigma']}, + shifts, "
            f"k={best['n_neighbors']}, {best['weights']} weights (`knn_best`)",
            best,
        ],
        [
            f"image distortion model: {idm['n_candidates']} Euclidean candidates re-ranked, window "
            f"{idm['window']}, context {idm['context']}, k={idm['n_neighbors']}, {idm['weights']} weights "
            f"(`idm_evaluate`)",
            idm,
        ],
    ]
    return rows[:1] + [[label, f"{m['train_images']:,}", f"**{m['accuracy']:.4f}**"] for label, m in rows[1:]]


@table
def idm_search(root: Path) -> list[list[object]]:
    settings = _table(root, "idm_search").sort_values("validation_accuracy", ascending=False)
    return [
        ["local context compares", "window", "context", "best candidates, k, weights", "validation accuracy"]
    ] + [
        [
            row.features,
            row.window,
            row.context,
            f"{row.n_candidates}, {row.n_neighbors}, {row.weights}",
            f"{row.validation_accuracy:.4f} ± {row.validation_std:.4f}",
        ]
        for row in settings.itertuples()
    ]


@table
def idm_bench(root: Path) -> list[list[object]]:
    bench = _json(root, "bench/results/idm_knn.json")
    rows = [
        ("scikit-learn `KNeighborsClassifier`, raw pixels", bench["sklearn_raw_pixels"]),
        ("scikit-learn `KNeighborsClassifier`, deskewed and blurred", bench["sklearn_deskewed_blurred"]),
        ("homl `IDMClassifier`", bench["idm"]),
    ]
    return [
        [
            f"{bench['test_images']:,} test x {bench['train_images']:,} training digits, {bench['cores']} cores",
            "time",
            "test accuracy",
        ]
    ] + [[label, f"{result['seconds']:.1f} s", f"{result['accuracy']:.4f}"] for label, result in rows]


@table
def font_digits(root: Path) -> list[list[object]]:
    fonts = stage_metrics(root, "font_digits")
    models = list(fonts["accuracy"])
    rotations = sorted(fonts["accuracy_by_rotation"][models[0]], key=float)
    return [
        [
            "model (`models/<name>.joblib`)",
            f"all {fonts['digits']} printed digits",
            *(f"rotated {float(r):g}°" for r in rotations),
        ]
    ] + [
        [
            f"`{model}`",
            f"**{fonts['accuracy'][model]:.3f}**",
            *(f"{fonts['accuracy_by_rotation'][model][r]:.3f}" for r in rotations),
        ]
        for model in models
    ]


@table
def knn_variants(root: Path) -> list[list[object]]:
    variants = _table(root, "knn_variant_choice").sort_values("cv_accuracy", ascending=False)
    return [["deskew", "blur sigma", "CV accuracy"]] + [
        [row.deskew, row.blur_sigma, f"{row.cv_accuracy:.4f} ± {row.cv_std:.4f}"]
        for row in variants.itertuples()
    ]


@table
def denoise(root: Path) -> list[list[object]]:
    scores, search = stage_metrics(root, "denoise_evaluate"), stage_metrics(root, "denoise_search")
    model = pipeline.artifact("digit-classifier-knn", root / "dvc.yaml")
    rows = [
        [
            "images (test digits)",
            "settings chosen on validation",
            "validation PSNR",
            "test PSNR",
            "MSE",
            f"KNN digit accuracy (`{model}`)",
        ]
    ]
    for name in ["noisy", *(name for name in scores if name not in ("noisy", "saved"))]:
        score, chosen = scores[name], search.get(name, {})
        settings = {
            k: chosen[k] for k in ("n_neighbors", "weights", "bandwidth", "shifted_copies") if k in chosen
        }
        if (
            "bandwidth" in settings and not settings["bandwidth"] == settings["bandwidth"]
        ):  # NaN: not its setting
            del settings["bandwidth"]
        rows.append(
            [
                "noisy inputs"
                if name == "noisy"
                else f"`{name}`" + (" (saved)" if name == scores["saved"] else ""),
                _settings(settings) if settings else "",
                f"{chosen['validation_psnr_db']:.2f} dB" if chosen else "",
                f"**{score['psnr_db']:.2f} dB**",
                f"{score['mse']:,.0f}",
                f"{score['knn_accuracy']:.4f}",
            ]
        )
    return rows


@table
def titanic_classifiers(root: Path) -> list[list[object]]:
    directory = root / pipeline.output("titanic_train", "metrics", root / "dvc.yaml").parent
    reports = sorted(map(io.read_json, directory.glob("*.json")), key=lambda report: -report["cv_accuracy"])
    return [["classifier", "best hyperparameters", "CV accuracy"]] + [
        [
            report["classifier"],
            _settings(report["hyperparameters"]),
            f"{report['cv_accuracy']:.4f} ± {report['cv_std']:.3f}",
        ]
        for report in reports
    ]


@table
def titanic_test(root: Path) -> list[list[object]]:
    test = stage_metrics(root, "titanic_evaluate")
    return [
        ["classifier", "accuracy", "precision", "recall", "ROC AUC"],
        [
            test["classifier"],
            f"**{test['accuracy']:.4f}**",
            f"{test['precision']:.3f}",
            f"{test['recall']:.3f}",
            f"{test['roc_auc']:.3f}",
        ],
    ]


@table
def titanic_feature_gains(root: Path) -> list[list[object]]:
    gains = _table(root, "titanic_feature_gains").sort_values("gain", ascending=False)
    return [["feature", "CV accuracy with it minus without it"]] + [
        [f"`{row.feature}`" if " " not in row.feature else row.feature, f"{row.gain:+.3f}"]
        for row in gains.itertuples()
    ]


@table
def spam_classifiers(root: Path) -> list[list[object]]:
    chosen = stage_metrics(root, "spam_train")
    chosen_features = "+".join(chosen["features"])
    scores = _table(root, "spam_train").sort_values("cv_average_precision", ascending=False)
    rows = [["feature sets", "classifier", "CV average precision", "CV precision", "CV recall"]]
    for row in scores.itertuples():
        label = row.classifier
        if row.classifier == chosen["classifier"] and row.features == chosen_features:
            label = f"**{label}**, {_settings(chosen['hyperparameters'])} (chosen)"
        rows.append(
            [
                row.features.replace("+", " + "),
                label,
                f"{row.cv_average_precision:.4f}",
                f"{row.cv_precision:.3f}",
                f"{row.cv_recall:.3f}",
            ]
        )
    return rows


@table
def spam_test(root: Path) -> list[list[object]]:
    stripped, train = stage_metrics(root, "spam_evaluate"), stage_metrics(root, "spam_train")
    kept = stage_metrics(root, "spam_headers")
    rows = [
        ["", "CV precision / recall (training)", "test precision", "test recall", "test F1", "test ROC AUC"]
    ]
    for label, cv, test in (
        ("**headers stripped, subject kept** (the headline)", train, stripped),
        ("all headers kept (`spam_headers`)", kept, kept["test"]),
    ):
        rows.append(
            [
                label,
                f"{cv['cv_precision_at_threshold']:.3f} / {cv['cv_recall_at_threshold']:.3f}",
                f"**{test['precision']:.3f}**",
                f"**{test['recall']:.3f}**",
                f"{test['f1']:.3f}",
                f"{test['roc_auc']:.4f}",
            ]
        )
    return rows


@table
def spam_groups(root: Path) -> list[list[object]]:
    groups = stage_metrics(root, "spam_evaluate")["groups"]
    rows = [["corpus group", "test messages", "false alarms (ham) / recall (spam)"]]
    for name, figures in groups.items():
        if "recall" in figures:
            rows.append([f"`{name}`", figures["messages"], f"recall {figures['recall']:.3f}"])
        else:
            alarms = round(figures["false_alarm_rate"] * figures["messages"])
            rows.append(
                [
                    f"`{name}`",
                    figures["messages"],
                    f"{alarms} false alarm{'' if alarms == 1 else 's'} ({figures['false_alarm_rate']:.1%})",
                ]
            )
    return rows


@table
def spam_book(root: Path) -> list[list[object]]:
    book, ours = stage_metrics(root, "spam_book"), stage_metrics(root, "spam_evaluate")
    groups = " + ".join(f"`{group}`" for group in book["groups"])
    return [
        ["setting", "test messages", "test precision", "test recall"],
        [
            f"the book's: {groups}, headers kept, word counts, logistic regression, random 20% (`spam_book`)",
            book["test_messages"],
            f"{book['precision']:.3f}",
            f"{book['recall']:.3f}",
        ],
        [
            "this project's: all five groups, headers stripped, near-copies grouped, threshold for precision",
            sum(group["messages"] for group in ours["groups"].values()),
            f"{ours['precision']:.3f}",
            f"{ours['recall']:.3f}",
        ],
    ]


@table
def spam_feature_gains(root: Path) -> list[list[object]]:
    gains = _table(root, "spam_train", "_feature_gains.csv")
    header = ["feature set", "chosen", "best CV average precision with it", "without it", "gain"]
    return [header] + [
        [
            f"`{row.feature}`",
            "yes" if row.chosen else "no",
            f"{row.cv_average_precision_with:.5f}",
            f"{row.cv_average_precision_without:.5f}",
            f"{row.cv_average_precision_gain:+.5f}",
        ]
        for row in gains.itertuples()
    ]


LINREG_SOLVERS = {
    "normal_equation": "normal equation",
    "pseudo_inverse": "pseudo-inverse (SVD)",
    "sklearn_linear_regression": "scikit-learn `LinearRegression`",
    "batch_gd": "batch GD",
    "minibatch_gd": "mini-batch GD",
    "stochastic_gd": "stochastic GD",
    "sklearn_sgd_regressor": "scikit-learn `SGDRegressor`",
}


@table
def linreg_synthetic(root: Path) -> list[list[object]]:
    synthetic = stage_metrics(root, "linreg_fit")["synthetic"]
    return [["solver", "theta", "distance to the normal equation", "epochs"]] + [
        [
            label,
            _theta(synthetic[name]["theta"]),
            f"{synthetic[name]['distance_to_closed_form']:.1e}",
            synthetic[name]["epochs"],
        ]
        for name, label in LINREG_SOLVERS.items()
    ]


@table
def linreg_book(root: Path) -> list[list[object]]:
    loops = stage_metrics(root, "linreg_fit")["synthetic_book_loops"]
    return [["the book's code", "the book prints", "homl (`synthetic_book_loops`)"]] + [
        [LINREG_SOLVERS[name], _theta(printed, 8), _theta(loops[name]["theta"], 8)]
        for name, printed in BOOK_THETAS.items()
    ]


@table
def linreg_spread(root: Path) -> list[list[object]]:
    spread = stage_metrics(root, "linreg_fit")["synthetic_seed_spread"]
    return [["solver", "seeds", "closest to the normal equation", "farthest"]] + [
        [LINREG_SOLVERS[name], runs["seeds"], f"{runs['min_distance']:.4f}", f"{runs['max_distance']:.4f}"]
        for name, runs in spread.items()
    ]


@table
def linreg_diabetes(root: Path) -> list[list[object]]:
    diabetes = stage_metrics(root, "linreg_fit")["diabetes"]
    best_rmse = diabetes["normal_equation"]["train_rmse"]
    return [["solver", "distance to the normal equation", "training RMSE (vs. the optimum)", "epochs"]] + [
        [
            label,
            f"{diabetes[name]['distance_to_closed_form']:.2g}",
            f"{diabetes[name]['train_rmse']:.3f} ({diabetes[name]['train_rmse'] / best_rmse - 1:+.2%})",
            diabetes[name]["epochs"],
        ]
        for name, label in LINREG_SOLVERS.items()
    ]


@table
def linreg_large(root: Path) -> list[list[object]]:
    bench = _json(root, "bench/results/linreg_large.json")
    labels = {
        "normal_equation": "homl normal equation (X^T X built in chunks of 1M rows)",
        "minibatch_gd": f"homl mini-batch GD, {bench['n_epochs']} epochs of {bench['batch_size']:,}-row batches",
        "sklearn_linear_regression": "scikit-learn `LinearRegression`",
        "sklearn_sgd_regressor": f"scikit-learn `SGDRegressor`, {bench['n_epochs']} epochs",
    }
    return [
        [
            "solver, each in its own process",
            "time",
            f"peak memory (data {bench['data_mb']:,.0f} MB; making it alone peaks at "
            f"{bench['data_only_peak_memory_mb']:,.0f} MB)",
            "distance to the closed form",
        ]
    ] + [
        [
            label,
            f"{bench[name]['seconds']:.1f} s",
            f"{bench[name]['peak_memory_mb']:,.0f} MB",
            f"{bench[name]['distance_to_closed_form']:.2g}",
        ]
        for name, label in labels.items()
    ]


@table
def setup_time(root: Path) -> list[list[object]]:
    bench = _json(root, "bench/results/setup_time.json")
    return [
        ["set-up from nothing (fresh clone, empty package cache)", "time"],
        ["`make install`: uv from `uv.lock`", f"**{bench['uv_seconds']:.0f} s**"],
        ["pip from `pyproject.toml`'s ranges (the former way)", f"{bench['pip_seconds']:.0f} s"],
    ]


def marker(name: str) -> tuple[str, str]:
    return f"<!-- table {name} (make readme) -->", f"<!-- end {name} -->"


def with_tables(readme: str, root: Path = Path(".")) -> str:
    """The README text with every registered table rewritten from its files."""
    for name, render in TABLES.items():
        start, end = marker(name)
        pattern = re.compile(re.escape(start) + r"\n.*?" + re.escape(end), re.S)
        if not pattern.search(readme):
            raise ValueError(f"the README lacks the markers {start!r} and {end!r}")
        block = f"{start}\n{render(root)}\n{end}"
        readme = pattern.sub(lambda _, block=block: block, readme)
    return readme


def rendered(readme: str, root: Path = Path(".")) -> str:
    """The README text with every table and every figure of its prose rewritten from their files."""
    return prose.with_figures(with_tables(readme, root), root)
