"""The bundled people: public-domain photos shipped inside installed packages (MediaPipe analyses them) and the
croquis figures Atelier draws itself (exact landmarks and masks, no analysis needed)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from core.tryon.pose import Person, TryOnInputError


def sample_photos() -> dict[str, Path]:
    """Public-domain person photos that ship inside installed packages."""
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
    """Every bundled person's label: the photos, then the croquis figures."""
    from core.tryon.croquis import FIGURES

    return list(sample_photos()) + [f.label for f in FIGURES.values()]


def sample_person(name: str) -> tuple[Image.Image, Person | None]:
    """A bundled person by a word of their label ("grace", "astronaut", "croquis-tall-deep"): the image and, for a
    croquis figure, its exact analysis (photos: None, MediaPipe analyses them)."""
    from core.tryon.croquis import FIGURES, draw_figure

    key = name.strip().lower()
    hits = [label for label in sample_people() if key and key in label.lower()]
    if len(hits) != 1:
        raise TryOnInputError(f"No single sample person matches {name!r}; the bundled ones are: "
                              f"{', '.join(sample_people())}.")
    photos = sample_photos()
    if hits[0] in photos:
        return Image.open(photos[hits[0]]).convert("RGB"), None
    fig = next(f for f in FIGURES.values() if f.label == hits[0])
    person = draw_figure(fig)
    return person.image, person
