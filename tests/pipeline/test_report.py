"""The report page in a real browser, and the README's generated tables."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from homl.core import tables
from homl.report import page as report
from homl.report import prose, readme

REPO = Path(__file__).resolve().parents[2]
README_LIMIT = 25_000  # bytes: the set-up, the headline results and their pictures, the links
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


def test_every_generated_table_and_figure_of_the_readme_and_its_pages_matches_its_files():
    for path, text in readme.rendered_documents(REPO).items():
        assert text == path.read_text(), f"{path.relative_to(REPO)} is out of date: run `make readme`"


def test_the_readme_stays_short_and_every_page_it_links_to_exists():
    text = (REPO / readme.README).read_text()
    assert len(text.encode()) < README_LIMIT
    linked = set(re.findall(r"\]\((docs/[\w.]+\.md)\)", text))
    assert linked == {path.relative_to(REPO).as_posix() for path in readme.documents(REPO)[1:]}


@pytest.mark.parametrize("path", readme.documents(REPO), ids=lambda path: path.name)
def test_every_local_link_and_image_of_a_document_exists(path):
    targets = re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", path.read_text())
    local = [target for target in targets if "://" not in target]
    assert local and [target for target in local if not (path.parent / target).exists()] == []


def test_the_spam_errors_the_spam_page_analyses_are_the_ones_the_model_makes():
    """The spam page sorts the model's test errors by kind, by hand: when they change, it must be redone."""
    from homl.core.tables import stage_table

    text = (REPO / readme.PAGES / "spam.md").read_text()
    block = re.search(r"<!-- analysis spam_test_errors -->(.*?)<!-- end analysis -->", text, re.S)
    analysed = set(re.findall(r"`(\w+/\d+)`", block.group(1)))
    assert analysed == set(stage_table(REPO, "spam_evaluate", "errors.csv")["message"])


@pytest.mark.parametrize("path", readme.documents(REPO), ids=lambda path: path.name)
def test_every_number_in_the_readme_and_its_pages_is_generated_or_cited(path):
    assert prose.unsourced(path.read_text()) == []


def test_a_number_in_prose_or_in_a_table_outside_the_generated_blocks_is_found():
    text = (
        "Recall 0.962 against 0.955 before.\n"
        "In `k=4`, chapter 3, figure 4-11, SHA-256, float32, [a link](https://x.org/2024), 0.97<!--cite book-->.\n"
        "```\nn = 20\n```\n"
        "<!-- table t (make readme) -->\n| accuracy | 0.97 |\n<!-- end t -->\n"
        "| a | b |\n| --- | --- |\n| accuracy | 0.97 |\n"
    )
    assert prose.unsourced(text) == [
        "1: Recall 0.962 against 0.955 before.",
        "11: | accuracy | 0.97 |",
    ]


def test_a_stale_figure_is_rewritten_from_its_file_in_the_format_it_is_written_in():
    precision = prose.stage_metrics(REPO, "spam_evaluate")["precision"]
    text = "precision 0.000<!--fig spam_evaluate:precision--> on 1<!--fig params:noisy.high--> and 2e-1<!--fig homl/report/reproduction.py:TOLERANCES.3.2-->"
    assert prose.with_figures(text, REPO) == (
        f"precision {precision:.3f}<!--fig spam_evaluate:precision--> on 100<!--fig params:noisy.high--> "
        "and 1e-9<!--fig homl/report/reproduction.py:TOLERANCES.3.2-->"
    )


@pytest.mark.parametrize(
    "measured, at_least, verdict",
    [(0.95, True, "reached"), (0.85, True, "not reached"), (0.85, False, "reached")],
)
def test_a_verdict_is_written_from_the_goal_and_its_figure(monkeypatch, measured, at_least, verdict):
    monkeypatch.setitem(prose.GOALS, "g", prose.Goal(0.9, lambda root: measured, at_least))
    text = (
        "The goal of 0.5<!--fig goal:g--> is **not reached**<!--verdict g--> and **reached**<!--verdict g-->."
    )
    assert prose.with_figures(text, REPO) == (
        f"The goal of 0.9<!--fig goal:g--> is **{verdict}**<!--verdict g--> and **{verdict}**<!--verdict g-->."
    )


def test_a_difference_at_rounding_level_reads_the_same_on_every_cpu():
    assert tables.difference_text(3.9e-12) == tables.difference_text(3.6e-12) == "< 1e-11"
    assert tables.difference_text(0.0) == "0"
    assert (
        tables.difference_text(5.82e-9) == "5.8e-09" and tables.difference_text(5.82e-9, ".2g") == "5.8e-09"
    )


def test_a_table_names_the_cpu_by_its_model_and_widest_vectors():
    assert (
        tables.cpu_name({"vendor": "AuthenticAMD", "model": "AMD EPYC", "vectors": "AVX2"})
        == "AMD EPYC (AVX2)"
    )
    assert tables.cpu_name({"vendor": "arm", "model": "", "vectors": None}) == ""


def test_the_exact_search_goal_takes_the_slowest_cpu_vendor_and_a_missing_one_as_not_reached(tmp_path):
    def run(vendor: str, ratio: float) -> dict:
        return {"cpu": {"vendor": vendor, "model": vendor, "vectors": "AVX2"}, "faiss_over_homl": ratio}

    results = tmp_path / "bench" / "results" / "exact_search.json"
    results.parent.mkdir(parents=True)
    goal = prose.GOALS["exact_search_speed"]
    results.write_text(json.dumps(run("AuthenticAMD", 2.4)))
    assert goal.measured(tmp_path) == 0.0 and not goal.reached(tmp_path)
    results.write_text(json.dumps({**run("AuthenticAMD", 2.4), "other_cpus": [run("GenuineIntel", 2.1)]}))
    assert goal.measured(tmp_path) == 2.1 and goal.reached(tmp_path)
    results.write_text(json.dumps({**run("GenuineIntel", 1.8), "other_cpus": [run("AuthenticAMD", 2.4)]}))
    assert goal.measured(tmp_path) == 1.8 and not goal.reached(tmp_path)


@pytest.mark.parametrize(
    "text, missing", [("1<!--cite nobody-->", "citation"), ("1<!--fig nothing-->", "derived")]
)
def test_a_marker_naming_no_source_is_an_error(text, missing):
    with pytest.raises(KeyError, match=missing):
        prose.with_figures(text, REPO)


def test_a_table_in_no_document_or_in_two_is_an_error():
    start, end = readme.marker(next(iter(readme.TABLES)))
    table = f"{start}\n{end}\n"
    with pytest.raises(ValueError, match=r"exactly one document.*sits in \[\]"):
        readme.placed({Path("README.md"): "# no markers here\n"})
    with pytest.raises(ValueError, match="sits in .*a.md.*b.md"):
        readme.placed({Path("a.md"): table, Path("b.md"): table})


def test_the_template_needs_the_vega_scripts(tmp_path):
    with pytest.raises(FileNotFoundError, match="npm ci"):
        report.offline_template(tmp_path)
