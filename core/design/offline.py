"""The offline editor: recolour, pattern, material texture and removal inside the mask, without diffusion weights.

Every edit works on the garment's own structure: its ground colour (the largest colour cluster), its print (the
rest), and its shading (the ground's lightness, smoothed). Recolouring moves the ground to the new colour and keeps
the print; patterns and textures are laid over the shading; removal copies the garment's own fabric from elsewhere.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import numpy as np
from PIL import Image

from core.attributes import PALETTE
from core.design.base import (DesignCancelled, DesignRequest, DesignResult, StepCallback, asks_for_backdrop,
                              edit_region, paste_back, prepare_mask)
from core.design.diffusion import DEFAULT_INPAINT_MODEL
from core.design.fabric import read_fabric, to_lab, to_rgb
from core.design.paint import paint_pattern, paint_texture, recolour
from core.design.removal import remove
from core.errors import AtelierError
from core.vocabulary import PHRASES

# Colour, pattern and material words from the one vocabulary: every shade maps to a colour the editor can paint.
COLOUR_WORDS = {w: c for w, (kind, c) in PHRASES.items() if kind == "colour" and " " not in w} | {"denim": None}
PATTERN_WORDS = {w: p for w, (kind, p) in PHRASES.items() if kind == "pattern" and " " not in w and p != "solid"}
TEXTURES = ("denim", "leather", "suede", "knit", "corduroy", "velvet", "silk")
TEXTURE_WORDS = {w: ("knit" if m == "wool" else m) for w, (kind, m) in PHRASES.items()
                 if kind == "material" and " " not in w and ("knit" if m == "wool" else m) in TEXTURES}
REMOVE_WORDS = {"remove", "erase", "delete", "clean", "rid"}
OFFLINE_HELP = ("The offline editor understands colours ('make it red', 'navy'), patterns ('navy stripes', "
                "'white polka dots', 'checks', 'floral', 'chevron'), materials ('denim', 'leather', 'suede', 'knit', "
                "'corduroy', 'velvet', 'silk'), 'remove this' and 'change the background to grey'. For free-form "
                f"prompts install the diffusion weights (`hf download {DEFAULT_INPAINT_MODEL}`).")


@dataclass
class EditPlan:
    kind: str  # recolour | pattern | texture | remove
    colour: str | None = None  # main colour word
    accent: str | None = None  # pattern colour
    pattern: str | None = None
    texture: str | None = None
    backdrop: bool = False  # the edit is for the backdrop, not the garment

    def describe(self) -> str:
        parts = {"recolour": f"recolour to {self.colour}", "remove": "remove (filled from the garment's own fabric)",
                 "pattern": f"{self.accent or 'contrasting'} {self.pattern} on {self.colour or 'the current colour'}",
                 "texture": f"{self.texture} in {self.colour or 'the current colour'}"}
        return parts[self.kind] + (" on the background" if self.backdrop else "")


def parse_edit(prompt: str) -> EditPlan:
    words = re.findall(r"[a-z]+", (prompt or "").lower())
    if not words:
        raise AtelierError("Describe the change you want (for example: 'make it red' or 'navy stripes').")
    backdrop = asks_for_backdrop(prompt)
    if REMOVE_WORDS & set(words):
        return EditPlan("remove", backdrop=backdrop)
    colours = [COLOUR_WORDS[w] for w in words if COLOUR_WORDS.get(w)]
    pattern = next((PATTERN_WORDS[w] for w in words if w in PATTERN_WORDS), None)
    texture = next((TEXTURE_WORDS[w] for w in words if w in TEXTURE_WORDS), None)
    if pattern:
        # "navy stripes" -> navy stripes on the current colour; "red with white dots" -> white dots on red.
        pos = next(i for i, w in enumerate(words) if w in PATTERN_WORDS)
        before = [COLOUR_WORDS[w] for w in words[:pos] if COLOUR_WORDS.get(w)]
        after = [COLOUR_WORDS[w] for w in words[pos:] if COLOUR_WORDS.get(w)]
        accent = before[-1] if before else (after[0] if after else None)
        base = None
        if len(colours) >= 2:
            base = next((c for c in colours if c != accent), None)
        return EditPlan("pattern", colour=base, accent=accent, pattern=pattern, backdrop=backdrop)
    if texture:
        return EditPlan("texture", colour=colours[0] if colours else ("blue" if texture == "denim" else None),
                        texture=texture, backdrop=backdrop)
    if colours:
        return EditPlan("recolour", colour=colours[0], backdrop=backdrop)
    raise AtelierError(f"The offline editor does not understand '{prompt.strip()}'. {OFFLINE_HELP}")


class OfflineEditor:
    """A real non-generative editor: recolour, pattern fill, material texture and removal inside the mask."""

    name = "offline editor"
    generative = False
    info = "offline editor (no diffusion weights): recolour, patterns, materials, remove"
    model_id = "offline-editor"

    def prepare_prompt(self, prompt: str) -> tuple[str, str]:
        """The user's words as they are (the editor reads colours, patterns and materials, not quality words)."""
        p = (prompt or "").strip()
        if not p:
            raise AtelierError("Describe the change you want (for example: 'make it red' or 'navy stripes').")
        return p, ""

    def generate(self, req: DesignRequest, progress: StepCallback | None = None,
                 cancel: threading.Event | None = None) -> DesignResult:
        t0 = time.perf_counter()
        painted = prepare_mask(req.image, req.mask, whole_ok=asks_for_backdrop(req.prompt))
        plan = parse_edit(req.prompt)
        region = edit_region(req.image, painted, req.prompt)
        rgb = np.asarray(req.image.convert("RGB"))
        images = []
        for v in range(max(1, req.variations)):
            rng = np.random.default_rng(int(req.seed) + v)
            current = tuple(int(c) for c in to_rgb(read_fabric(to_lab(rgb), region, rng).ground[None, None])[0, 0])
            base = PALETTE[plan.colour] if plan.colour else current
            if plan.kind == "remove":
                from core.segmentation import subject_mask

                out = remove(rgb, region, subject_mask(req.image), rng)
            elif plan.kind == "recolour":
                out = recolour(rgb, region, base, rng, motifs=not plan.backdrop)
            elif plan.kind == "pattern":
                if plan.accent:
                    accent = PALETTE[plan.accent]
                else:  # contrasting: white on dark, navy on light
                    accent = PALETTE["white"] if np.mean(base) < 128 else PALETTE["navy"]
                out = paint_pattern(rgb, region, plan.pattern, base, accent, rng)
            else:
                out = paint_texture(rgb, region, plan.texture, base, rng)
            images.append(paste_back(req.image, Image.fromarray(out), region, feather=2,
                                     soft_from=region if plan.backdrop else painted))
            if progress is not None:
                progress(v + 1, max(1, req.variations))
            if cancel is not None and cancel.is_set():
                raise DesignCancelled("Generation stopped; your earlier designs are kept.")
        return DesignResult(images, req.prompt, "", self.name, self.model_id, int(req.seed), 0, time.perf_counter() - t0,
                            notes=[plan.describe()], mask=region)
