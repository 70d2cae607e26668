"""A tiny but real Argos package, for tests and benchmarks that must run offline.

It is built in about a second: a SentencePiece model trained on a few lines, and a one-layer
CTranslate2 Transformer with small random weights over that vocabulary, zipped with Argos's
metadata.json as a `.argosmodel`. Its English is noise, but it is loaded and decoded through
exactly the path a real zh→en package takes.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

TRAINING_LINES = [
    "安阳市各级党组织和广大党员把疫情防控作为当前的重大政治任务。",
    "市委书记亲自挂帅任总指挥，带头履职尽责，严格督导指导。",
    "各级党组织迅速响应，积极行动起来，构筑坚固的防控战斗堡垒。",
    "全面推进乡村振兴，推动农业农村高质量发展。",
    "The Communist Party of China leads the fight against the epidemic.",
    "Party members play a vanguard and exemplary role in epidemic prevention and control.",
    "The secretary of the municipal Party committee inspected the work in person.",
    "We will comprehensively promote rural revitalization and high-quality development.",
]


def build_tiny_minisbd(path: Path, lang: str = "zh-hans") -> Path:
    """A tiny but real MiniSBD sentence splitter (ONNX), for a LibreTranslate server that
    cannot download its own: a character lookup table that ends sentences at 。！？!? .

    MiniSBD feeds `units` (character ids) and `features`, and reads per-character logits over
    5 classes (1: token end, 2: sentence end); its vocab and config travel as metadata.
    """
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    chars = sorted(set("".join(TRAINING_LINES)) | set("。！？!?.，、"))
    id2unit = ["<PAD>", "<UNK>", *chars]
    table = np.zeros((len(id2unit), 5), np.float32)
    table[:, 1] = 5.0  # every character ends a token
    for i, unit in enumerate(id2unit):
        if unit in "。！？!?":
            table[i, 2] = 10.0  # these end a sentence
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "units"], ["logits0"], axis=0),
         helper.make_node("ReduceSum", ["features", "axes"], ["fsum"], keepdims=1),
         helper.make_node("Mul", ["fsum", "zero"], ["fzero"]),
         helper.make_node("Add", ["logits0", "fzero"], ["logits"])],
        "tiny_minisbd",
        [helper.make_tensor_value_info("units", TensorProto.INT64, ["B", "T"]),
         helper.make_tensor_value_info("features", TensorProto.FLOAT, ["B", "T", "F"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["B", "T", 5])],
        [numpy_helper.from_array(table, "table"),
         numpy_helper.from_array(np.array([2], np.int64), "axes"),
         numpy_helper.from_array(np.array(0.0, np.float32), "zero")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    vocab = {"lang": lang, "idx": 0, "cutoff": 0, "lower": False,
             "_id2unit": id2unit, "_unit2id": {u: i for i, u in enumerate(id2unit)}}
    for key, value in (("lang_code", lang), ("config", json.dumps({"feat_funcs": []})),
                       ("vocab", json.dumps(vocab, ensure_ascii=False)),
                       ("lexicon", "null")):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def _train_vocabulary(pkg: Path) -> list[str]:
    """A SentencePiece model over TRAINING_LINES, saved in the package; the model's vocab."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TRAINING_LINES * 10), model_writer=buffer, vocab_size=300,
        character_coverage=1.0, model_type="unigram", hard_vocab_limit=False,
        bos_id=-1, eos_id=-1, unk_id=0, pad_id=-1, minloglevel=2,
    )
    (pkg / "sentencepiece.model").write_bytes(buffer.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=buffer.getvalue())
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    return ["<blank>", "<s>", "</s>", *(p for p in pieces if p != "<unk>"), "<unk>"]


def _save_random_transformer(model_dir: Path, vocab: list[str], d_model: int, seed: int) -> None:
    """A one-layer CTranslate2 Transformer with small random weights over `vocab`."""
    import numpy as np
    from ctranslate2.specs import TransformerSpec

    rng = np.random.default_rng(seed)
    d, ffn, v = d_model, 2 * d_model, len(vocab)

    def weight(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    def norm(layer_norm: object) -> None:
        layer_norm.gamma = np.ones(d, np.float32)  # type: ignore[attr-defined]
        layer_norm.beta = np.zeros(d, np.float32)  # type: ignore[attr-defined]

    spec = TransformerSpec.from_config(1, 2)
    spec.encoder.embeddings[0].weight = weight(v, d)
    spec.decoder.embeddings.weight = weight(v, d)
    spec.decoder.projection.weight = weight(v, d)
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    for layer in (*spec.encoder.layer, *spec.decoder.layer):
        norm(layer.self_attention.layer_norm)
        layer.self_attention.linear[0].weight = weight(3 * d, d)
        layer.self_attention.linear[1].weight = weight(d, d)
        norm(layer.ffn.layer_norm)
        layer.ffn.linear_0.weight = weight(ffn, d)
        layer.ffn.linear_1.weight = weight(d, ffn)
    for layer in spec.decoder.layer:
        norm(layer.attention.layer_norm)
        layer.attention.linear[0].weight = weight(d, d)
        layer.attention.linear[1].weight = weight(2 * d, d)
        layer.attention.linear[2].weight = weight(d, d)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=None)
    spec.save(str(model_dir))


def build_tiny_package(dest_dir: Path, version: str = "1.0", seed: int = 0,
                       d_model: int = 16, from_code: str = "zh", to_code: str = "en",
                       minisbd: bool = False) -> Path:
    """Write `translate-<from>_<to>-tiny.argosmodel` into `dest_dir`; returns its path.

    With `minisbd`, the package carries a tiny MiniSBD model, which Argos's own sentence
    splitter (and so a LibreTranslate server) uses instead of downloading one."""
    import ctranslate2  # noqa: F401  (fails early with a clear import error)

    dest_dir.mkdir(parents=True, exist_ok=True)
    work = dest_dir / f"tiny-build-{from_code}_{to_code}"
    pkg = work / f"translate-{from_code}_{to_code}-tiny"
    (pkg / "model").mkdir(parents=True, exist_ok=True)
    _save_random_transformer(pkg / "model", _train_vocabulary(pkg), d_model, seed)

    names = {"zh": "Chinese", "en": "English"}
    metadata = {
        "package_version": version, "argos_version": "1.9", "from_code": from_code,
        "from_name": names.get(from_code, from_code), "to_code": to_code,
        "to_name": names.get(to_code, to_code), "type": "translate", "links": [],
    }
    (pkg / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    (pkg / "README.md").write_text("Tiny random model for tests.\n", encoding="utf-8")
    if minisbd:
        build_tiny_minisbd(pkg / "minisbd" / "tiny.onnx",
                           "zh-hans" if from_code == "zh" else from_code)

    archive = dest_dir / f"translate-{from_code}_{to_code}-tiny.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(pkg.rglob("*")):
            if file.is_file():
                zf.write(file, file.relative_to(work).as_posix())
    return archive
