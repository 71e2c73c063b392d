"""The lite encoder's text tower: a BERT sentence model read from a local folder, run in plain torch.

Why not transformers' `AutoModel` here: importing its modelling code pulls in torch.distributed, torch._dynamo,
sympy and scipy, 140 MiB of resident memory in every app process before one weight is read (bench_scale: a
replica at a million items held 635 MiB with it, against a 600 MB target). The forward pass below is BERT's
(embeddings, post-LayerNorm encoder layers, GELU feed-forward), read from the same `config.json`,
`model.safetensors` and `tokenizer.json` that `from_pretrained` reads; tests/test_bert.py holds it to
transformers' BertModel on the real all-MiniLM-L6-v2 and on a tiny random BERT saved with `save_pretrained`.
A folder it cannot read (another architecture, pickled weights, no tokenizer.json) is loaded by transformers'
Auto classes instead, so any sentence model still works.
"""
from __future__ import annotations

import json
import math
import threading
from pathlib import Path

import torch
import torch.nn.functional as F

_GELU = {"gelu": "none", "gelu_new": "tanh", "gelu_pytorch_tanh": "tanh"}


class SentenceTower:
    """Token-level hidden states for a batch of sentences, and the mask of real tokens."""

    hidden_size: int
    backend: str

    def hidden_states(self, texts: list[str], max_length: int) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError


class PlainBert(SentenceTower):
    """BERT inference from a `save_pretrained` folder with torch, safetensors and tokenizers alone."""

    backend = "plain torch"

    def __init__(self, folder: Path, config: dict, device: str) -> None:
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        self.device = device
        self.hidden_size = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.gelu = _GELU[config.get("hidden_act", "gelu")]
        weights = load_file(str(folder / "model.safetensors"), device="cpu")
        prefix = "bert." if any(k.startswith("bert.embeddings.") for k in weights) else ""
        names = ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                 "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"]
        for i in range(self.layers):
            for part in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                         "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"):
                names += [f"encoder.layer.{i}.{part}.weight", f"encoder.layer.{i}.{part}.bias"]
        missing = [n for n in names if prefix + n not in weights]
        if missing:
            raise KeyError(f"not a BERT checkpoint (no {missing[0]})")
        self.w = {n: weights[prefix + n].to(device) for n in names}
        del weights
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        pad = config.get("pad_token_id")
        self.pad_id = int(pad) if pad is not None else (self.tokenizer.token_to_id("[PAD]") or 0)
        self.tokenizer.enable_padding(pad_id=self.pad_id, pad_token=self.tokenizer.id_to_token(self.pad_id) or "[PAD]")
        self._tokenizer_lock = threading.Lock()  # the truncation length is tokenizer state

    def _tokens(self, texts: list[str], max_length: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        with self._tokenizer_lock:
            self.tokenizer.enable_truncation(max_length)
            enc = self.tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in enc], dtype=torch.long, device=self.device)
        types = torch.tensor([e.type_ids for e in enc], dtype=torch.long, device=self.device)
        mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long, device=self.device)
        return ids, types, mask

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.layer_norm(x, (self.hidden_size,), self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    @torch.inference_mode()
    def hidden_states(self, texts: list[str], max_length: int) -> tuple[torch.Tensor, torch.Tensor]:
        ids, types, mask = self._tokens(texts, max_length)
        b, t = ids.shape
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t][None]
             + w["embeddings.token_type_embeddings.weight"][types])
        x = self._norm(x, "embeddings.LayerNorm")
        keep = mask.bool()[:, None, None, :]  # padding is never attended to
        d = self.hidden_size // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q, k, v = (self._linear(x, p + f"attention.self.{n}").view(b, t, self.heads, d).transpose(1, 2)
                       for n in ("query", "key", "value"))
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, scale=1.0 / math.sqrt(d))
            a = a.transpose(1, 2).reshape(b, t, self.hidden_size)
            x = self._norm(self._linear(a, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = F.gelu(self._linear(x, p + "intermediate.dense"), approximate=self.gelu)
            x = self._norm(self._linear(h, p + "output.dense") + x, p + "output.LayerNorm")
        return x, mask


class TransformersTower(SentenceTower):
    """Any other sentence model, through transformers' Auto classes."""

    backend = "transformers"

    def __init__(self, folder: Path, device: str) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.device = device
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModel.from_pretrained(str(folder)).to(device).eval()
        self.hidden_size = int(self.model.config.hidden_size)

    @torch.inference_mode()
    def hidden_states(self, texts: list[str], max_length: int) -> tuple[torch.Tensor, torch.Tensor]:
        tok = self.tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
        tok = tok.to(self.device)
        return self.model(**tok).last_hidden_state, tok["attention_mask"]


def load_sentence_tower(folder: str | Path, device: str = "cpu") -> SentenceTower:
    """Plain-torch BERT when the folder is one (config, safetensors, tokenizer.json), else transformers."""
    folder = Path(folder)
    try:
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError):
        config = {}
    plain = (config.get("model_type") == "bert" and config.get("position_embedding_type", "absolute") == "absolute"
             and config.get("hidden_act", "gelu") in _GELU and (folder / "model.safetensors").is_file()
             and (folder / "tokenizer.json").is_file())
    if plain:
        try:
            return PlainBert(folder, config, device)
        except (KeyError, ValueError, RuntimeError, OSError):
            pass  # an unusual checkpoint layout: let transformers read it
    return TransformersTower(folder, device)
