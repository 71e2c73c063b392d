"""The try-on judge set (bench/bench_tryon_judge.py) is chosen by rule: 13 pairs spread over kinds and people, the
same every run, from labels and poses only."""
import numpy as np

from bench import bench_tryon_judge as judge


class FakePerson:
    """Joints of a person standing straight, or with the left arm bent at the elbow."""

    def __init__(self, bent: bool):
        self.joints = {"l_shoulder": (120, 100), "l_elbow": (125, 180), "l_wrist": (130, 260),
                       "r_shoulder": (60, 100), "r_elbow": (55, 180), "r_wrist": (50, 260)}
        if bent:
            self.joints["l_wrist"] = (60, 170)

    def visible(self, name: str) -> bool:
        return name in self.joints

    def point(self, name: str) -> np.ndarray:
        return np.array(self.joints[name], np.float32)


LABELS = {
    "category": {"top": [2, 3, 4, 5, 8], "tshirt": [0, 1, 6, 7, 9], "trousers": [21, 22, 23, 24], "dress": [29, 30, 31, 32]},
    "colour": {"white": [6, 30]}, "pattern": {"striped": [2]},
    "people": {"full_body": ["p03", "p04", "p05", "p06", "p07", "p08", "p09", "p10", "p11", "p12"],
               "half_body": ["p00", "p01", "p02"]},
}


def test_the_judge_set_is_13_pairs_spread_over_kinds_people_and_poses(monkeypatch):
    monkeypatch.setattr(judge, "own_top_product_shot", lambda person: ("shot", ""))
    people = {p: FakePerson(bent=p == "p01") for p in LABELS["people"]["full_body"] + LABELS["people"]["half_body"]}
    pairs = judge.choose(LABELS, people)
    assert pairs == judge.choose(LABELS, people)  # fixed seed: the same set every run
    assert len(pairs) == 13
    kinds = [k for _, _, k in pairs]
    assert kinds.count("upper") == 7 and kinds.count("lower") == 3 and kinds.count("dress") == 3
    tops = [g for g, _, k in pairs if k == "upper" and g != "own"]
    assert "g02" in tops and "g06" in tops and len(set(tops)) == 6  # the striped one, the white one
    assert sum(g == "own" for g, _, _ in pairs) == 1
    assert pairs[0][1] == "p01"  # the first top on the person with a bent arm
    top_people = [p for _, p, k in pairs if k == "upper"]
    assert set(top_people) & set(LABELS["people"]["half_body"]) and set(top_people) & set(LABELS["people"]["full_body"])
    lower = [p for _, p, k in pairs if k in ("lower", "dress")]
    assert set(lower) <= set(LABELS["people"]["full_body"]) and len(set(lower)) == 6  # distinct full-body people


def test_a_bent_elbow_is_told_from_a_straight_arm():
    assert judge.bent_arm(FakePerson(bent=True))
    assert not judge.bent_arm(FakePerson(bent=False))
