"""Person and place names that no glossary covers, romanised in standard Hanyu Pinyin.

jieba's dictionary words and their part-of-speech tags (terms/lexicon.py) find candidates;
rules make them reliable: a name after a title (市委书记李公乐, 记者 尚丽娟), before 同志, and
place names ending in an administrative suffix, chained as addresses are
(文峰区宝莲寺镇马官屯村). Such terms are marked `auto`.

Cost is linear and bounded: the dictionary cut, then a rule for short runs of characters the
dictionary only knows one by one, in place of jieba.posseg's HMM (10 ms a character: 221 s
on 1 MB of real text, hours on random text). Long unknown runs are not names.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from bilingual.chars import IDEOGRAPHS, all_ideographs, is_ideograph
from bilingual.terms.entries import Glossary
from bilingual.terms.lexicon import Lexicon

# Common single-character surnames, and the compound ones.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀"
    "郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴"
    "丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧"
    "闭由"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
                     "司徒", "夏侯", "宇文", "长孙", "端木", "独孤", "南宫", "西门", "万俟", "呼延")
# Surnames that are also everyday function words: only trusted when jieba tags a name.
AMBIGUOUS_SURNAMES = set("和都但于时向全来那由平国云信展相初门计宣晋容敬普利居揭干元束衣智幸奉植富"
                         "闭海花权强位满闻盘楼原南班储郁阿母修哈宾戎勾茅於呼斯战危玉银鲜印隆诸慕羊"
                         "乌况宿公应连成文常安齐关方包党明万师商沙荣江路")
# Surnames read differently from the character's usual reading.
SURNAME_READINGS = {"单": "Shan", "曾": "Zeng", "解": "Xie", "仇": "Qiu", "朴": "Piao", "查": "Zha",
                    "乐": "Yue", "区": "Ou", "盖": "Ge", "尉迟": "Yuchi", "万俟": "Moqi",
                    "长孙": "Zhangsun", "覃": "Qin", "缪": "Miao", "华": "Hua", "任": "Ren",
                    "燕": "Yan", "重": "Chong", "翟": "Zhai", "秘": "Bi", "召": "Shao"}

# Words after which a name follows (titles, roles): the name is then 2-3 characters.
TITLE_BEFORE = re.compile(
    r"(?:书记|主任|主席|部长|局长|县长|市长|镇长|乡长|区长|省长|村长|组长|队长|院长|所长|校长|站长|"
    r"委员|常委|干部|党员|村医|记者|通讯员|编辑|同志们|群众|村民|居民|老人|医生|护士|民警|志愿者|"
    r"代表|负责人|理事长|会长|总指挥|领导|大爷|大妈|老党员|预备党员)[ \u3000]*")
AFTER_NAME = ("同志", "说", "表示", "介绍", "指出", "强调", "称")
# A character that starts the next word rather than ending a given name.
NOT_NAME_END = set("自在说带等到为主同亲是和与的将也都已从对向被把率领任就又还及并于今曾每各"
                   "均正先再来去要会能可在给让叫令请详郑高表介指强称及深严主积挂")

PLACE_SUFFIXES = ("自治州", "自治县", "街道", "社区", "省", "市", "县", "区", "镇", "乡", "村")
# Words that end like a place but are not one, and first characters no place name has here.
NOT_PLACES = set((
    "农村 乡村 城市 城区 市区 社区 街道 城乡 辖区 县区 山区 景区 园区 小区 "
    "该村 各村 全村 本村 邻村 该镇 全镇 各镇 本镇 该县 全县 各县 本县 全市 "
    "各市 本市 我市 我县 全区 各区 本区 我区 全省 我省 各省 全乡 各乡 该乡 "
    "城镇 乡镇 村村 下乡 返乡 回乡 家乡 老乡 进村 入村 驻村 包村 出村 在村 "
    "到村 住村 新村 郊区 片区 地区 省市 市县 县市 灾区 疫区 禁区 集镇 重镇 "
    "小镇 名村 行政村 自然村 村里 "
).split())
# A suffix character starting one of these words is no suffix: 重点区域, 距县城, 村民.
SUFFIX_WORDS = set((
    "区域 区别 区分 区间 县城 县级 县域 市场 市民 市区 市级 市域 市内 村民 "
    "村口 村里 村庄 村级 村医 村内 村务 村委 村干 村组 村居 村容 村落 镇上 "
    "镇里 镇区 乡亲 乡下 乡村 乡镇 乡里 乡土 乡愁 省级 省内 省外 区县 区内 "
    "县内 镇内 县委 市委 区委 省委 镇党 乡党 村党 县政 市政 区政 县人 市人 "
    "区人 "
).split())
NAME_TAGS = {"nr", "nrfg", "nrt"}
PLACE_TAGS = {"ns", "nr", "nz", "nrt", "nt", "nrfg"}
KINSHIP = tuple((
    "大爷 大妈 大娘 大姐 大哥 师傅 阿姨 奶奶 爷爷 老人 书记 主任 "
).split())
# jieba tags that a place-name stem does not have (verbs, adverbs, pronouns...)
NOT_STEM_TAGS = {"v", "vd", "vn", "d", "p", "c", "u", "r", "q", "a", "ad", "an", "f", "t", "uj",
                 "ul", "zg", "y", "e", "o"}
FUNCTION_CHARS = set("在到和与的及等从对向是为于至由经把被将给了着过"
                     "也都又就还并或但而且以及各该本全我其这那每")
PUNCT = set("，。、：；（）“”《》 ")


@dataclass
class Name:
    zh: str
    en: str
    start: int  # in the normalised Simplified text
    end: int
    kind: str  # "person" or "place"
    accepted: tuple[str, ...] = ()  # other forms verification accepts


# Unknown-character runs longer than this are not segmented by the HMM (a name is 2-4).
MAX_UNKNOWN_RUN = 6


def syllables(text: str) -> list[str]:
    # Names are read character by character (with our own surname and place readings), so
    # pypinyin's phrase dictionary is not needed: loading it cost half a second and 40 MB a
    # run. pypinyin reads this when first imported; set it only if the user has not.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors="ignore", v_to_u=False)


def join_syllables(parts: list[str]) -> str:
    """Hanyu Pinyin joined as one word: an apostrophe before a, o, e after the first syllable."""
    out = ""
    for i, part in enumerate(parts):
        part = part.replace("v", "ü")
        if i and part[:1] in "aoe":
            out += "'"
        out += part
    return out[:1].upper() + out[1:]


def surname_of(text: str, start: int = 0) -> str:
    """The surname a name at `start` begins with: a compound one (欧阳) or one character."""
    return next((s for s in COMPOUND_SURNAMES if text.startswith(s, start)),
                text[start:start + 1])


def romanize_person(name: str) -> str:
    surname = surname_of(name)
    given = name[len(surname):]
    family = SURNAME_READINGS.get(surname) or join_syllables(syllables(surname))
    return f"{family} {join_syllables(syllables(given))}".strip() if given else family


def romanize_place(name: str, suffixes: dict[str, str]) -> str:
    """Pinyin of the name and the English of its generic: 牛屯镇 → Niutun Town.

    One-character counties follow the same rule (滑县 → Hua County); the form that keeps 县
    in the name ("Huaxian County", as China Daily also writes) is accepted: `place_variants`.
    """
    suffix = next((s for s in PLACE_SUFFIXES if name.endswith(s) and len(name) > len(s)), "")
    stem = name[: len(name) - len(suffix)] if suffix else name
    parts = syllables(stem)
    parts = [PLACE_READINGS.get(ch, p) if len(parts) == len(stem) else p
             for ch, p in zip(stem, parts, strict=True)] if len(parts) == len(stem) else parts
    english = suffixes.get(suffix, "")
    return f"{join_syllables(parts)} {english}".strip()


def place_variants(name: str, suffixes: dict[str, str]) -> tuple[str, ...]:
    if len(name) == 2 and name.endswith("县"):
        return (f"{join_syllables(syllables(name))} {suffixes.get('县', '')}".strip(),)
    return ()


def _split_run(run: str) -> list[str]:
    """A short run of characters the dictionary only knows one by one (袁家健到市): a surname
    with the one or two characters after it is taken as a name (袁家健), the rest stay single.
    This does what jieba's HMM did for names, in linear time."""
    out: list[str] = []
    i = 0
    while i < len(run):
        if _is_surname_start(run[i:], strict=True) and len(run) - i >= 2:
            size = 3 if len(run) - i >= 3 and run[i + 2] not in NOT_NAME_END else 2
            if run[i + 1] not in NOT_NAME_END:
                out.append(run[i:i + size])
                i += size
                continue
        out.append(run[i])
        i += 1
    return out


