"""A tiny dataset in the VITON-HD folder layout, drawn by the tests (people, garments, parses, OpenPose JSON)."""
from __future__ import annotations

import json
import random
from pathlib import Path

from PIL import Image, ImageDraw


def make_viton_tiny(root: Path, n: int = 6, size=(192, 256), body25: bool = True) -> Path:
    W, H = size
    rng = random.Random(0)
    base = root / "train"
    for sub in ("image", "cloth", "cloth-mask", "image-parse-v3", "openpose_json"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    pairs = []
    for i in range(n):
        colour = tuple(rng.randint(30, 220) for _ in range(3))
        cx = W // 2 + rng.randint(-12, 12)
        sw = rng.randint(38, 50)  # half shoulder width
        top, hip = int(H * 0.28) + rng.randint(-6, 6), int(H * 0.62)
        person = Image.new("RGB", (W, H), (200, 205, 210))
        parse = Image.new("P", (W, H), 0)
        d, p = ImageDraw.Draw(person), ImageDraw.Draw(parse)
        d.ellipse((cx - 22, top - 62, cx + 22, top - 10), fill=(224, 180, 150))  # face
        p.ellipse((cx - 22, top - 62, cx + 22, top - 10), fill=13)
        d.rectangle((cx - 30, hip, cx + 30, H - 10), fill=(40, 40, 80))  # trousers
        p.rectangle((cx - 30, hip, cx + 30, H - 10), fill=9)
        shirt = [(cx - sw, top), (cx + sw, top), (cx + sw - 6, hip), (cx - sw + 6, hip)]
        d.polygon(shirt, fill=colour)
        p.polygon(shirt, fill=5)
        name = f"{i:05d}_00.jpg"
        person.save(base / "image" / name)
        parse.putpalette([v for k in range(256) for v in (k * 13 % 256, k * 7 % 256, k * 29 % 256)])
        parse.save(base / "image-parse-v3" / name.replace(".jpg", ".png"))
        cloth = Image.new("RGB", (W, H), (255, 255, 255))
        mask = Image.new("L", (W, H), 0)
        flat = [(W / 2 - 60, 40), (W / 2 + 60, 40), (W / 2 + 52, H - 50), (W / 2 - 52, H - 50)]
        ImageDraw.Draw(cloth).polygon(flat, fill=colour)
        ImageDraw.Draw(mask).polygon(flat, fill=255)
        cloth.save(base / "cloth" / name)
        mask.save(base / "cloth-mask" / name)
        coco = {0: (cx, top - 36), 1: (cx, top), 2: (cx - sw, top), 3: (cx - sw - 8, top + 40), 4: (cx - sw - 8, hip),
                5: (cx + sw, top), 6: (cx + sw + 8, top + 40), 7: (cx + sw + 8, hip), 8: (cx - 20, hip),
                9: (cx - 20, hip + 40), 10: (cx - 20, H - 12), 11: (cx + 20, hip), 12: (cx + 20, hip + 40),
                13: (cx + 20, H - 12), 14: (cx - 8, top - 42), 15: (cx + 8, top - 42), 16: (cx - 18, top - 38),
                17: (cx + 18, top - 38)}
        if body25:  # VITON-HD ships BODY_25: COCO joints at their BODY_25 slots, mid-hip at 8
            b25 = [[0.0, 0.0, 0.0] for _ in range(25)]
            for coco_i, b25_i in enumerate([0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]):
                b25[b25_i] = [*coco[coco_i], 0.9]
            b25[8] = [cx, hip, 0.9]
            flat_kp = [v for k in b25 for v in k]
        else:
            flat_kp = [v for k in range(18) for v in (*coco[k], 0.9)]
        (base / "openpose_json" / name.replace(".jpg", "_keypoints.json")).write_text(
            json.dumps({"version": 1.3, "people": [{"pose_keypoints_2d": flat_kp}]}))
        pairs.append(f"{name} {name}")
    (root / "train_pairs.txt").write_text("\n".join(pairs) + "\n")
    return root
