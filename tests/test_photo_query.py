"""Phone photos as search queries (issue 23.4): core.photo_query.prepare_query_photo cuts the garment from its
surface, stands it upright and lays it on a plain backdrop; a product shot is used as it is."""
import cv2
import numpy as np
import pytest
from PIL import Image

from core.photo_query import prepare_query_photo
from core.segmentation import garment_mask, silhouette
from testkit.design_measures import truth_of


def _phone(item: str, angle: float, seed: int = 0) -> Image.Image:
    """A sample shot laid on a beige textured surface, turned, cropped close and saved as JPEG."""
    import io

    img, truth = truth_of(item)
    rng = np.random.default_rng(seed)
    h, w = truth.shape
    surface = np.array([212, 194, 166], np.float32) + rng.standard_normal((h, w, 1)).astype(np.float32) * 4
    surface += cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 20)[..., None] * 50
    a = cv2.GaussianBlur(truth.astype(np.float32), (3, 3), 0)[..., None]
    shot = np.asarray(img, np.float32) * a + surface * (1 - a)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    shot = cv2.warpAffine(shot, m, (w, h), borderMode=cv2.BORDER_REFLECT)
    turned = cv2.warpAffine(truth.astype(np.float32), m, (w, h)) > 0.5
    ys, xs = np.nonzero(turned)
    crop = shot[max(0, ys.min() - 8):ys.max() + 8, max(0, xs.min() - 8):xs.max() + 8]
    buf = io.BytesIO()
    Image.fromarray(np.clip(crop, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=75)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


@pytest.mark.parametrize("item, angle", [("dress-010", 17), ("trousers-000", -14), ("tshirt-010", 12)])
def test_a_turned_phone_photo_stands_upright_on_a_plain_backdrop(item, angle):
    phone = _phone(item, angle)
    prepared = prepare_query_photo(phone)
    assert prepared.changed and "turned" in prepared.note
    assert abs(abs(prepared.angle) - abs(angle)) < 4, prepared.angle
    out = np.asarray(prepared.image)
    border = np.concatenate([out[:3].reshape(-1, 3), out[-3:].reshape(-1, 3)])
    assert np.abs(border.astype(int) - 246).max() < 12  # the catalog's plain light backdrop, no beige left
    # The garment reads as its kind again: upright, whole.
    _, truth = truth_of(item)
    want, got = silhouette(truth), silhouette(garment_mask(prepared.image))
    assert got.legs == want.legs and abs(got.aspect - want.aspect) < 0.25 * want.aspect, (got, want)


def test_a_product_shot_is_searched_as_it_is():
    img, _ = truth_of("coat-011")
    prepared = prepare_query_photo(img)
    assert not prepared.changed and prepared.image is img


def test_a_photo_with_no_garment_is_searched_as_it_is():
    flat = Image.new("RGB", (120, 160), (212, 194, 166))
    prepared = prepare_query_photo(flat)
    assert not prepared.changed and prepared.image is flat
