"""The report: an offline `dvc plots show` page, and the README's results table made from the metrics files.

python -m homl.report page [OUT_DIR]     every plot of dvc.yaml in OUT_DIR/index.html (default dvc_plots)
python -m homl.report readme [README]    rewrite the table between the README's results markers
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from homl import io

REPORT_DIR = Path(__file__).resolve().parent.parent / "report"
SCRIPTS = ("vega/build/vega.min.js", "vega-lite/build/vega-lite.min.js", "vega-embed/build/vega-embed.min.js")
START, END = "<!-- results:start (python -m homl.report readme) -->", "<!-- results:end -->"

PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>homl: every plot of the pipeline</title>
{inline_scripts}
<style>body {{ font-family: sans-serif; }} table {{ border-spacing: 15px; }}</style>
</head>
<body>
<h1>homl: every plot of the pipeline</h1>
{{plot_divs}}
<script>
// Read by the browser test: how many images the browser could decode.
window.addEventListener("load", () => {{
  const images = [...document.images];
  document.body.dataset.images = images.length;
  document.body.dataset.imagesLoaded = images.filter((image) => image.complete && image.naturalWidth > 0).length;
}});
</script>
</body>
</html>
"""


def offline_template(node_modules: Path = REPORT_DIR / "node_modules") -> str:
    """DVC's page template with Vega, Vega-Lite and Vega-Embed inlined, so the page needs no network."""
    missing = [script for script in SCRIPTS if not (node_modules / script).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{node_modules / missing[0]} is missing: run `npm ci` in {node_modules.parent}"
        )
    scripts = "\n".join(
        f"<script>\n{(node_modules / script).read_text(encoding='utf-8')}\n</script>" for script in SCRIPTS
    )
    return PAGE.format(inline_scripts=scripts)


def build_page(out_dir: Path, revisions: list[str] | None = None, repo: Path = Path(".")) -> Path:
    """Render every plot with `dvc plots show` (or `dvc plots diff` between `revisions`) into out_dir."""
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    template = out_dir / "template.html"
    template.write_text(offline_template(), encoding="utf-8")
    command = ["dvc", "plots", "diff", *revisions] if revisions else ["dvc", "plots", "show"]
    subprocess.run([*command, "-o", str(out_dir), "--html-template", str(template)], cwd=repo, check=True)
    return out_dir / "index.html"


def _row(label: str, *cells: object) -> str:
    return "| " + " | ".join([label, *map(str, cells)]) + " |"


def results_table(metrics: Path = Path("metrics")) -> str:
    """The headline figures of every exercise, read from the metrics files."""
    read = lambda name: io.read_json(metrics / name)  # noqa: E731
    knn, augmented, best = read("knn_test.json"), read("knn_augmented.json"), read("knn_best.json")
    denoise, titanic, spam, headers = (
        read("denoise.json"),
        read("titanic_test.json"),
        read("spam_test.json"),
        read("spam_headers.json"),
    )
    linreg = read("linreg.json")["synthetic"]
    lines = [
        "| exercise | result | figure |",
        "| --- | --- | --- |",
        _row(
            "MNIST KNN",
            f"k={knn['n_neighbors']}, {knn['weights']} weights",
            f"test accuracy {knn['accuracy']:.4f}",
        ),
        _row(
            "MNIST + shifts",
            f"{augmented['train_images']:,} training images",
            f"test accuracy {augmented['accuracy']:.4f}",
        ),
        _row(
            "MNIST best variant",
            f"deskew {'on' if best['deskew'] else 'off'}, blur sigma {best['blur_sigma']}, + shifts",
            f"test accuracy {best['accuracy']:.4f}",
        ),
        _row(
            "noisy digits",
            "posterior KNN (vote / mean)",
            f"PSNR {denoise['posterior']['psnr_db']:.2f} dB ({denoise['vote']['psnr_db']:.2f} / "
            f"{denoise['mean']['psnr_db']:.2f}; noisy {denoise['noisy']['psnr_db']:.2f})",
        ),
        _row(
            "Titanic",
            f"{titanic['classifier']}, CV accuracy {titanic['cv_accuracy']:.4f}",
            f"test accuracy {titanic['accuracy']:.4f}, ROC AUC {titanic['roc_auc']:.3f}",
        ),
        _row(
            "spam, headers stripped",
            f"threshold {spam['threshold']:.3f}",
            f"test precision {spam['precision']:.3f}, recall {spam['recall']:.3f}",
        ),
        _row(
            "spam, headers kept",
            f"threshold {headers['test']['threshold']:.3f}",
            f"test precision {headers['test']['precision']:.3f}, recall {headers['test']['recall']:.3f}",
        ),
        _row(
            "linear regression",
            "distance to the normal equation",
            ", ".join(
                f"{name.replace('_', ' ')} {linreg[name]['distance_to_closed_form']:.1e}"
                for name in ("batch_gd", "minibatch_gd", "stochastic_gd")
            ),
        ),
    ]
    return "\n".join(lines)


def with_results(readme: str, table: str) -> str:
    """The README text with the table between the results markers replaced."""
    before, found_start, rest = readme.partition(START)
    _, found_end, after = rest.partition(END)
    if not (found_start and found_end):
        raise ValueError(f"the README lacks the markers {START!r} and {END!r}")
    return f"{before}{START}\n{table}\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m homl.report",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    page = commands.add_parser("page")
    page.add_argument("out_dir", nargs="?", default="dvc_plots", type=Path)
    page.add_argument("--diff", nargs="*", metavar="REV", help="compare revisions with `dvc plots diff`")
    readme = commands.add_parser("readme")
    readme.add_argument("path", nargs="?", default="README.md", type=Path)
    args = parser.parse_args(argv)
    if args.command == "page":
        print(build_page(args.out_dir, args.diff))
    else:
        io.write_bytes(args.path, with_results(args.path.read_text(), results_table()).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
