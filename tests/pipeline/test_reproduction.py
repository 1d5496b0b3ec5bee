"""The reproduction check compares content and metrics, not bytes: a model's new bytes pass, a changed metric fails."""

import io as bytes_io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from dvc_repo import DVC, ENV, new_repo, run
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from homl.core import io
from homl.report import fingerprints, reproduction

REPO = Path(__file__).resolve().parents[2]


def test_near_zero_distances_may_move_by_rounding_but_not_by_orders_of_magnitude():
    def linreg(distance: float) -> bytes:
        return json.dumps({"synthetic": {"batch_gd": {"distance_to_closed_form": distance}}}).encode()

    def agree(old: float, new: float) -> bool:
        return reproduction.compare_file("metrics/linreg.json", linreg(old), linreg(new)) == []

    # what another CPU's kernels gave (OpenBLAS's Haswell kernels, numpy without AVX-512)
    assert agree(5.82093053e-09, 5.82127118e-09) and agree(2.39149358e-15, 2.80866677e-15)
    assert agree(3.85391211e-12, 3.61050403e-12)
    assert not agree(2.81565735e-10, 9.5e-07)  # 3,400 times worse: no longer at the closed form
    assert not agree(5.82093053e-09, 8e-09)


def test_json_metrics_are_exact_unless_a_tolerance_is_declared():
    old, new = b'{"a": {"accuracy": 0.9714}}', b'{"a": {"accuracy": 0.97140001}}'
    assert reproduction.compare_file("metrics/knn_test.json", old, new) == [
        "metrics/knn_test.json: a.accuracy 0.9714 -> 0.97140001"
    ]
    assert reproduction.tolerance("metrics/linreg.json") > (0, 0)
    assert reproduction.compare_file("metrics/linreg.json", old, new) == []
    assert reproduction.compare_file("metrics/linreg.json", old, b'{"a": {"accuracy": 0.98}}') != []


def test_no_tracked_metric_records_a_duration():
    """Durations measure the machine, not the result: they live under bench/results, never in metrics/."""
    keys = [
        f"{path.name}: {key}"
        for path in sorted((REPO / "metrics").rglob("*.json"))
        for key, _ in reproduction._flatten(json.loads(path.read_text()))
        if "second" in key
    ]
    assert keys == []


def test_missing_and_new_keys_are_named():
    found = reproduction.compare_file("metrics/x.json", b'{"a": 1, "b": [1, 2]}', b'{"b": [1, 2, 3], "c": 2}')
    assert found == [
        "metrics/x.json: a is missing (committed: 1)",
        "metrics/x.json: b[2] is new (3)",
        "metrics/x.json: c is new (2)",
    ]


def test_csv_plots_are_compared_cell_by_cell():
    old = b"variant,accuracy\nplain,0.5\ndeskew,0.75\n"
    assert reproduction.compare_file("plots/knn_variants.csv", old, old) == []
    changed = reproduction.compare_file("plots/knn_variants.csv", old, old.replace(b"0.75", b"0.76"))
    assert changed == ["plots/knn_variants.csv: row 1 accuracy 0.75 -> 0.76"]
    assert "columns or rows changed" in reproduction.compare_file("plots/k.csv", old, b"variant\nplain\n")[0]


def png(pixels: np.ndarray, **metadata) -> bytes:
    buffer = bytes_io.BytesIO()
    info = PngInfo()
    for key, value in metadata.items():
        info.add_text(key, value)
    Image.fromarray(pixels).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def test_images_are_compared_by_pixels_not_bytes():
    pixels = np.random.default_rng(0).integers(0, 256, (40, 60, 3), dtype=np.uint8)
    old, renamed = png(pixels, Software="one"), png(pixels, Software="another")
    assert old != renamed and reproduction.compare_file("plots/p.png", old, renamed) == []
    repainted = pixels.copy()
    repainted[:20] = 255 - repainted[:20]
    assert "pixels differ" in reproduction.compare_file("plots/p.png", old, png(repainted))[0]


def test_array_fingerprints_ignore_float_noise_but_not_values(tmp_path):
    values = np.random.default_rng(1).standard_normal(1000)
    io.save_arrays(tmp_path / "a.npz", x=values, n=np.arange(5))
    io.save_arrays(tmp_path / "b.npz", x=np.nextafter(values, np.inf), n=np.arange(5))
    io.save_arrays(tmp_path / "c.npz", x=values, n=np.arange(1, 6))
    a, b, c = (fingerprints.fingerprint(tmp_path / f"{name}.npz") for name in "abc")
    assert a == b
    assert a["x"] == c["x"] and a["n"] != c["n"]


def test_table_fingerprints_ignore_the_writer_but_not_the_content(tmp_path):
    table = pd.DataFrame({"name": ["a", None, "c"], "age": [1.5, np.nan, 3.0], "raw": [b"x", b"y", b"z"]})
    table.to_parquet(tmp_path / "zstd.parquet", compression="zstd")
    table.to_parquet(tmp_path / "plain.parquet", compression=None, index=False)
    table.assign(name=["a", None, "d"]).to_parquet(tmp_path / "changed.parquet")
    zstd, plain, changed = (
        fingerprints.fingerprint(tmp_path / f"{n}.parquet") for n in ("zstd", "plain", "changed")
    )
    assert (tmp_path / "zstd.parquet").read_bytes() != (tmp_path / "plain.parquet").read_bytes()
    assert zstd == plain
    assert changed["name"] != zstd["name"] and changed["age"] == zstd["age"]


