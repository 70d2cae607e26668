"""A tiny but real GGUF chat model, for tests that must run a llama.cpp server offline.

It is built in about a second: a SentencePiece vocabulary trained on the same few lines as
the tiny Argos package, and a two-layer llama-architecture Transformer (embedding 64) with
small seeded random weights, written with the `gguf` package. Its answers are noise, but a
real llama.cpp server (`python -m llama_cpp.server`) loads it, applies its chat template,
tokenizes any input and samples under a grammar exactly as it would with a real model.

The LLM engine's GBNF grammar (`bilingual.engines.prompt.json_object_grammar`) forces the
server's answer into the JSON object the engine asks for; with it even this random model
answers with valid JSON whose keys are exactly the requested ids, in order.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from bilingual.testing.argos import TRAINING_LINES

IM_START = "<|im_start|>"
IM_END = "<|im_end|>"

# Jinja ChatML, the format of Qwen and many other instruct models: every message is
# <|im_start|>role\ncontent<|im_end|>\n, and the prompt ends by opening the assistant's turn.
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def build_tiny_gguf(path: Path, seed: int = 0, n_embd: int = 64, n_layer: int = 2,
                    n_head: int = 4, n_ctx: int = 2048) -> Path:
    """Write a tiny random llama-architecture chat model as GGUF to `path`; returns `path`.

    Why each choice:

    - SentencePiece with `byte_fallback=True`: the vocabulary holds the 256 byte pieces
      <0x00>..<0xFF> (GGUF token type BYTE), so llama.cpp can encode any character, not only
      those of the training lines. Without them it has no way to tokenize an unknown character
      (the SPM tokenizer has nothing to fall back to) and the server fails on real input;
      with them every byte, and so every JSON character a grammar asks for, is a token.
    - `<|im_start|>`/`<|im_end|>` as control tokens (type CONTROL): the chat template's
      markers must each be one special token, not spelled out of pieces, so llama.cpp parses
      them in the prompt and never prints them in an answer. `<|im_end|>` is the EOS token,
      so the server stops a turn where a ChatML model would.
    - a ChatML `tokenizer.chat_template`: the server formats `messages` with the template in
      the model's metadata (llama-cpp-python recognises this one as its built-in "chatml"
      format); without one it falls back to a Llama-2 format this vocabulary has no tokens for.
    - random weights from `numpy.random.default_rng(seed)`: the same seed gives the same file,
      and no weights are downloaded.
    """
    import gguf

    sp = _train_chat_vocabulary()
    tokens, scores, types = _token_table(sp)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), "llama")
    _write_metadata(writer, sp, tokens, scores, types, n_embd, n_layer, n_head, n_ctx)
    _write_random_tensors(writer, len(tokens), n_embd, n_layer, seed)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def _train_chat_vocabulary() -> Any:
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TRAINING_LINES * 10), model_writer=buffer, vocab_size=400,
        character_coverage=1.0, model_type="unigram", hard_vocab_limit=False,
        byte_fallback=True, control_symbols=[IM_START, IM_END],
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, minloglevel=2,
    )
    return spm.SentencePieceProcessor(model_proto=buffer.getvalue())


def _token_table(sp: Any) -> tuple[list[bytes], list[float], list[int]]:
    """Pieces, scores and GGUF token types of a SentencePiece model."""
    import gguf

    tokens: list[bytes] = []
    scores: list[float] = []
    types: list[int] = []
    for i in range(sp.get_piece_size()):
        tokens.append(sp.id_to_piece(i).encode("utf-8"))
        scores.append(sp.get_score(i))
        if sp.is_unknown(i):
            types.append(gguf.TokenType.UNKNOWN)
        elif sp.is_control(i):
            types.append(gguf.TokenType.CONTROL)
        elif sp.is_byte(i):
            types.append(gguf.TokenType.BYTE)
        elif sp.is_unused(i):
            types.append(gguf.TokenType.UNUSED)
        else:
            types.append(gguf.TokenType.NORMAL)
    return tokens, scores, types


def _write_metadata(writer: Any, sp: Any, tokens: list[bytes], scores: list[float],
                    types: list[int], n_embd: int, n_layer: int, n_head: int,
                    n_ctx: int) -> None:
    import gguf

    writer.add_name("bilingual-tiny-random")
    writer.add_context_length(n_ctx)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layer)
    writer.add_feed_forward_length(2 * n_embd)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head)
    writer.add_rope_dimension_count(n_embd // n_head)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(len(tokens))
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")  # SentencePiece (SPM) tokenizer
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(sp.unk_id())
    writer.add_bos_token_id(sp.bos_id())
    writer.add_eos_token_id(sp.piece_to_id(IM_END))
    writer.add_add_bos_token(False)  # ChatML prompts carry no <s>
    writer.add_add_eos_token(False)
    writer.add_chat_template(CHATML_TEMPLATE)


def _write_random_tensors(writer: Any, n_vocab: int, n_embd: int, n_layer: int,
                          seed: int) -> None:
    import numpy as np

    rng = np.random.default_rng(seed)
    n_ff = 2 * n_embd

    def weight(*shape: int) -> Any:
        # numpy shape is (out, in): GGUF stores dimensions in the reverse order.
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    writer.add_tensor("token_embd.weight", weight(n_vocab, n_embd))
    for i in range(n_layer):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd, np.float32))
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            writer.add_tensor(f"blk.{i}.{name}.weight", weight(n_embd, n_embd))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd, np.float32))
        writer.add_tensor(f"blk.{i}.ffn_gate.weight", weight(n_ff, n_embd))
        writer.add_tensor(f"blk.{i}.ffn_up.weight", weight(n_ff, n_embd))
        writer.add_tensor(f"blk.{i}.ffn_down.weight", weight(n_embd, n_ff))
    writer.add_tensor("output_norm.weight", np.ones(n_embd, np.float32))
    writer.add_tensor("output.weight", weight(n_vocab, n_embd))
