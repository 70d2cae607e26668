"""What the LLM engine asks and what it accepts back: prompt, JSON schema, GBNF grammar, checks.

One request carries a paragraph's segments under their ids; the answer must be one JSON object
with exactly those ids. Alignment is never guessed: an answer that drops, adds or repeats an
id, or leaves Chinese in the English, is rejected here and the engine asks again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from bilingual.chars import CJK_ONLY_PUNCT, IDEOGRAPHS, has_ideograph

# Part of the TM key: a change to the wording below must bump it, so that translations made
# under the old instructions are not served as if made under the new ones.
PROMPT_VERSION = "1"

SYSTEM = """\
You translate Chinese government and Communist Party news into English for publication, \
in the style of Xinhua's English service.
Rules:
- Where the glossary gives an English rendering, use exactly that rendering; never use a \
rendering the glossary marks as wrong.
- The Communist Party of China is "CPC" (never "CCP").
- Names of people and places are in pinyin, in the forms the glossary gives.
- Translate everything and add nothing: no notes, explanations or comments; drop nothing.
- English punctuation only.
Answer with one JSON object and nothing else, mapping every segment id to its English: \
{"<id>": "<English>", ...}. Every id exactly once; no other keys."""


@dataclass
class Item:
    """One segment in a request: its id, its Chinese and what the glossary requires of it."""

    id: str
    zh: str
    required: list[tuple[str, str]] = field(default_factory=list)  # (Chinese, English)
    banned: dict[str, tuple[str, ...]] = field(default_factory=dict)  # English → wrong forms
    previous: str = ""  # the English of an earlier attempt (for a re-ask)
    misses: list[str] = field(default_factory=list)  # what that attempt got wrong


@dataclass
class Context:
    """The paragraph before: shown to the model, not translated."""

    zh: str = ""
    en: str = ""


class AnswerError(ValueError):
    """An answer that cannot be aligned with the request; the message says why."""


def glossary_block(items: list[Item]) -> str:
    """Only the entries matched in these segments: the prompt stays small however big the
    glossary is."""
    lines, seen = [], set()
    for item in items:
        for zh, en in item.required:
            if (zh, en) in seen:
                continue
            seen.add((zh, en))
            wrong = item.banned.get(en, ())
            lines.append(f"{zh} → {en}" + (f" (never: {'; '.join(wrong)})" if wrong else ""))
    return "\n".join(lines)


def user_message(items: list[Item], context: Context | None = None) -> str:
    parts = []
    if context and context.zh:
        parts.append("Previous paragraph (context only, do not translate it):\n"
                     f"Chinese: {context.zh}" + (f"\nEnglish: {context.en}" if context.en else ""))
    block = glossary_block(items)
    if block:
        parts.append("Glossary (Chinese → required English):\n" + block)
    retry = [i for i in items if i.previous]
    if retry:
        parts.append("Your earlier translation missed required terms; translate these again:\n"
                     + "\n".join(f'- {i.id}: "{i.previous}" must contain '
                                 + "; ".join(f'"{m}"' for m in i.misses)
                                 + _never(i) for i in retry))
    parts.append("Segments:\n" + json.dumps({i.id: i.zh for i in items}, ensure_ascii=False,
                                            indent=0))
    return "\n\n".join(parts)


def _never(item: Item) -> str:
    wrong = [w for m in item.misses for w in item.banned.get(m, ())]
    return f" and must not contain {'; '.join(repr(w) for w in wrong)}" if wrong else ""


def messages(items: list[Item], context: Context | None = None) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": user_message(items, context)}]


def json_schema(ids: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": {i: {"type": "string"} for i in ids},
            "required": list(ids), "additionalProperties": False}


def answer_chars(zh: str) -> int:
    """An upper bound on one segment's English, in characters: zh→en news runs at 1.5 to 4
    English characters a Chinese one, so 5 plus a margin is never binding for a real
    translation, and a model that rambles (or a random test model) stops there."""
    return 24 + 5 * len(zh)


def _gbnf_literal(text: str) -> str:
    """`text` as a GBNF string literal (double-quoted, with backslash escapes)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