# "小元、夏庄、南韩泉等其他村": villages (towns...) named in a list whose generic comes once,
# after it. Each name is romanised alone ("Xiaoyuan, Xiazhuang, Nanhanquan and other
# villages"): the generic belongs to the English of the whole list, not to each name.
_LISTED = re.compile(
    rf"((?:[{IDEOGRAPHS}]{{2,3}}、)+[{IDEOGRAPHS}]{{2,3}})(?:等|和)(?:其他|其余|多个|几个|\d+个)?"
    r"(?:行政村|自然村|村|镇|乡|社区|街道)")


def listed_places(text: str, suffixes: dict[str, str]) -> list[Name]:
    names = []
    for m in _LISTED.finditer(text):
        at = m.start(1)
        items = m.group(1).split("、")
        # the match may have begun a character early ("在小元"): a name starts after that
        while len(items[0]) > 2 and items[0][0] in FUNCTION_CHARS:
            items[0], at = items[0][1:], at + 1
        for item in items:
            if item not in NOT_PLACES and item[0] not in FUNCTION_CHARS:
                names.append(Name(item, romanize_place(item, suffixes), at, at + len(item),
                                  "place"))
            at += len(item) + 1
    return names


def _is_surname_start(text: str, strict: bool = False) -> bool:
    if text.startswith(COMPOUND_SURNAMES):
        return True
    return text[:1] in SURNAMES and not (strict and text[:1] in AMBIGUOUS_SURNAMES)


