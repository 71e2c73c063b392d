"""Issue 23: a tag that names the wider kind (trousers) keeps the encoder's evidence for the narrower one (jeans), so
a shopper's "jeans" prefers the trousers that look most like jeans where the tag could not be sure (a greyscale
photo shows no blue denim)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core import attributes as a
from core.category_tag import narrower_share
from core.search.fusion import attribute_match_all, attribute_scores
from core.snapshot import Snapshot
from core.vocabulary import parse_query

REAL = Path(__file__).resolve().parents[2] / "shared" / "realphotos"


def _snapshot(metas: list[dict]) -> Snapshot:
    return Snapshot.build("v1", [f"i{n}" for n in range(len(metas))], np.zeros((len(metas), 4), np.float32), metas, {})


def test_a_trousers_tag_keeps_its_jeans_evidence_other_tags_none():
    assert narrower_share("trousers", {"jeans": 0.46, "jacket": 0.2}) == pytest.approx(0.46)
    assert narrower_share("trousers", {}) == 0.0
    assert narrower_share("dress", {"jeans": 0.9}) is None and narrower_share("jeans", {"jeans": 0.9}) is None
    tags = a.Tags("trousers", "grey", "solid", 0.9, 0.3, 0.3, narrower=0.3064)
    assert tags.metadata()["narrower_share"] == 0.306
    assert "narrower_share" not in a.Tags("dress", "grey", "solid", 0.9, 0.3, 0.3).metadata()


def test_jeans_prefers_the_trousers_that_look_like_jeans_and_trousers_does_not_change():
    trousers = {"category": "trousers", "category_confidence": 0.9}
    snap = _snapshot([
        trousers | {"narrower_share": 0.46},  # a pair of jeans the tag could not be sure of
        trousers | {"narrower_share": 0.13},  # dark trousers
        trousers,  # a tag from before (no evidence kept): its related weight alone
        {"category": "jeans", "category_confidence": 0.9, "narrower_share": None},
        {"category": "trousers", "category_confidence": 0.5, "narrower_share": 0.9},  # an untrusted guess
        {"category": "dress", "category_confidence": 0.9},
    ])
    assert np.isnan(snap.columns["narrower_share"][2])
    jeans = attribute_scores(snap, parse_query("jeans"))
    assert jeans[3] > jeans[0] > jeans[1] > jeans[2] > 0  # the jeans tag, then by evidence, then the plain tag
    assert jeans[2] == pytest.approx(0.9 * 0.3, rel=1e-3)  # the related weight, as before
    assert jeans[4] == jeans[5] == 0.0  # below TRUST, a tag is no boost whatever its evidence
    plain = attribute_scores(snap, parse_query("trousers"))
    assert plain[0] == plain[1] == plain[2]  # the evidence for jeans says nothing about "trousers"
    # "N have everything you asked for" counts tags that say jeans, not trousers that look like them
    assert attribute_match_all(snap, parse_query("jeans")).tolist() == [False, False, False, True, False, False]
    assert "narrower_share" not in _snapshot([trousers]).columns


@pytest.mark.skipif(not (REAL / "labels.json").is_file(), reason="../shared/realphotos is not here")
def test_real_greyscale_jeans_hold_the_most_jeans_evidence_among_trousers():
    from core.encoders.lite import LiteEncoder

    labels = json.loads((REAL / "labels.json").read_text())
    legs = labels["queries"]["trousers"]
    photos = [Image.open(REAL / "garments" / f"g{n:02d}.jpg").convert("L").convert("RGB") for n in legs]
    _, evidence = LiteEncoder().encode_images_with_evidence(photos)
    share = {n: narrower_share("trousers", e) for n, e in zip(legs, evidence)}
    jeans = labels["queries"]["jeans"]
    assert min(share[n] for n in jeans) > max(share[n] for n in legs if n not in jeans)
