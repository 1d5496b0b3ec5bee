"""Small data the tests build: MNIST-like digits, Titanic-like passengers, raw spam and ham."""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits

from homl.core import io
from homl.data import titanic


def digits_as_mnist() -> tuple[np.ndarray, np.ndarray]:
    """Scikit-learn's 1,797 8x8 digits, scaled to 0-240 and padded to 28x28 uint8, with their labels."""
    images, labels = load_digits(return_X_y=True)
    images = np.pad((images * 15).reshape(-1, 8, 8), ((0, 0), (10, 10), (10, 10))).astype(np.uint8)
    return images, labels.astype(np.uint8)


def save_tiny_mnist(path: Path, n_train: int, n_test: int) -> Path:
    """An MNIST file as fetch_mnist writes it, from the first n_train + n_test digits."""
    images, labels = digits_as_mnist()
    io.save_arrays(
        path,
        train_images=images[:n_train],
        train_labels=labels[:n_train],
        test_images=images[n_train : n_train + n_test],
        test_labels=labels[n_train : n_train + n_test],
    )
    return path


SURNAMES = ["Smith", "Brown", "Olsen", "Kelly", "Rossi", "Dubois", "Novak", "Moreau", "Walsh", "Berg"]


def make_passengers(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """Passengers in the Titanic table's schema, where class, sex and family decide survival."""
    rng = np.random.default_rng(seed)
    family = rng.integers(0, n // 3, n)  # passengers of a family share surname, ticket, class and fare
    pclass = 1 + family % 3
    female = rng.random(n) < 0.4
    boy = ~female & (rng.random(n) < 0.1)
    title = np.where(female, np.where(rng.random(n) < 0.5, "Mrs", "Miss"), np.where(boy, "Master", "Mr"))
    surname = np.array(SURNAMES)[family % len(SURNAMES)]
    names = [f"{s}{f}, {t}. Given" for s, f, t in zip(surname, family, title, strict=True)]
    survival_chance = np.where(female | boy, 0.9, 0.2) - 0.15 * (pclass - 1)
    survived = (rng.random(n) < survival_chance).astype(int)
    age = np.where(boy, rng.uniform(1, 12, n), rng.uniform(18, 70, n))
    table = pd.DataFrame(
        {
            "pclass": pclass,
            "survived": survived,
            "name": names,
            "sex": np.where(female, "female", "male"),
            "age": np.where(rng.random(n) < 0.2, np.nan, age.round()),
            "sibsp": rng.integers(0, 3, n),
            "parch": rng.integers(0, 3, n),
            "ticket": [f"T{f:05d}" for f in family],
            "fare": (100.0 / pclass + family % 7).round(2),
            "cabin": np.where(pclass == 1, [f"C{f}" for f in family], None),
            "embarked": np.array(["S", "C", "Q"])[family % 3],
            # What is known only afterwards, and gives the outcome away:
            "boat": np.where(survived == 1, "7", None),
            "body": np.where(survived == 1, np.nan, 100.0),
            "home.dest": np.where(survived == 1, "Saved, NY", "Lost, UK"),
        }
    )
    table.loc[rng.random(n) < 0.02, "embarked"] = None
    table.loc[rng.random(n) < 0.01, "fare"] = np.nan
    return titanic.normalize(table)


def save_digit_model(path: Path) -> Path:
    """A KNN digit model like the pipeline's, fitted on scikit-learn's digits in MNIST's format."""
    from homl.digits.knn import KNNClassifier
    from homl.digits.reading import DigitReader

    images, labels = load_digits(return_X_y=True)
    mnist_like = np.stack([DigitReader().read(image.reshape(8, 8) * 16) for image in images[:1500]])
    io.save_model(path, KNNClassifier(3, "distance").fit(mnist_like, labels[:1500]))
    return path


def save_denoiser(
    path: Path, clean: np.ndarray, n_neighbors: int, rng: np.random.Generator, shifted_copies: bool = False
) -> Path:
    """A bounded denoiser like `models/denoiser.joblib`, fitted on `clean` digits and noisy copies of them
    (the book's noise, drawn from `rng`)."""
    from homl.digits.denoise import KNNDenoiser
    from homl.digits.images import add_noise

    denoiser = KNNDenoiser(
        n_neighbors, method="bounded", noise=(0, 100), shifted_copies=shifted_copies, output_dtype="uint8"
    )
    io.save_model(path, denoiser.fit(add_noise(clean, 0, 100, rng), clean))
    return path


def save_digit_reader(path: Path) -> Path:
    """The reader `homl predict-digit --reader` takes: MNIST's format and nothing more (the defaults)."""
    from homl.digits.reading import DigitReader

    io.save_model(path, DigitReader())
    return path


def save_spam_model(path: Path) -> Path:
    """A spam model like `models/spam.joblib`, fitted on twenty one-line messages."""
    from homl.spam import email_features, parsing, spam_filter

    messages = [b"Subject: win\n\nfree money offer click now", b"Subject: patch\n\nkernel patch review"] * 10
    vectorizer = email_features.VectorizerParams(100, True, False, (3, 5), 1000)
    features = ("words", "structure")
    fields = email_features.email_fields({}, features, vectorizer)
    prepared = fields.transform([parsing.parse_email(m) for m in messages])
    model = spam_filter.vector_model("logistic_regression", features, vectorizer, 0)
    io.save_model(path, spam_filter.spam_model(fields, model.fit(prepared, [1, 0] * 10), 0.0))
    return path


def save_titanic_model(path: Path, passengers: pd.DataFrame) -> Path:
    """A survival model like `models/titanic.joblib`, fitted on `passengers`."""
    from homl.titanic import survival

    model = survival.survival_model(tuple(survival.FEATURES), "logistic_regression", 0)
    model.fit(passengers.drop(columns=["survived"]), passengers["survived"].to_numpy())
    io.save_model(path, model)
    return path


def make_spam_corpus(n: int = 240, seed: int = 0) -> pd.DataFrame:
    """Raw messages where spam talks about offers and ham about meetings, plus repeated bodies."""
    rng = np.random.default_rng(seed)
    spam_words = ["free", "offer", "money", "click", "winner", "cheap", "viagra", "deal"]
    ham_words = ["meeting", "project", "review", "lunch", "patch", "kernel", "thanks", "draft"]
    common = ["the", "and", "you", "today", "please", "team", "week", "note"]
    rows = []
    for i in range(n):
        is_spam = i % 3 == 0
        vocabulary = (spam_words if is_spam else ham_words) + common
        body = " ".join(rng.choice(vocabulary, 30)) + f" {rng.integers(1000)}"
        raw = f"From: someone{i}@example.org\nSubject: note {i}\nReceived: from relay{i % 5}\n\n{body}\n".encode()
        rows.append(("spam" if is_spam else "easy_ham", is_spam, raw))
    rows += [(group, is_spam, raw.replace(b"someone", b"again")) for group, is_spam, raw in rows[:12]]
    return pd.DataFrame(
        {
            "id": [f"{g}/{i:05d}" for i, (g, _, _) in enumerate(rows)],
            "group": [g for g, _, _ in rows],
            "is_spam": [s for _, s, _ in rows],
            "md5": [hashlib.md5(r).hexdigest() for _, _, r in rows],
            "raw": [r for _, _, r in rows],
        }
    )