def test_every_data_file_dvc_yaml_writes_is_fingerprinted():
    """The list comes from dvc.yaml's outputs, so that a new data file cannot be missed."""
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    written = {
        out if isinstance(out, str) else next(iter(out))
        for stage in stages.values()
        for out in stage.get("outs", [])
    }
    data = {
        path for path in written if path.startswith("data/") and Path(path).suffix in (".npz", ".parquet")
    }
    fingerprinted = {dep for dep in stages["fingerprints"]["deps"] if dep.startswith("data/")}
    assert data and fingerprinted == data
    assert json.loads((REPO / "data" / "fingerprints.json").read_text()).keys() == data


def test_a_changed_font_digit_fails_the_reproduction(tmp_path):
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    io.save_arrays(tmp_path / "font_digits.npz", images=images, labels=np.arange(3, dtype=np.uint8))
    committed = json.dumps(fingerprints.fingerprints([tmp_path])).encode()
    images[1, 14, 14] = 1  # one pixel of one rendering
    io.save_arrays(tmp_path / "font_digits.npz", images=images, labels=np.arange(3, dtype=np.uint8))
    reproduced = json.dumps(fingerprints.fingerprints([tmp_path])).encode()
    assert reproduction.compare_file("data/fingerprints.json", committed, reproduced) != []


# A stage whose model bytes differ on every run (like a pickle made with another library version), and
# whose metric is computed from a parameter.
STAGE = """\
import json, os, sys, yaml
scale = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
open(sys.argv[1], "wb").write(os.urandom(64))
os.makedirs("metrics", exist_ok=True)
strength = yaml.safe_load(open("params.yaml"))["strength"]
json.dump({"score": strength * scale, "rows": 10}, open(sys.argv[2], "w"))
"""
PIPELINE = """\
stages:
  train:
    cmd: python train.py model.bin metrics/score.json {scale}
    deps: [train.py]
    params: [strength]
    outs: [model.bin]
    metrics:
      - metrics/score.json:
          cache: false
"""


@pytest.mark.slow
@pytest.mark.skipif(DVC is None, reason="needs dvc and git")
def test_on_a_throwaway_repository_new_model_bytes_pass_and_a_changed_metric_fails(tmp_path):
    repo = new_repo(tmp_path)
    (repo / "train.py").write_text(STAGE)
    (repo / "params.yaml").write_text("strength: 0.5\n")
    (repo / "dvc.yaml").write_text(PIPELINE.format(scale=1.0))
    run(repo, DVC, "repro", "-q")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-qm", "committed run")
    check = [sys.executable, "-m", "homl.report.reproduction", "HEAD"]

    model = (repo / "model.bin").read_bytes()
    run(repo, DVC, "repro", "-q", "--force")
    assert (repo / "model.bin").read_bytes() != model
    assert subprocess.run(check, cwd=repo, env=ENV, capture_output=True).returncode == 0

    (repo / "dvc.yaml").write_text(PIPELINE.format(scale=1.5))
    run(repo, DVC, "repro", "-q")
    result = subprocess.run(check, cwd=repo, env=ENV, capture_output=True, text=True)
    assert result.returncode == 1
    assert "metrics/score.json: score 0.5 -> 0.75" in result.stderr.splitlines()
    assert json.loads((repo / "metrics/score.json").read_text())["rows"] == 10


def reproduce(repo: Path, **env: str) -> str:
    """Run .ci/reproduce in `repo`, as .ci/run does after the tests; its output."""
    result = subprocess.run(
        ["bash", str(REPO / ".ci" / "reproduce")],
        cwd=repo,
        env={**ENV, "PYTHON": sys.executable, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
@pytest.mark.skipif(DVC is None, reason="needs dvc and git")
def test_ci_says_which_stages_it_re_ran_and_which_it_only_compared_with_themselves(tmp_path):
    (tmp_path / "origin").mkdir()
    origin, remote = new_repo(tmp_path / "origin"), tmp_path / "remote"
    (origin / "train.py").write_text(STAGE)
    (origin / "params.yaml").write_text("strength: 0.5\n")
    (origin / "dvc.yaml").write_text(PIPELINE.format(scale=1.0))
    run(origin, DVC, "remote", "add", "--default", "store", str(remote))
    run(origin, DVC, "repro", "-q")
    run(origin, "git", "add", "-A")
    run(origin, "git", "commit", "-qm", "committed run")

    def clone(name: str) -> Path:
        run(tmp_path, "git", "clone", "-q", str(origin), name)
        return tmp_path / name

    empty = reproduce(clone("empty-remote"))  # nothing pushed yet
    assert "cannot give every result of this commit" in empty
    assert "re-ran 1 of 1 stages: train" in empty and "compared with themselves" not in empty
    assert "the reproduction agrees" in empty

    run(origin, DVC, "push", "-q")
    full = reproduce(clone("full-remote"))
    assert "pulled every result of this commit" in full
    assert "re-ran 0 of 1 stages" in full
    assert "compared with themselves only (pulled, inputs unchanged, not re-run): train" in full

    forced = reproduce(clone("weekly"), HOML_FORCE_REPRODUCTION="1")
    assert "HOML_FORCE_REPRODUCTION=1: reproducing every stage" in forced
    assert "re-ran 1 of 1 stages: train" in forced and "compared with themselves" not in forced
