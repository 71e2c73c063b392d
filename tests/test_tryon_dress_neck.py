"""A pale old halter's straps up her neck go with the old clothes under a new dress (dress_rims.up_the_neck);
dark hair beside the neck and the backdrop never do."""
import numpy as np

from core.tryon.dress_rims import up_the_neck


def _scene():
    """Lab image 120x100: a grey-ish backdrop (L 95), her skin (L 65, warm), the old clothes below the neck base
    (row 50) ivory (L 90, neutral); an ivory strap rising up the neck (cols 30..34, rows 30..49) and a dark hair
    lock beside it (cols 60..64, rows 30..60) joined to the clothes."""
    H, W = 120, 100
    lab = np.zeros((H, W, 3), np.float32)
    lab[:] = (97, 0, 2)  # backdrop
    person = np.zeros((H, W), bool)
    person[10:, 20:80] = True
    lab[person] = (65, 12, 18)  # skin
    own = person.copy()
    clothes = np.zeros((H, W), bool)
    clothes[50:, 20:80] = True
    clothes[30:50, 30:35] = True  # the strap
    clothes[30:61, 60:65] = True  # the hair lock
    lab[clothes] = (90, 1, 4)
    lab[30:61, 60:65] = (20, 2, 3)
    own &= ~clothes
    face = np.zeros((H, W), bool)
    face[10:28, 35:65] = True
    return lab, clothes, own, face, person


def test_the_pale_strap_above_the_neck_base_is_old_clothes_and_the_hair_is_not():
    lab, clothes, own, face, person = _scene()
    up = up_the_neck(lab, clothes, own, 50.0, 60.0, face, person)
    assert up[30:50, 30:35].all()
    assert not up[:, 60:65].any()  # the dark hair
    assert not up[50:].any() and not up[:30].any()  # only above the neck base, within a third of the shoulders


def test_backdrop_inside_her_outline_is_not_cloth():
    lab, clothes, own, face, person = _scene()
    lab[30:50, 30:35] = (97, 0, 2)  # the "strap" is the backdrop seen inside her loose outline
    assert not up_the_neck(lab, clothes, own, 50.0, 60.0, face, person).any()
