"""The MNIST tables of the README: KNN, its benchmarks, shifts and variants, the IDM, fonts, degraded
photos, denoising."""

from __future__ import annotations

from pathlib import Path

from homl.core import params, pipeline
from homl.core.tables import bench_results, cpu_name, settings_text, stage_metrics, stage_table, table
from homl.digits.knn import SearchParams as KnnSearchParams


def weakest_digits(test: dict, count: int = 2) -> str:
    """The `count` digits a digit classifier's test metrics show it reads worst, with their accuracy."""
    weakest = sorted(test["class_accuracy"].items(), key=lambda item: item[1])[:count]
    return ", ".join(f"{digit} ({accuracy:.3f})" for digit, accuracy in weakest)


def photographed(root: Path) -> tuple[str, dict[str, float], str]:
    """The digit classifier (the artifact `digit-classifier`, as `digit_degradations` names it), its
    accuracy under each degradation, and the degradation it reads worst."""
    classifier = pipeline.artifact("digit-classifier", root / "dvc.yaml").stem
    accuracy = stage_metrics(root, "digit_degradations")["accuracy"][classifier]
    return classifier, accuracy, min(accuracy, key=accuracy.get)


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
    bench = bench_results(root, "knn_search")
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
def exact_search(root: Path) -> list[list[object]]:
    bench = bench_results(root, "exact_search")

    def agreement(side: str) -> str:
        found = bench[f"{side}_agreement"]
        return f"{found['same_sets']:.2%} same sets, {found['same_order']:.2%} same order"

    return [
        [
            f"{bench['queries']:,} x {bench['references']:,} MNIST digits, k={bench['k']}, "
            f"on {cpu_name(bench['cpu'])}",
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
        *[
            [
                f"faiss `IndexFlatL2` on {cpu_name(other['cpu'])}, commit {other['commit'][:7]}",
                f"{other['faiss_seconds']:.1f} s (homl {other['homl_seconds']:.1f} s)",
                f"**{other['faiss_over_homl']:.2f}x** faster",
                f"{other['faiss_agreement']['same_sets']:.2%} same sets",
            ]
            for other in bench.get("other_cpus", [])
        ],
    ]


@table
def kernels(root: Path) -> list[list[object]]:
    bench = bench_results(root, "kernels")
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
        [
            f"kernel, on {cpu_name(bench['cpu'])}",
            "work",
            "time",
            "arithmetic per second",
            "machine's float32 product",
            "share of it",
        ],
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
    settings = stage_table(root, "idm_search").sort_values("validation_accuracy", ascending=False)
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


# Test errors of nearest-neighbour rules on MNIST as the database's page lists them (prose.CITATIONS["mnist"]).
PUBLISHED_ERRORS = {
    "euclidean": "3.09% (K. Wilder)",
    "deskewed_shifted": "1.80% without shifts, 1.22% to 1.33% with shifts of 1 or 2 pixels (K. Wilder; noise removed too)",
    "tangent": "1.1% (Simard et al.)",
    "shape_context": "0.63% (Belongie et al.)",
    "idm": "0.54% (Keysers et al.)",
    "p2dhmdm": "0.52% (Keysers et al.)",
}


@table
def nearest_neighbour_rules(root: Path) -> list[list[object]]:
    def error(stage: str) -> str:
        return f"{100 * (1 - stage_metrics(root, stage)['accuracy']):.2f}%"

    idm = stage_metrics(root, "idm_evaluate")
    return [
        ["nearest-neighbour rule", "homl's test error", "published test error"],
        ["Euclidean, raw pixels (`knn_evaluate`)", error("knn_evaluate"), PUBLISHED_ERRORS["euclidean"]],
        [
            "Euclidean, the training digits and their 1-pixel shifts (`knn_augmented`)",
            error("knn_augmented"),
            "-",
        ],
        [
            "Euclidean, deskewed and blurred, with 1-pixel shifts (`knn_best`)",
            error("knn_best"),
            PUBLISHED_ERRORS["deskewed_shifted"],
        ],
        ["tangent distance", "not built", PUBLISHED_ERRORS["tangent"]],
        ["shape context matching", "not built", PUBLISHED_ERRORS["shape_context"]],
        [
            f"image distortion model: {idm['features']}, window {idm['window']}, context {idm['context']} "
            "(`idm_evaluate`)",
            f"**{error('idm_evaluate')}**",
            PUBLISHED_ERRORS["idm"],
        ],
        ["P2DHMDM (whole rows shift as well)", "not built", PUBLISHED_ERRORS["p2dhmdm"]],
    ]


@table
def idm_bench(root: Path) -> list[list[object]]:
    bench = bench_results(root, "idm_knn")
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
def digit_reading(root: Path) -> list[list[object]]:
    readers = stage_table(root, "digit_reading")
    chosen = stage_metrics(root, "digit_reading")["reader"]
    by_reader = readers.pivot_table(index="reader", columns="degradation", values="accuracy", sort=False)
    return [["reader", "mean validation accuracy", "worst degradation"]] + [
        [
            f"**{reader}** (chosen)" if reader == chosen else reader,
            f"{row.mean():.3f}",
            f"{row.idxmin()}: {row.min():.3f}",
        ]
        for reader, row in by_reader.iterrows()
    ]


@table
def digit_degradations(root: Path) -> list[list[object]]:
    accuracy = stage_metrics(root, "digit_degradations")["accuracy"]
    models = list(accuracy)
    degradations = stage_table(root, "digit_degradations")["degradation"].unique()
    return [["degradation (strength)", *(f"`{model}`" for model in models)]] + [
        [name, *(f"{accuracy[model][name]:.3f}" for model in models)] for name in degradations
    ]


@table
def knn_variants(root: Path) -> list[list[object]]:
    variants = stage_table(root, "knn_variant_choice").sort_values("cv_accuracy", ascending=False)
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
            k: chosen[k]
            for k in ("n_neighbors", "weights", "bandwidth", "patch_radius", "locality", "shifted_copies")
            if k in chosen
        }
        rows.append(
            [
                "noisy inputs"
                if name == "noisy"
                else f"`{name}`" + (" (saved)" if name == scores["saved"] else ""),
                settings_text(settings) if settings else "",
                f"{chosen['validation_psnr_db']:.2f} dB" if chosen else "",
                f"**{score['psnr_db']:.2f} dB**",
                f"{score['mse']:,.0f}",
                f"{score['knn_accuracy']:.4f}",
            ]
        )
    return rows
