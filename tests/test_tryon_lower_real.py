"""Trousers on a real person (issue 22, point 2): the waistband sits at her waist (no band of the old trousers
between the top's hem and the new waistband), the top's hem stays in front, and the quality check's sliver and
old-garment checks pass. Reads ../shared/realphotos and skips cleanly where it is absent."""
import time

import numpy as np
from PIL import Image

from core.tryon.classic import ClassicTryOn
from core.tryon.pose import analyse_person
from core.tryon.regions import body_frame

from testkit.realphotos import REAL, needs_real


@needs_real
def test_real_trousers_sit_at_the_waist_over_patterned_trousers():
    person = analyse_person(Image.open(REAL / "people" / "p04.jpg").convert("RGB"))
    garment = Image.open(REAL / "garments" / "g26.jpg").convert("RGB")
    t0 = time.perf_counter()
    r = ClassicTryOn().run(person.image, garment, "lower", person=person)
    assert time.perf_counter() - t0 <= 2.0
    f = body_frame(person, "lower")
    w, hip_y = f.width, float(min(f.lh[1], f.rh[1]))
    x0, x1 = sorted((int(f.rh[0]), int(f.lh[0])))
    before = np.asarray(person.image, np.float32)
    after = np.asarray(r.image, np.float32)
    same = np.abs(before - after).max(axis=2) < 8
    # Between the tee's hem and the hips the old patterned trousers showed (a band above the new waistband).
    band = np.zeros(same.shape, bool)
    band[int(hip_y - 0.45 * w):int(hip_y - 0.2 * w), x0:x1] = True
    band &= person.mask
    assert band.sum() > 500
    assert (same & band).sum() < 0.1 * band.sum()  # was ~all of it
    # The tee's hem just above stays in front, untouched.
    hem = np.zeros(same.shape, bool)
    hem[int(hip_y - 0.62 * w):int(hip_y - 0.54 * w), x0:x1] = True
    hem &= person.mask
    assert (same & hem).sum() > 0.9 * hem.sum()
    q = r.quality
    assert q.check("slivers").passed, q.check("slivers").value  # was 0.033 (white slivers beside the legs)
    assert q.check("old_garment").passed
    assert q.check("face_changed").value == 0.0
    # Placed as before, the same pair is "poor" (test_tryon_quality.py). Now "check", not "good": the spikes check
    # (since 776dc52) sees the dotted strip of her old print left along the outer edge of one leg, which is there
    # in the picture (looked at: /tmp/p04z.png in the stop's note), so only "backdrop slivers" may fail.
    assert q.verdict != "poor", q.summary()
    assert {c.name for c in q.checks if not c.passed} <= {"spikes"}, q.summary()
