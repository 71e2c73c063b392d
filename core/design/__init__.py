"""Creative Director: a base (request, result, masks, exact paste-back), one file per backend, one loader."""
from core.design.base import (DesignBackend, DesignCancelled, DesignRequest, DesignResult, asks_for_backdrop,
                              binary_mask, close_strokes, edit_region, mask_from_drawing, mask_image, paste_back,
                              prepare_mask)
from core.design.diffusion import DEFAULT_INPAINT_MODEL, NEGATIVE_PROMPT, DiffusersInpaint, enhance_prompt
from core.design.loader import DesignChoice, DesignOffer, design_offer, load_design
from core.design.registry import DESIGN_BACKENDS
from core.design.offline import (COLOUR_WORDS, OFFLINE_HELP, PATTERN_WORDS, TEXTURE_WORDS, EditPlan, OfflineEditor,
                                 parse_edit)


def __getattr__(name: str):
    if name == "similar_query":  # imports core.search: loaded only when asked for
        from core.design.similar import similar_query

        return similar_query
    raise AttributeError(name)


__all__ = ["COLOUR_WORDS", "PATTERN_WORDS", "TEXTURE_WORDS", "DEFAULT_INPAINT_MODEL", "NEGATIVE_PROMPT", "OFFLINE_HELP", "DesignBackend", "DesignCancelled",
           "DesignChoice", "DESIGN_BACKENDS", "DesignOffer", "load_design", "DesignRequest", "DesignResult", "design_offer", "DiffusersInpaint", "EditPlan", "OfflineEditor", "asks_for_backdrop",
           "binary_mask", "close_strokes", "edit_region", "enhance_prompt",
           "mask_from_drawing", "mask_image", "paste_back", "parse_edit", "prepare_mask"]