# Place-name readings that differ from the everyday reading of the character.
PLACE_READINGS = {"都": "du", "乐": "le", "长": "chang", "重": "chong", "厦": "xia", "番": "pan",
                  "行": "xing", "蚌": "beng", "单": "shan", "六": "lu"}


class NameFinder:
    """Finds person and place names; holds the glossary's suffix renderings."""

    def __init__(self, glossary: Glossary) -> None:
        self.lexicon = Lexicon()  # jieba's dictionary, memory-mapped
        self._last: tuple[str, list[tuple[int, int, str, str]]] = ("", [])
        self.suffixes = {zh: e.en for zh, e in glossary.suffixes().items()}
        for suffix in PLACE_SUFFIXES:
            self.suffixes.setdefault(suffix, "")

    def _common_word(self, word: str, threshold: int = 300) -> bool:
        """A frequent dictionary word that is not a name (明显, 高兴, 示范)."""
        return self.lexicon.freq(word) >= threshold and self.lexicon.tag(word) not in NAME_TAGS

    def _plausible_person(self, zh: str) -> bool:
        given = zh[len(surname_of(zh)):]
        if not 1 <= len(given) <= 2 or given in KINSHIP:
            return False
        return not self._common_word(zh[:2], 1000) and not self._common_word(zh)

    def _tag(self, word: str) -> str:
        tag = self.lexicon.tag(word)
        if tag is not None:
            return tag
        # an unknown word the HMM put together: a name when it reads like one
        return "nr" if 2 <= len(word) <= 4 and _is_surname_start(word) else "x"

    def _words(self, text: str) -> list[str]:
        """Dictionary words; short runs of unknown single characters that start with a surname
        go through the HMM, which is what finds unlisted names (尚丽娟)."""
        words: list[str] = []
        run: list[str] = []

        def flush() -> None:
            if 2 <= len(run) <= MAX_UNKNOWN_RUN:
                words.extend(_split_run("".join(run)))
            else:
                words.extend(run)
            run.clear()

        for word in self.lexicon.cut(text):
            if len(word) == 1 and is_ideograph(word):
                run.append(word)
                continue
            if run:
                flush()
            words.append(word)
        if run:
            flush()
        return words

    def _tokens(self, text: str) -> list[tuple[int, int, str, str]]:
        if self._last[0] == text:  # find_places and find_people look at the same text
            return self._last[1]
        tokens = []
        pos = 0
        for word in self._words(text):
            tokens.append((pos, pos + len(word), word, self._tag(word)))
            pos += len(word)
        self._last = (text, tokens)
        return tokens

    def find_places(self, text: str) -> list[Name]:
        found = self._places(text, self._tokens(text))
        listed = [n for n in listed_places(text, self.suffixes)
                  if all(n.end <= f.start or n.start >= f.end for f in found)]
        return sorted(found + listed, key=lambda n: n.start)

    def find_people(self, text: str, taken: list[tuple[int, int]]) -> list[Name]:
        """People in `text` outside the spans in `taken`, without overlaps among themselves."""
        found: list[Name] = []
        occupied = list(taken)
        for name in sorted(self._people(text, self._tokens(text)),
                           key=lambda n: (n.start, -(n.end - n.start))):
            if all(name.end <= a or name.start >= b for a, b in occupied):
                found.append(name)
                occupied.append((name.start, name.end))
        return found

    # -- people -------------------------------------------------------------------------
    def _people(self, text: str, tokens: list[tuple[int, int, str, str]]) -> list[Name]:
        names: list[Name] = []
        for start, end, word, flag in tokens:
            # two-character "names" are too often words (张贴, 杜绝): they need a title
            if flag == "nr" and 3 <= len(word) <= 4 and _is_surname_start(word, strict=True) \
                    and not word.endswith(PLACE_SUFFIXES) and word not in NOT_PLACES:
                names.append(Name(word, romanize_person(word), start, end, "person"))
        # after a title: 市委书记李公乐, 党员石琪珺, 记者 尚丽娟
        for m in TITLE_BEFORE.finditer(text):
            start = m.end()
            if start + 2 <= len(text) and _is_surname_start(text[start:], strict=True) \
                    and is_ideograph(text[start + 1]):
                names.append(self._cut_name(text, start))
        # before 同志 and verbs of saying: 马文英同志
        for word in AFTER_NAME:
            for m in re.finditer(rf"([{IDEOGRAPHS}]{{2,3}}){word}", text):
                cand = m.group(1)
                for n in (3, 2):
                    piece = cand[-n:]
                    at = m.start(1) + len(cand) - n
                    if len(cand) < n or not _is_surname_start(piece, strict=True):
                        continue
                    if at == 0 or text[at - 1] in FUNCTION_CHARS or text[at - 1] in PUNCT:
                        names.append(Name(piece, romanize_person(piece), at, at + n, "person"))
                        break
        return [n for n in names if n.zh not in NOT_PLACES and self._plausible_person(n.zh)]

    def _cut_name(self, text: str, start: int) -> Name:
        surname = surname_of(text, start)
        given_end = start + len(surname)
        limit = min(len(text), given_end + 2)
        while given_end < limit and is_ideograph(text[given_end]):
            if given_end > start + len(surname) and text[given_end] in NOT_NAME_END:
                break
            given_end += 1
        zh = text[start:given_end]
        return Name(zh, romanize_person(zh), start, given_end, "person")

    # -- places -------------------------------------------------------------------------
    def _places(self, text: str, tokens: list[tuple[int, int, str, str]]) -> list[Name]:
        starts = {t[0] for t in tokens}
        token_at = {i: t for t in tokens for i in range(t[0], t[1])}
        places: list[Name] = []
        i = 0
        chain_end = -1  # where the previous place ended: the next one may start right there
        while i < len(text):
            suffix = next((s for s in PLACE_SUFFIXES if text.startswith(s, i)), None)
            if suffix is None:
                i += 1
                continue
            end = i + len(suffix)
            word = token_at.get(i)
            if len(suffix) == 1 and text[i:i + 2] in SUFFIX_WORDS \
                    and not (word is not None and word[1] == end):
                i += 1
                continue
            begin = chain_end if chain_end >= 0 and 1 <= i - chain_end <= 4 else -1
            if begin < 0 or not all_ideographs(text[begin:i]):
                begin = self._place_start(text, tokens, starts, token_at, i)
            zh = text[begin:end]
            if begin < i and zh not in NOT_PLACES and text[begin] not in FUNCTION_CHARS \
                    and all_ideographs(zh) and i - begin <= 5:
                places.append(Name(zh, romanize_place(zh, self.suffixes), begin, end, "place",
                                   place_variants(zh, self.suffixes)))
                chain_end = end
            else:
                chain_end = -1
            i = end
        return places

    def _stem_like(self, token: tuple[int, int, str, str]) -> bool:
        """Could this jieba word be the name part of a place (东关, 五里, 洪河)?"""
        _, _, word, tag = token
        if word[0] in FUNCTION_CHARS or len(word) > 3 or tag in NOT_STEM_TAGS:
            return False
        if tag == "m":  # Chinese numerals name places (五里村), counts do not (两个村)
            return all_ideographs(word) and word[-1] not in "个些名位家"
        return tag in PLACE_TAGS or not self._common_word(word, 100)

    def _place_start(self, text: str, tokens: list[tuple[int, int, str, str]], starts: set[int],
                     token_at: dict[int, tuple[int, int, str, str]], suffix_at: int) -> int:
        tok = token_at.get(suffix_at)
        if tok is not None and tok[0] < suffix_at:
            stem = text[tok[0]:suffix_at]
            if self._common_word(tok[2]) or (len(stem) > 1 and self._common_word(stem)):
                return suffix_at  # 示范村, 重点区: a common word, not a name
            return tok[0]  # the jieba word holds name and suffix: 殷都区, 牛屯镇
        prev = token_at.get(suffix_at - 1)
        if prev is not None and self._stem_like(prev):
            begin = prev[0]
            before = token_at.get(begin - 1)
            if before is not None and len(before[2]) == 1 and before[2] not in FUNCTION_CHARS \
                    and is_ideograph(before[2]) \
                    and before[3] in ("nr", "ns", "nz", "n", "ng", "x") and len(prev[2]) < 3:
                begin = before[0]  # 董王 + 度 + 村
            return begin
        return suffix_at