def _gbnf_class_chars(chars: str) -> str:
    """A regex character-class body (ranges with "-") as GBNF escapes."""
    return "".join(c if c == "-" else (f"\\u{ord(c):04X}" if ord(c) < 0x10000
                                       else f"\\U{ord(c):08X}") for c in chars)


# Inside a string: no quote or backslash (those come as escapes), no raw control character
# (JSON forbids them; a schema-derived grammar lets them through), and no Chinese: the
# answer cannot leave the source untranslated even when the model would.
_GBNF_CHAR = ('char ::= [^"\\\\\\x00-\\x1F\\x7F'
              + _gbnf_class_chars(IDEOGRAPHS + CJK_ONLY_PUNCT) + ']')


def json_object_grammar(ids: list[str], max_chars: int | list[int] | None = None) -> str:
    """A GBNF grammar for exactly the JSON object {"<id1>": "<string>", "<id2>": ...}.

    llama.cpp's server takes it in the request's `grammar` field. Only grammars built here are
    ever sent: the server crashes (SIGSEGV) on one it cannot parse, so every id is quoted by
    `_gbnf_literal`. The keys are the ids, each once, in order, so even a random model's
    answer parses and lines up. Strings exclude raw control characters (a schema-derived
    grammar lets them through, and JSON forbids them), `max_chars` bounds each string (one
    bound for all, or one per id): unbounded, a random model almost never closes a string.
    No whitespace between tokens, so no tokens are spent on layout.
    """
    if not ids:
        raise ValueError("json_object_grammar needs at least one id")
    if len(set(ids)) != len(ids):
        raise ValueError("json_object_grammar needs distinct ids")
    bounds: list[int | None] = (list(max_chars) if isinstance(max_chars, list)
                                else [max_chars] * len(ids))
    if len(bounds) != len(ids):
        raise ValueError("json_object_grammar needs one bound per id")
    members = ' "," '.join(
        f"{_gbnf_literal(json.dumps(key, ensure_ascii=False) + ':')} "
        f'"\\"" char{"*" if bound is None else f"{{0,{int(bound)}}}"} "\\""'
        for key, bound in zip(ids, bounds, strict=True)
    )
    return "\n".join([
        f'root ::= "{{" {members} "}}"',
        _GBNF_CHAR + ' | "\\\\" escape',
        'escape ::= ["\\\\/bfnrt]',  # no \\uXXXX: it could spell Chinese
        "",
    ])


_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")
_THINKING = re.compile(r"<think>.*?</think>", re.S)  # reasoning models (DeepSeek-R1, Qwen3)
# control characters, and what no output can carry (lone surrogates, which would also stop the
# next request from being encoded, and U+FFFE/U+FFFF)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]+")
_SPACES = re.compile(r"\s+")


def _pairs(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return pairs  # keep duplicates: a dict would silently keep the last one


def parse_answer(content: str, ids: list[str]) -> dict[str, str]:
    """The English by id, or AnswerError. Lenient in what it reads (code fences, text around
    the object, raw control characters inside strings), strict in what it accepts."""
    text = _FENCE.sub("", _THINKING.sub("", content or ""))
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise AnswerError("no JSON object in the answer")
    try:
        pairs = json.loads(text[start:end + 1], strict=False, object_pairs_hook=_pairs)
    except ValueError as exc:
        raise AnswerError(f"malformed JSON ({exc})") from None
    if not isinstance(pairs, list):
        raise AnswerError("the answer is not a JSON object")
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    extra = [k for k in keys if k not in ids]
    lost = [i for i in ids if i not in keys]
    if repeated or extra or lost:
        raise AnswerError("ids do not match: " + "; ".join(
            f"{what} {', '.join(which)}" for what, which in
            (("missing", lost), ("extra", extra), ("repeated", repeated)) if which))
    out = {}
    for key, value in pairs:
        if not isinstance(value, str) or not value.strip():
            raise AnswerError(f"no English for {key}")
        value = _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()
        if has_ideograph(value):
            raise AnswerError(f"Chinese left in the English of {key}")
        out[key] = value
    return out
