"""The plain words a stylist reads for each quality check: its name and what to try when it fails."""

ADVICE = {
    "arms_covered": "use a photo with the arms straight and a little away from the body",
    "skin_seam": "use a photo where the person wears something close in cut to the new garment (a tank top for a "
                 "halter or a cami), or the CatVTON backend on a GPU, which paints skin",
    "skin_shading": "use a photo where the person wears something close in length and sleeve to the new garment "
                    "(less skin to draw), or the CatVTON backend on a GPU, which paints skin",
    "flat_fill": "use a photo where the person wears something close in length and sleeve to the new garment, or "
                 "the CatVTON backend on a GPU, which paints skin",
    "holes": "use a product shot on a plain backdrop with a clear edge around the garment (light garments: a "
             "grey or coloured backdrop)",
    "old_fringe": "use a photo where her own garment is close-fitting, or the CatVTON backend on a GPU",
    "old_edges": "use a photo where the person's own garment is close-fitting (leggings, slim trousers), or "
                 "the CatVTON backend on a GPU",
    "slivers": "use a photo with the arms a little away from the body, or the CatVTON backend on a GPU",
    "old_garment": "check the garment kind, or use a photo where the person wears a fitted garment, facing the "
                   "camera, arms away from the body",
    "face_changed": "use a straight front photo with the head upright", "held_cut": "use a photo with the hands and what they hold away from the body",
    "sleeve_detail": "use a product shot with the sleeves laid out away from the body, or the CatVTON backend on a GPU",
    "hands_changed": "use a photo with the hands away from the body",
    "detail_kept": "use a flat front product shot, or the CatVTON backend on a GPU for prints",
    "skin_tone": "use a photo where the person wears something close in length and sleeve to the new garment, or the "
                 "CatVTON backend on a GPU, which paints skin",
    "spikes": "use a product shot with the sleeves held away from the body (no backdrop between sleeve and body), "
              "or a grey or coloured backdrop for light garments",
    "ragged": "use a sharper product shot on a plain backdrop, and a straight front photo",
    "outline_painted": "use a photo where the person wears something close in cut to the new garment, or the "
                       "CatVTON backend on a GPU",
    "torn_hem": "use a product shot on a backdrop that contrasts with the garment (a white tee on grey)",
    "torn_edge": "use a larger, sharper product shot of the dress (its edge is blown up from a small one)",
    "sleeves_kept": "use a photo with the arms straight and a little away from the body, or try the garment as "
                    "another kind (a dress with long sleeves as a top), or the CatVTON backend on a GPU",
    "old_cuff": "use a photo with the arms straight and the wrists clear of the body, or the CatVTON backend on a GPU",
    "hem_kept": "use a full-length or hip-length photo standing straight, or the CatVTON backend on a GPU",
    "shoulders": "use a photo where the person wears something with sleeves and a round neck, standing straight, or "
                 "the CatVTON backend on a GPU",
    "silhouette": "use a straight front photo with the arms a little away from the body, or the CatVTON backend "
                  "on a GPU",
    "invented_skin": "this garment shows much more skin than the photo does: use a photo of the person in "
                     "something as bare (a tank top or a cami for a crop top or a bandeau, shorts or a short dress "
                     "under a short skirt), or the CatVTON backend on a GPU",
}
NAMES = {"arms_covered": "sleeves down the arms", "flat_fill": "painted-over skin", "skin_shading": "flat drawn skin", "skin_seam": "drawn patch with a hard edge", "holes": "holes in the garment", "old_garment": "old clothing showing",
          "old_edges": "old clothing at the edges", "old_fringe": "slivers of the old clothing beside the garment", "slivers": "white slivers beside the garment",
          "face_changed": "face changed", "hands_changed": "hands covered", "detail_kept": "print smeared",
          "skin_tone": "bare skin in the wrong tone", "spikes": "backdrop slivers in the garment",
          "ragged": "ragged outline", "sleeves_kept": "long sleeves cut short", "invented_skin": "much skin drawn in",
          "old_cuff": "old cuff below the new one", "hem_kept": "hem cut straight", "silhouette": "boxy dress outline",
          "shoulders": "dress off her shoulders", "torn_hem": "torn hem", "torn_edge": "torn dress edge", "held_cut": "what she holds cut badly",
          "sleeve_detail": "sleeves smeared", "outline_painted": "bare outline repainted"}
