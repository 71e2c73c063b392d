"""The bundled people: public-domain photos shipped inside installed packages (MediaPipe analyses them) and the
croquis figures Atelier draws itself (exact landmarks and masks, no analysis needed)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from core.tryon.pose import Person, TryOnInputError

# What a stylist reads in the picker (plain names) -> where the photo comes from (shown under "About").
PLAIN_NAMES = {"Grace Hopper (matplotlib)": "Grace Hopper · portrait",
               "Astronaut (scikit-image)": "Astronaut · portrait"}
PROVENANCE = {"Grace Hopper · portrait": "public-domain photo of Grace Hopper shipped with matplotlib",
              "Astronaut · portrait": "public-domain NASA photo of Eileen Collins shipped with scikit-image"}


def sample_photos() -> dict[str, Path]:
    """Public-domain person photos that ship inside installed packages (keyed by where they come from)."""
    out = {}
    try:
        import matplotlib.cbook as cb

        out["Grace Hopper (matplotlib)"] = Path(cb.get_sample_data("grace_hopper.jpg", asfileobj=False))
    except Exception:
        pass
    try:
        import skimage

        p = Path(skimage.__file__).parent / "data" / "astronaut.png"
        if p.exists():
            out["Astronaut (scikit-image)"] = p
    except Exception:
        pass
    return out


def sample_people() -> list[str]:
    """Every bundled person's plain label: the photos, then the croquis figures."""
    from core.tryon.croquis import FIGURES

    return [PLAIN_NAMES.get(k, k) for k in sample_photos()] + [f.label for f in FIGURES.values()]


def provenance(label: str) -> str:
    """Where a bundled person comes from, in a sentence (for the page's About section)."""
    if label in PROVENANCE:
        return PROVENANCE[label]
    return "a full-body fashion figure drawn by Atelier (exact pose, no photo analysis)"


def is_croquis(label: str) -> bool:
    return label.startswith("Croquis")


def sample_person(name: str) -> tuple[Image.Image, Person | None]:
    """A bundled person by a word of their label ("grace", "astronaut", "croquis-tall-deep"): the image and, for a
    croquis figure, its exact analysis (photos: None, MediaPipe analyses them)."""
    from core.tryon.croquis import FIGURES, draw_figure

    key = name.strip().lower()
    photos = {PLAIN_NAMES.get(k, k): p for k, p in sample_photos().items()}
    sources = {PLAIN_NAMES.get(k, k): k for k in sample_photos()}
    hits = [label for label in sample_people()
            if key and (key in label.lower() or key in sources.get(label, "").lower())]
    if len(hits) != 1:
        raise TryOnInputError(f"No single sample person matches {name!r}; the bundled ones are: "
                              f"{', '.join(sample_people())}.")
    if hits[0] in photos:
        return Image.open(photos[hits[0]]).convert("RGB"), None
    fig = next(f for f in FIGURES.values() if f.label == hits[0])
    person = draw_figure(fig)
    return person.image, person


def fits_kind(person: Person, kind: str) -> str | None:
    """None when the photo shows enough of the body for this garment kind, else the plain reason it does not
    (the same test the backends apply: hips in the photo, and the legs to the knees for bottoms and dresses)."""
    from core.tryon.regions import body_frame

    try:
        body_frame(person, kind)
    except TryOnInputError as exc:
        return str(exc)
    return None


def full_body_label() -> str:
    """The figure Try-On switches to when a bottom or a dress meets a portrait: the average croquis."""
    from core.tryon.croquis import FIGURES

    return FIGURES["average"].label
