"""The generated tables and prose figures of the README and of the pages under docs/, each written from
the file that holds it.

Each table sits between `<!-- table NAME -->` and `<!-- end NAME -->` in exactly one of those documents;
each exercise's tables live in its wing (`homl/<wing>/tables.py`), the pipeline-wide ones here.
`make readme` rewrites them all, and the figures of the prose (`homl.report.prose`), and a test fails when
one is out of date, so every figure in the documents comes from a file that the pipeline or a benchmark
writes, or from a citation.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from homl.core import io, pipeline
from homl.core.tables import TABLES, bench_results, cpu_name, stage_metrics, table
from homl.digits import tables as digits_tables  # registers the wings' tables
from homl.linreg import tables as linreg_tables  # noqa: F401
from homl.report import prose
from homl.spam import tables as spam_tables  # noqa: F401
from homl.titanic import tables as titanic_tables  # noqa: F401


@table
def stages(root: Path) -> list[list[object]]:
    """Every stage of dvc.yaml with its `desc` and what it writes; a foreach stage once, as `name@<key>`."""

    def code(path: str) -> str:
        return f"`{re.sub(r'[$][{](?:key|item)[}]', f'<{key}>', path)}`"

    rows = [["stage", "what it does", "writes"]]
    for name, stage in yaml.safe_load((root / "dvc.yaml").read_text())["stages"].items():
        key = stage["foreach"].strip("${}").split(".")[-1] if "foreach" in stage else ""
        stage = stage.get("do", stage)
        written = pipeline.declared_paths(stage, ("outs", "metrics", "plots"))
        label = f"`{name}@<{key}>`" if key else f"`{name}`"
        rows.append([label, stage["desc"], ", ".join(map(code, written))])
    return rows


def _patch_text(choice: dict) -> str:
    """How a denoiser's chosen setting weighs its neighbours, if locally: ", 3x3 patch weights"."""
    side = 2 * choice.get("patch_radius", 0) + 1
    return f", {side}x{side} patch weights" if side > 1 else ""


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
    reader, softmax = stage_metrics(root, "digit_reading"), stage_metrics(root, "softmax_iris")
    classifier, read, worst = digits_tables.photographed(root)
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
            f"image distortion model on {idm['features']}, window {idm['window']}, context {idm['context']}",
            f"test accuracy {idm['accuracy']:.4f}",
        ],
        [
            "MNIST digits photographed worse",
            f"the chosen reader: {reader['reader']}",
            f"`{classifier}` accuracy {read['none']:.3f} untouched, worst {read[worst]:.3f} ({worst})",
        ],
        [
            "noisy digits",
            f"{denoise['saved']} KNN{_patch_text(stage_metrics(root, 'denoise_search')[denoise['saved']])},"
            " chosen on validation",
            f"PSNR {denoise[denoise['saved']]['psnr_db']:.2f} dB (noisy {denoise['noisy']['psnr_db']:.2f})",
        ],
        [
            "Titanic",
            f"{titanic['classifier']}, repeated CV accuracy {titanic['repeated_cv_accuracy']:.4f}"
            f" ± {titanic['repeated_cv_standard_error']:.4f}",
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
        [
            "softmax regression (chapter 4's exercise)",
            f"batch GD in NumPy, early stopping at epoch {softmax['softmax_gd']['best_epoch']}",
            f"test accuracy {softmax['softmax_gd']['test_accuracy']:.4f} (scikit-learn "
            f"{softmax['sklearn_logistic_regression']['test_accuracy']:.4f})",
        ],
    ]


@table
def dask_cluster(root: Path) -> list[list[object]]:
    bench = bench_results(root, "dask_cluster")
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
def commands(root: Path) -> list[list[object]]:
    bench = bench_results(root, "commands")
    rows = [
        ("`homl predict-digit` (digit-classifier)", bench["predict_digit"]),
        ("`homl denoise`", bench["denoise"]),
    ]
    return [
        [
            f"command, on {cpu_name(bench['cpu'])}",
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
    bench = bench_results(root, "pipeline_timing")
    stages = sorted(bench["stages"], key=lambda stage: -stage["seconds"])
    return [
        ["stage", "wall time", "CPU time", "cores busy", "peak memory"],
        *[
            [
                f"`{s['stage']}`",
                f"{s['seconds']:.0f} s",
                f"{s['cpu_seconds']:.0f} s",
                f"{s['cpu_seconds'] / s['seconds']:.2f}",
                f"{s['peak_mb']:,.0f} MB",
            ]
            for s in stages
        ],
        [
            f"**every stage forced, {bench['stages_at_once']} at once, {bench['cores']} cores of "
            f"{cpu_name(bench['cpu'])}**",
            f"**{bench['total_seconds'] / 60:.1f} min**",
            f"{sum(s['cpu_seconds'] for s in stages) / 60:.1f} min",
            f"{prose.DERIVED['pipeline_cores_busy'](root):.2f}",
            "",
        ],
    ]


@table
def setup_time(root: Path) -> list[list[object]]:
    bench = bench_results(root, "setup_time")
    return [
        ["set-up from nothing (fresh clone, empty package cache)", "time"],
        ["`make install`: uv from `uv.lock`", f"**{bench['uv_seconds']:.0f} s**"],
        ["pip from `pyproject.toml`'s ranges (the former way)", f"{bench['pip_seconds']:.0f} s"],
    ]


def marker(name: str) -> tuple[str, str]:
    return f"<!-- table {name} (make readme) -->", f"<!-- end {name} -->"


README = "README.md"
PAGES = "docs"  # a page per exercise, and the details the README leaves out


def documents(root: Path = Path(".")) -> list[Path]:
    """The README, then every page under docs/."""
    return [root / README, *sorted((root / PAGES).glob("*.md"))]


def placed(texts: dict[Path, str]) -> None:
    """Check that exactly one document holds each registered table."""
    for name in TABLES:
        holders = [path for path, text in texts.items() if marker(name)[0] in text]
        if len(holders) != 1:
            raise ValueError(
                f"the table {name!r} must sit in exactly one document between the markers "
                f"{' and '.join(map(repr, marker(name)))}; it sits in {[str(path) for path in holders]}"
            )


def with_tables(text: str, root: Path = Path(".")) -> str:
    """The text with every registered table it holds rewritten from its files."""
    for name, render in TABLES.items():
        start, end = marker(name)
        if start not in text:
            continue
        pattern = re.compile(re.escape(start) + r"\n.*?" + re.escape(end), re.S)
        block = f"{start}\n{render(root)}\n{end}"
        text = pattern.sub(lambda _, block=block: block, text)
    return text


def rendered(text: str, root: Path = Path(".")) -> str:
    """The text with every table it holds and every figure of its prose rewritten from their files."""
    return prose.with_figures(with_tables(text, root), root)


def quick_metrics(root: Path = Path(".")) -> list[str]:
    """The metrics files a quick run wrote (`"quick": true` in them)."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in (root / "metrics").rglob("*.json")
        if io.read_json(path).get("quick")
    )


def rendered_documents(root: Path = Path(".")) -> dict[Path, str]:
    """Every document (`documents`) as `make readme` writes it; never from a quick run's metrics."""
    quick = quick_metrics(root)
    if quick:
        raise ValueError(
            f"{quick[0]} and {len(quick) - 1} other metrics files come from a quick run (`quick: true`): "
            "the README shows the real run's results; run `dvc repro` with `quick: false` first"
        )
    texts = {path: path.read_text(encoding="utf-8") for path in documents(root)}
    placed(texts)
    return {path: rendered(text, root) for path, text in texts.items()}
