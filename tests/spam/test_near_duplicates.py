import numpy as np

from homl.core import selection
from homl.spam import near_duplicates

CFG = near_duplicates.Params(threshold=0.5, shingle_words=5, permutations=128)
CAMPAIGN = (
    "Dear {name}, you have been selected to receive a free cruise to the Bahamas for two people. "
    "Call {number} today or visit {link} to claim your prize before the offer ends this Friday. "
    "This is a limited time offer and only the first hundred callers will receive the bonus gift."
)


def corpus(rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    """Ten campaigns, each sent six times with another name, number and link, and 60 unrelated notes."""
    vocabulary = [f"word{i}" for i in range(3000)]
    texts, campaign = [], []
    for c in range(10):
        template = CAMPAIGN.replace("cruise", f"cruise{c}").replace("Bahamas", f"island{c}")
        template += " " + " ".join(rng.choice(vocabulary, 40))
        for copy in range(6):
            texts.append(
                template.format(name=f"name{copy}", number=f"555-{c}{copy}", link=f"http://x{copy}.biz")
            )
            campaign.append(c)
    texts += [" ".join(rng.choice(vocabulary, 80)) for _ in range(60)]
    campaign += list(range(10, 70))
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], np.array(campaign)[order]


def test_near_copies_share_a_group_and_strangers_do_not():
    texts, campaign = corpus(np.random.default_rng(0))
    groups = near_duplicates.copy_groups(texts, CFG, seed=1)
    for c in range(70):
        assert len(set(groups[campaign == c])) == 1  # every copy of a campaign together
    assert len(set(groups)) == 70  # and no two campaigns or notes merged
    assert groups[0] == 0 and sorted(set(groups)) == list(range(70))  # numbered by first appearance


def test_a_group_split_never_puts_near_copies_on_both_sides():
    texts, campaign = corpus(np.random.default_rng(2))
    groups = near_duplicates.copy_groups(texts, CFG, seed=1)
    is_spam = campaign < 10
    for train, test in selection.folds(5, 0, grouped=True).split(texts, is_spam, groups):
        assert not set(groups[train]) & set(groups[test])
        assert 0 < is_spam[test].sum() < len(test)


def test_group_sizes_count_the_groups():
    sizes = near_duplicates.group_sizes(np.array([0, 0, 1, 2, 2, 2, 3]))
    assert sizes == {
        "groups": 4,
        "texts_with_a_near_copy": 5,
        "groups_of_2": 1,
        "groups_of_3_to_10": 1,
        "groups_over_10": 0,
        "largest_group": 3,
    }
