"""A model card beside every model users load, its figures read from the metrics."""

import json
import shutil
from pathlib import Path

import pytest

from homl.core import pipeline
from homl.report import model_cards

REPO = Path(__file__).resolve().parents[2]


def test_every_artifact_has_a_card_and_the_committed_cards_are_current():
    cards = model_cards.cards(REPO)
    assert set(cards) == set(pipeline.artifacts(REPO / "dvc.yaml"))
    for name, text in cards.items():
        assert (REPO / model_cards.FOLDER / f"{name}.md").read_text() == text, "run `make readme`"
        assert all(f"## {section}" in text for section in model_cards.SECTIONS)


def test_a_card_reads_its_figures_from_the_metrics(tmp_path):
    for name in ("dvc.yaml", "params.yaml", "metrics"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, tmp_path / name)
    metrics = tmp_path / pipeline.output("spam_evaluate", "metrics", REPO / "dvc.yaml")
    figures = json.loads(metrics.read_text())
    assert f"precision **{figures['precision']:.3f}**" in model_cards.cards(tmp_path)["spam-filter"]
    metrics.write_text(json.dumps({**figures, "precision": 0.5}))
    assert "precision **0.500**" in model_cards.cards(tmp_path)["spam-filter"]


def test_an_artifact_without_a_card_is_an_error(tmp_path, monkeypatch):
    monkeypatch.delitem(model_cards.CARDS, "spam-filter")
    with pytest.raises(KeyError, match="no model card for spam-filter"):
        model_cards.cards(REPO)
