"""Chinese word segmentation for search (jieba, dictionary only).

Pagefind's own Chinese support splits differently when indexing (charabia) and when searching
(the browser's Intl.Segmenter), so a query rarely meets the index word for word: "包车" became
包 + 车 and found 公交车. We segment both sides with one vocabulary instead: jieba cuts the
indexed text (its dictionary plus the glossary's terms, the names the notices put in quotes and
SEARCH_WORDS, so 以工代训 stays whole), and the words it produced are shipped to the browser,
which cuts a query by forward maximum matching over them (overrides/assets/zc/site.js).

A compound that divides into words of two or more characters is indexed as those words
(留岗红包 → 留岗 红包, 失业保险 → 失业 保险): Pagefind matches a query word against the start
of an indexed word, so a whole 留岗红包 would hide it from a search for 红包. The query 留岗红包
is cut the same way and ranked by how many of its words a clause holds.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Iterable

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN}]+")
# Names a notice puts in quotes: “留岗红包”, "抱团出海", 「…」 (two to eight characters).
QUOTED = re.compile(f"[“\"「]([{HAN}]{{2,8}})[”\"」]")
# Everyday words of this field that jieba's dictionary lacks (left alone they fall apart
# into characters, and 留 + 工 find every word that starts with either).
SEARCH_WORDS = ("留岗", "留工", "稳岗", "稳工", "稳产", "扩岗", "返岗", "返工", "新居民",
                "失业保险", "社保", "参保", "用工", "缺工", "招工", "引才", "流量包")


def user_words(corpus) -> list[str]:
    """Words jieba must keep whole: the glossary's Chinese terms and the quoted names in every
    notice's title, clauses and measure titles."""
    words = {entry["zh"] for entry in corpus.glossary if HAN_RUN.fullmatch(entry["zh"])}
    words.update(SEARCH_WORDS)
    for notice in corpus.notices:
        v = notice.latest
        texts = [v.title.zh] + [c.text.zh for c in v.clauses()]
        texts += [m.title.zh for c in v.clauses() for m in (c.measures or ())]
        for text in texts:
            words.update(QUOTED.findall(text or ""))
    return sorted(words)


class Segmenter:
    """Cuts Chinese into words; remembers every word of two or more characters it produced
    (the vocabulary the browser segments queries with)."""

    def __init__(self, words: Iterable[str] = ()):
        import jieba
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in words:
            self._jieba.add_word(word)
        self.vocabulary: set[str] = set()
        self._cut = lru_cache(maxsize=None)(self._cut_run)
        self.spaced = lru_cache(maxsize=65536)(self._spaced)  # pages repeat their labels

    def _cut_run(self, run: str) -> tuple[str, ...]:
        words = tuple(part for w in self._jieba.cut(run, HMM=False) for part in self._divide(w))
        self.vocabulary.update(w for w in words if len(w) > 1)
        return words

    def _divide(self, word: str) -> tuple[str, ...]:
        """`word` as the likeliest sequence of shorter dictionary words (at most one single
        character among them: 春节免费乘公交 → 春节 免费 乘 公交), or whole when there is none."""
        if len(word) < 4:
            return (word,)
        freq = self._jieba.FREQ
        # best[i]: (score, parts) for word[:i]; longer parts score more, a single character none.
        best: list = [None] * (len(word) + 1)
        best[0] = (0.0, ())
        for end in range(1, len(word) + 1):
            for start in range(end):
                part = word[start:end]
                if best[start] is None or part == word or (len(part) > 1 and not freq.get(part)):
                    continue
                score = best[start][0] + (len(part) ** 2 if len(part) > 1 else 0) + freq.get(part, 0) / 1e9
                if best[end] is None or score > best[end][0]:
                    best[end] = (score, best[start][1] + (part,))
        parts = best[-1][1]
        return parts if sum(len(p) == 1 for p in parts) <= 1 else (word,)

    def cut(self, text: str) -> list[str]:
        """The words of `text`'s Chinese runs (other characters are left out)."""
        return [w for run in HAN_RUN.findall(text) for w in self._cut(run)]

    def _spaced(self, text: str) -> str:
        """`text` with a space around every Chinese word: Pagefind then indexes words."""
        return HAN_RUN.sub(lambda m: " " + " ".join(self._cut(m.group())) + " ", text)
