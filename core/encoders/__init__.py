"""Encoders: every one answers encode_images / encode_texts with L2-normalised rows (base.py); one file per
backend, registry.py (kind -> class) and one loader: load_encoder(settings, name=None) -> (encoder, choice)."""
from core.encoders.base import Encoder, EncoderInfo, l2_normalize
from core.encoders.loader import EncoderChoice, choose_encoder, load_encoder
from core.encoders.registry import ENCODERS

__all__ = ["ENCODERS", "Encoder", "EncoderInfo", "EncoderChoice", "choose_encoder", "load_encoder", "l2_normalize"]
