"""Tiny randomly initialised models, built with the real config classes and saved the real way."""
from __future__ import annotations

from pathlib import Path

WORDS = ("a photo of an the red blue green black white dress shirt shoe bag skirt jeans striped dots "
         "elegant gown jacket coat in with and").split()


def tiny_tokenizer(pad_to: int | None = None):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    special = ["<pad>", "<unk>", "<s>", "</s>"]
    vocab = {w: i for i, w in enumerate(special + WORDS)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", unk_token="<unk>",
                                   bos_token="<s>", eos_token="</s>")


def build_tiny_clip(path: Path) -> Path:
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel

    cfg = CLIPConfig(
        text_config=dict(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=32, eos_token_id=3, pad_token_id=0,
                         bos_token_id=2),
        vision_config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                           image_size=32, patch_size=8),
        projection_dim=16,
    )
    CLIPModel(cfg).save_pretrained(path)
    tiny_tokenizer().save_pretrained(path)
    CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}).save_pretrained(path)
    return path


def build_tiny_siglip(path: Path) -> Path:
    from transformers import SiglipConfig, SiglipImageProcessor, SiglipModel

    cfg = SiglipConfig(
        text_config=dict(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=16, pad_token_id=0),
        vision_config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                           image_size=32, patch_size=8),
    )
    SiglipModel(cfg).save_pretrained(path)
    tiny_tokenizer().save_pretrained(path)
    SiglipImageProcessor(size={"height": 32, "width": 32}).save_pretrained(path)
    return path


def build_tiny_inpaint(path: Path) -> Path:
    """A Stable Diffusion inpainting pipeline with tiny random components, saved like a real one."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionInpaintPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=16, in_channels=9, out_channels=4, layers_per_block=1, block_out_channels=(32, 64),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32, attention_head_dim=8, norm_num_groups=16)
    vae = AutoencoderKL(block_out_channels=(16, 32), in_channels=3, out_channels=3, latent_channels=4,
                        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
                        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"), norm_num_groups=16)
    text = CLIPTextModel(CLIPTextConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                        num_attention_heads=2, max_position_embeddings=32, pad_token_id=0,
                                        bos_token_id=2, eos_token_id=3))
    tok = tiny_tokenizer()
    tok.model_max_length = 16
    pipe = StableDiffusionInpaintPipeline(vae=vae, text_encoder=text, tokenizer=tok, unet=unet,
                                          scheduler=DDIMScheduler(steps_offset=1), safety_checker=None, feature_extractor=None,
                                          requires_safety_checker=False)
    pipe.save_pretrained(path)
    return path


def build_tiny_sdxl_inpaint(path: Path) -> Path:
    """A tiny random SDXL inpainting pipeline (two text encoders, text-time conditioning), saved like a real one."""
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionXLInpaintPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=16, in_channels=9, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4), use_linear_projection=True, addition_embed_type="text_time",
        addition_time_embed_dim=8, transformer_layers_per_block=(1, 1), projection_class_embeddings_input_dim=80,
        cross_attention_dim=64, norm_num_groups=16)
    vae = AutoencoderKL(block_out_channels=(16, 32), in_channels=3, out_channels=3, latent_channels=4,
                        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
                        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"), norm_num_groups=16)
    cfg = CLIPTextConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                         max_position_embeddings=32, pad_token_id=0, bos_token_id=2, eos_token_id=3, projection_dim=32)
    tok, tok2 = tiny_tokenizer(), tiny_tokenizer()
    tok.model_max_length = tok2.model_max_length = 16
    pipe = StableDiffusionXLInpaintPipeline(vae=vae, text_encoder=CLIPTextModel(cfg),
                                            text_encoder_2=CLIPTextModelWithProjection(cfg), tokenizer=tok,
                                            tokenizer_2=tok2, unet=unet, scheduler=EulerDiscreteScheduler(),
                                            requires_aesthetics_score=False, force_zeros_for_empty_prompt=True)
    pipe.save_pretrained(path)
    return path


def build_tiny_catvton_attention(base: Path, path: Path, version_folder: str = "vitonhd-16k-512", seed: int = 1) -> dict:
    """CatVTON's attention checkpoint layout for a (tiny) inpainting UNet: the "attn1" modules in module order,
    saved by safetensors' save_model (shared tensors stored once, as accelerate does). Random weights; returns them."""
    import torch
    from diffusers import UNet2DConditionModel
    from safetensors.torch import save_model

    from core.tryon.catvton import self_attention_modules

    unet = UNet2DConditionModel.from_pretrained(base, subfolder="unet")
    modules = self_attention_modules(unet)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in modules.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.05)
    out = path / version_folder / "attention"
    out.mkdir(parents=True, exist_ok=True)
    save_model(modules, str(out / "model.safetensors"))
    return {k: v.detach().clone() for k, v in modules.state_dict().items()}


def build_tiny_bert(path: Path, head: bool = False, hidden_act: str = "gelu") -> Path:
    """A tiny random BERT with a WordPiece tokenizer, saved like a sentence model's folder (head=True: saved
    from BertForMaskedLM, so its weights carry the `bert.` prefix and a head)."""
    import torch
    from transformers import BertConfig, BertForMaskedLM, BertModel, BertTokenizerFast

    torch.manual_seed(3)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(WORDS) + ["##s", "##ed", "##y"]
    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    BertTokenizerFast(vocab_file=str(path / "vocab.txt"), do_lower_case=True).save_pretrained(path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                     intermediate_size=64, max_position_embeddings=64, hidden_act=hidden_act, pad_token_id=0)
    model = (BertForMaskedLM if head else BertModel)(cfg).eval()
    model.save_pretrained(path)
    return path
