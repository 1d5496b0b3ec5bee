"""The report page in a real browser, and the README's generated tables."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from homl import readme, report

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def declared_plots() -> tuple[int, int]:
    """How many Vega plots and how many images dvc.yaml declares."""
    plots = yaml.safe_load((REPO / "dvc.yaml").read_text())["plots"]
    names = [entry if isinstance(entry, str) else next(iter(entry)) for entry in plots]
    images = sum(name.endswith(".png") for name in names)
    return len(names) - images, images


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs Debian's chromium)")
def test_every_declared_plot_renders_in_chromium(tmp_path):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    page = subprocess.run(
        [sys.executable, "-m", "homl.report", "page", str(tmp_path / "page")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert page.returncode == 0, page.stderr
    dom = subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=30000",
            "--dump-dom",
            (tmp_path / "page" / "index.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    vega_plots, images = declared_plots()
    rendered = re.findall(r'<canvas width="(\d+)" height="(\d+)" class="marks">', dom)
    assert len(rendered) == vega_plots and all(int(w) > 0 and int(h) > 0 for w, h in rendered)
    loaded = re.search(r'data-images="(\d+)" data-images-loaded="(\d+)"', dom)
    assert loaded and loaded.groups() == (str(images), str(images))


def test_every_generated_readme_table_matches_its_files():
    text = (REPO / "README.md").read_text()
    assert readme.with_tables(text, REPO) == text, "README.md is out of date: run `make readme`"


def test_every_readme_table_with_figures_is_generated():
    assert readme.unsourced_tables((REPO / "README.md").read_text()) == []


def test_a_table_with_figures_outside_the_generated_blocks_is_found():
    text = "| a | b |\n| --- | --- |\n| `k=4` | ok |\n| accuracy | 0.97 |\n"
    assert readme.unsourced_tables(text) == ["| accuracy | 0.97 |"]


def test_a_readme_without_markers_is_an_error():
    with pytest.raises(ValueError, match="lacks the markers"):
        readme.with_tables("# no markers here\n", REPO)


def test_the_template_needs_the_vega_scripts(tmp_path):
    with pytest.raises(FileNotFoundError, match="npm ci"):
        report.offline_template(tmp_path)
