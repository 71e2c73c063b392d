"""The garment in a product shot: one segmentation for Creative Director, Try-On, sketch outlines and attribute tags."""
from core.segmentation.backdrop import Backdrop, GarmentNotFound, backdrop_of, to_lab
from core.segmentation.mask import garment_mask, subject_mask, whole_garment_mask
from core.segmentation.reading import remembered_subject_mask, subject_mask_at
from core.segmentation.silhouette import Silhouette, silhouette


__all__ = ["Backdrop", "GarmentNotFound", "backdrop_of", "to_lab", "garment_mask", "subject_mask",
           "whole_garment_mask", "Silhouette", "silhouette", "remembered_subject_mask", "subject_mask_at"]
