"""The report: an offline `dvc plots show` page, and the README's tables made from the files behind them.

python -m homl.report page [OUT_DIR]     every plot of dvc.yaml in OUT_DIR/index.html (default dvc_plots)
python -m homl.report page --experiments  the same, HEAD's experiments side by side: their changed params and
                                         metrics in a table, their plots overlaid
python -m homl.report readme [ROOT]      rewrite every generated table and prose figure of the README and of
                                         the pages in docs/ (homl/report/readme.py, homl/report/prose.py) and
                                         the model cards beside the models (homl/report/model_cards.py)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pandas as pd

from homl.core import io
from homl.report import model_cards, readme

REPORT_DIR = Path(__file__).resolve().parents[2] / "report"
DVC = (sys.executable, "-m", "dvc")
EXPERIMENT_BOOKKEEPING = "Created|State|Executor|typ"
SCRIPTS = ("vega/build/vega.min.js", "vega-lite/build/vega-lite.min.js", "vega-embed/build/vega-embed.min.js")

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
{experiments}
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


def offline_template(node_modules: Path = REPORT_DIR / "node_modules", experiments: str = "") -> str:
    """DVC's page template with Vega, Vega-Lite and Vega-Embed inlined, so the page needs no network."""
    missing = [script for script in SCRIPTS if not (node_modules / script).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{node_modules / missing[0]} is missing: run `npm ci` in {node_modules.parent}"
        )
    scripts = "\n".join(
        f"<script>\n{(node_modules / script).read_text(encoding='utf-8')}\n</script>" for script in SCRIPTS
    )
    return PAGE.format(inline_scripts=scripts, experiments=experiments)


def dvc_output(repo: Path, *arguments: str) -> str:
    return subprocess.run([*DVC, *arguments], cwd=repo, check=True, capture_output=True, text=True).stdout


def experiments_table(repo: Path) -> str:
    """HEAD and its experiments as an HTML table: every param and metric that differs between them."""
    shown = dvc_output(repo, "exp", "show", "--csv", "--only-changed", "--drop", EXPERIMENT_BOOKKEEPING)
    table = pd.read_csv(StringIO(shown), dtype=str, keep_default_na=False)  # figures as DVC prints them
    return "<h2>Experiments</h2>\n" + table.to_html(index=False, border=0)


def build_page(
    out_dir: Path, revisions: list[str] | None = None, repo: Path = Path("."), experiments: bool = False
) -> Path:
    """Render every plot with `dvc plots show` (or `dvc plots diff` between `revisions`) into out_dir.

    With `experiments`, the revisions are HEAD and its experiments, whose table heads the page.
    """
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    table = ""
    if experiments:
        revisions = ["HEAD", *dvc_output(repo, "exp", "ls", "--name-only").split()]
        table = experiments_table(repo)
    template = out_dir / "template.html"
    template.write_text(offline_template(experiments=table), encoding="utf-8")
    command = [*DVC, "plots", "diff", *revisions] if revisions else [*DVC, "plots", "show"]
    subprocess.run([*command, "-o", str(out_dir), "--html-template", str(template)], cwd=repo, check=True)
    return out_dir / "index.html"


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
    page.add_argument("--experiments", action="store_true", help="HEAD's experiments side by side")
    rewrite = commands.add_parser("readme")
    rewrite.add_argument("root", nargs="?", default=".", type=Path)
    args = parser.parse_args(argv)
    if args.command == "page":
        print(build_page(args.out_dir, args.diff, experiments=args.experiments))
    else:
        for path, text in readme.rendered_documents(args.root).items():
            io.write_bytes(path, text.encode())
        for name, text in model_cards.cards(args.root).items():
            io.write_bytes(args.root / model_cards.FOLDER / f"{name}.md", text.encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
