"""Split the passengers into stratified training and test parts (share and seed from params.yaml)."""

from sklearn.model_selection import train_test_split

from homl.core import io, params, selection, stage
from homl.data import titanic


def main() -> None:
    args = stage.paths(__doc__, "passengers", "train", "test")
    cfg, seed = params.load("titanic.split", selection.SplitParams), params.load("seed", int)
    passengers = titanic.load(args.passengers)
    train, test = train_test_split(
        passengers, test_size=cfg.test_size, stratify=passengers[titanic.TARGET], random_state=seed
    )
    io.write_table(args.train, train.sort_index())
    io.write_table(args.test, test.sort_index())


if __name__ == "__main__":
    stage.run(main)
