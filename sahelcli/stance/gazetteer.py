"""Actors (targets) and their aliases, matched in one pass over accent-folded text.

Folding keeps every offset: each character maps to exactly one character
(``é`` -> ``e``, ``’`` -> ``'``), so a match in the folded text is a span of
the original. All aliases of all actors go into one compiled regex, longest
first; acronyms (UN, US, AES) are matched case-sensitively, everything else
case-insensitively.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sahelcli.errors import UsageError

#: Particles that belong to a family name ("Marine Le Pen" -> "Le Pen").
_PARTICLES = frozenset("le la de du des da di van von der al el ben ould ag bin ibn mac mc".split())
_SPECIAL = {
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "`": "'",
    "´": "'",
    "‐": "-",
    "‑": "-",
    "–": "-",
    "—": "-",
    "œ": "o",
    "Œ": "O",
    "æ": "a",
    "Æ": "A",
    "ß": "s",
    "\u00a0": " ",
    "\u202f": " ",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
}


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """One character in, one character out: strip accents, unify apostrophes and dashes."""
    table: dict[int, str] = {}
    for code in range(0x80, 0x2100):
        ch = chr(code)
        if ch in _SPECIAL:
            table[code] = _SPECIAL[ch]
            continue
        base = unicodedata.normalize("NFD", ch)
        if len(base) > 1 and base[0].isascii() and all(unicodedata.combining(c) for c in base[1:]):
            table[code] = base[0]
    for ch, rep in _SPECIAL.items():
        table[ord(ch)] = rep
    return table


def fold(text: str) -> str:
    """Accent-fold ``text`` without changing its length (offsets stay valid)."""
    return text.translate(_fold_table())


@lru_cache(maxsize=1)
def _fold_lower_table() -> dict[int, str]:
    table = {code: rep.lower() for code, rep in _fold_table().items()}
    for code in range(0x41, 0x5B):
        table[code] = chr(code + 32)
    for code in range(0x80, 0x2100):
        ch = chr(code)
        if code not in table and ch.isupper() and len(ch.lower()) == 1:
            table[code] = ch.lower()
    return table


#: Frequent characters outside Latin-1, replaced before the fast byte path.
_NON_LATIN1 = (
    ("’", "'"),
    ("‘", "'"),
    ("œ", "o"),
    ("–", "-"),
    ("—", "-"),
    ("‑", "-"),
    ("\u202f", " "),
    ("…", "."),
    ("“", '"'),
    ("”", '"'),
)


@lru_cache(maxsize=1)
def _latin1_table() -> bytes:
    table = bytearray(range(256))
    for code in range(0x80, 0x100):
        rep = _fold_lower_table().get(code)
        if rep is not None and len(rep) == 1 and ord(rep) < 0x80:
            table[code] = ord(rep)
    return bytes(table)


@lru_cache(maxsize=1)
def _latin1_lower_table() -> bytes:
    """``_latin1_table`` after lowercasing: one ``bytes.translate`` does both."""
    table = _latin1_table()
    return bytes(table[ord(chr(code).lower())] for code in range(256))


def fold_lower(text: str) -> str:
    """``fold`` and lowercase, still one character per character (offsets stay valid).

    Fast paths: Latin-1 text (most) is lowercased and folded by one 256-entry bytes table
    (``str.lower`` costs more than all the rest); otherwise lowercase, replace the few
    common non-Latin-1 characters, then fold bytes with the table; other non-Latin-1
    characters become ``?`` (no alias uses them).
    """
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        pass
    else:
        return raw.translate(_latin1_lower_table()).decode("latin-1")
    low = text.lower()
    if len(low) != len(text):  # a rare character whose lowercase is longer (İ)
        return text.translate(_fold_lower_table())
    if low.isascii():
        return low
    for old, new in _NON_LATIN1:
        if old in low:
            low = low.replace(old, new)
    return low.encode("latin-1", "replace").translate(_latin1_table()).decode("latin-1")


#: ``bytes.translate`` table: each Latin-1 character that ``\w`` does not match becomes a space.
SPACE_NON_WORD = bytes(i if re.match(r"\w", chr(i)) else 0x20 for i in range(256))
#: ``bytes.translate`` table: a word character becomes ``w``, any other a space, so
#: ``(b" " + marks).count(b" w", 0, i + 2)`` is the number of words starting at or before i.
WORD_MARKS = bytes(0x20 if i == 0x20 else 0x77 for i in SPACE_NON_WORD)


def word_spaced(low: str) -> bytes | None:
    r"""``low`` as Latin-1 bytes with every character ``\w`` does not match made a space
    (same offsets), so ``split()`` gives exactly its ``\w+`` words; None when ``low`` has a
    character beyond Latin-1 (``fold_lower`` output never has, except after its rare slow path).
    """
    try:
        raw = low.encode("latin-1")
    except UnicodeEncodeError:
        return None
    return raw.translate(SPACE_NON_WORD)


def _spaced_form(form: str) -> bytes | None:
    """A trie form as it looks in ``word_spaced`` text, as a regex: word characters stay,
    every other character is a space, the separator (a space in the form) one or more
    spaces. None when the form has a character beyond Latin-1 (never in that text)."""
    try:
        raw = form.encode("latin-1")
    except UnicodeEncodeError:
        return None
    spaced = raw.translate(SPACE_NON_WORD)
    parts = [re.escape(ch) if ch != " " else " " for ch in spaced.decode("latin-1")]
    # the form's own spaces are separators, other non-word characters one space each
    out = "".join(" +" if form[i] == " " else part for i, part in enumerate(parts))
    return out.encode("latin-1")


def candidate_regex(forms: Iterable[str]) -> re.Pattern[bytes]:
    r"""Where in ``b" " + word_spaced(low) + b" "`` one of ``forms`` may start (``match``
    offsets are offsets in ``low``): a superset of where ``(?<![\w])form(?![\w])`` matches
    ``low``, found by one scan that ``re`` runs only at spaces (a literal first character),
    where the plain regex tests every character. Only the space is consumed, so no start
    is hidden by an earlier one."""
    trie: dict[bytes, Any] = {}
    for form in forms:
        spaced = _spaced_form(form)
        if spaced is None:
            continue
        node = trie
        for atom in [*re.findall(rb" \+|\\?.", spaced, flags=re.DOTALL), b" "]:
            node = node.setdefault(atom, {})
        node[b""] = {}
    return re.compile(rb" (?=" + (_bytes_trie(trie) if trie else rb"(?!x)x") + rb")")


def _bytes_trie(node: dict[bytes, Any]) -> bytes:
    branches = [atom + _bytes_trie(node[atom]) for atom in sorted(k for k in node if k)]
    if not branches:
        return b""
    body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
    return b"(?:" + body + b")?" if b"" in node else body


#: Above this many entries the matched-surface memo is emptied (endless streams).
MEMO_CAP = 4096


def norm_key(text: str) -> str:
    """Key under which an alias is looked up: folded, lowercased, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", fold(text).lower())


def _alias_form(alias: str) -> str:
    """An alias as the trie stores it: folded, lowercased, one space for any separator run."""
    return re.sub(r"[\s\-']+", " ", fold(alias).strip().lower())


def char_trie(forms: Iterable[str]) -> dict[str, Any]:
    """``forms`` as nested dicts, one level per character; the key "" marks a form's end."""
    trie: dict[str, Any] = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}
    return trie


def trie_regex(forms: list[str], separator: str = r"['\s\-]+") -> str:
    """One regex for many literal forms, as a character trie: ``re`` walks it in one pass
    instead of trying every alternative at every position. A space stands for ``separator``."""
    return _trie_node(char_trie(forms), separator)


def _trie_node(node: dict[str, Any], separator: str) -> str:
    branches = []
    for ch in sorted(k for k in node if k):
        atom = separator if ch == " " else re.escape(ch)
        branches.append(atom + _trie_node(node[ch], separator))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return "(?:" + body + ")?" if "" in node else body


def _word_trie_regex(forms: list[str]) -> str:
    r"""``(?<![\w])`` + ``trie_regex(forms)`` + ``(?![\w])``, with the start check moved after
    each first character (``(?<!\w.)``): the pattern then opens with a set of literals,
    which ``re`` skips to directly (acronyms: capitals, rare) instead of testing every
    position. Same matches; the plain form when a first character is blank or a form empty."""
    trie = char_trie(forms)
    if "" in trie or any(ch.isspace() for ch in trie):
        return r"(?<![\w])" + _trie_node(trie, r"['\s\-]+") + r"(?![\w])"
    branches = [
        re.escape(ch) + r"(?<!\w.)" + _trie_node(trie[ch], r"['\s\-]+") for ch in sorted(trie)
    ]
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return body + r"(?![\w])"


@dataclass
class Actor:
    """A target: its canonical name, aliases (any case) and acronyms (exact case)."""

    name: str
    aliases: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)


@dataclass
class Mention:
    """One alias occurrence: character span in the text and the actor's name."""

    start: int
    end: int
    target: str
    demonym: bool = False


class Gazetteer:
    """The actors and one compiled regex that finds all their mentions."""

    def __init__(self, actors: list[Actor]) -> None:
        self.actors: dict[str, Actor] = {}
        for actor in actors:
            self.add(actor)
        self._regex: re.Pattern[str] | None = None

    def add(self, actor: Actor) -> None:
        """Add an actor, or merge aliases into the actor of the same name."""
        known = self.actors.get(actor.name)
        if known is None:
            known = self.actors[actor.name] = Actor(actor.name)
        for alias in [actor.name, *actor.aliases]:
            if alias and alias not in known.aliases:
                known.aliases.append(alias)
        for acro in actor.acronyms:
            if acro and acro not in known.acronyms:
                known.acronyms.append(acro)
        for person in actor.people:
            if person and person not in known.people:
                known.people.append(person)
        self._regex = None

    def _build(self) -> re.Pattern[str]:
        self._keys: dict[str, list[str]] = {}
        self._acro: dict[str, list[str]] = {}
        self._people: dict[str, str] = {}
        self._memo: dict[str, list[str]] = {}
        loose: set[str] = set()
        exact: set[str] = set()
        for actor in self.actors.values():
            for alias in [*actor.aliases, *actor.people]:
                key = norm_key(alias)
                if key:
                    names = self._keys.setdefault(key, [])
                    if actor.name not in names:
                        names.append(actor.name)
                    loose.add(_alias_form(alias))
            for person in actor.people:
                self._people.setdefault(norm_key(person), actor.name)
            for acro in actor.acronyms:
                self._acro.setdefault(fold(acro), []).append(actor.name)
                exact.add(fold(acro))
        never = r"(?!x)x"
        self._exact = re.compile(_word_trie_regex(sorted(exact)) if exact else never)
        # Where mentions may start (see ``find``). Acronyms are matched on the text itself:
        # their candidates come from the folded text only when they are ASCII (a non-word
        # character never folds to a word one: tested on every code point).
        self._acro_fast = all(form.isascii() for form in exact)
        self._acro_initials = frozenset(form[:1] for form in exact)
        candidates = loose | {form.lower() for form in exact} if self._acro_fast else loose
        self._candidates = candidate_regex(candidates)
        return re.compile(
            r"(?<![\w])" + (trie_regex(sorted(loose)) if loose else never) + r"(?![\w])"
        )

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = self._build()
        return self._regex

    def find(
        self,
        text: str,
        only: set[str] | None = None,
        lowered: str | None = None,
        *,
        spaced: bytes | None = None,
    ) -> list[Mention]:
        """All mentions in ``text``, in order, optionally only of some targets.

        ``lowered`` is ``fold_lower(text)`` when the caller already has it (``spaced`` its
        ``word_spaced``). Aliases are matched on it (no IGNORECASE: faster), acronyms on
        ``text`` itself (exact case).

        Why it is fast: the plain scan tries both regexes at every character; here one
        scan of ``word_spaced`` text (``candidate_regex``: tried only at spaces, C-level
        skips between) gives the few places where a mention may start, and the regexes
        are tried only there (``match`` at a place gives what ``finditer`` finds there).
        """
        if self._regex is None:
            self._regex = self._build()
        low = lowered if lowered is not None else fold_lower(text)
        if spaced is None:
            spaced = word_spaced(low)
        if spaced is None:
            return self._scan(text, only, low, None, None)
        starts = [m.start() for m in self._candidates.finditer(b" " + spaced + b" ")]
        loose = starts
        acro = None
        if self._acro_fast:  # an acronym starts with one of its first letters, case and all
            initials = self._acro_initials
            acro = [i for i in starts if text[i] in initials]
        return self._scan(text, only, low, loose, acro)

    def _scan(
        self,
        text: str,
        only: set[str] | None,
        low: str,
        loose: list[int] | None,
        acro: list[int] | None,
    ) -> list[Mention]:
        """Mentions from regex matches: at the candidate word starts ``loose`` (aliases, on
        ``low``) and ``acro`` (acronyms, on ``text``), or by scanning all when None."""
        out = []
        memo = self._memo
        if len(memo) > MEMO_CAP:
            memo.clear()
        keys = self._keys
        for m in regex_matches(self.regex, low, loose):
            word = m.group(0)
            names = memo.get(word)
            if names is None:
                names = memo[word] = keys.get(norm_key(word)) or []
            for name in names:
                if only is None or name in only:
                    out.append(Mention(m.start(), m.end(), name, text[m.start()].islower()))
        if self._acro and (acro is None or acro):
            spans = [(m.start, m.end) for m in out]
            extra = []
            for m in regex_matches(self._exact, text, acro):
                if any(s < m.end() and m.start() < e for s, e in spans):
                    continue
                for name in self._acro.get(m.group(0), []):
                    if only is None or name in only:
                        extra.append(Mention(m.start(), m.end(), name, False))
            if extra:
                out = sorted(out + extra, key=lambda m: m.start)
        return out

    def resolve(self, target: str) -> str:
        """Canonical name for ``target`` (a name or an alias); people and unknown names
        become targets of their own (a leader is not his state)."""
        target = target.strip()
        if target in self.actors:
            return target
        key = norm_key(target)
        for actor in self.actors.values():
            if norm_key(actor.name) == key:
                return actor.name
        if self._regex is None:
            self._build()
        if key not in self._people:
            names = self._keys.get(key) or self._acro.get(fold(target))
            if names:
                return names[0]
        self.add(person_actor(target))
        return target


def regex_matches(
    regex: re.Pattern[str], text: str, starts: list[int] | None
) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)``, or the same matches tried only at ``starts`` (a sorted
    superset of where a match can begin): leftmost first, none overlapping."""
    if starts is None:
        yield from regex.finditer(text)
        return
    end = 0
    match = regex.match
    for i in starts:
        if i >= end:
            m = match(text, i)
            if m is not None:
                yield m
                end = m.end()


def person_actor(name: str) -> Actor:
    """An ad-hoc target: the name itself, its last name (with particles) and a hashtag form."""
    words = name.split()
    aliases = [name]
    if len(words) > 1:
        last = [words[-1]]
        i = len(words) - 2
        while i > 0 and words[i].lower() in _PARTICLES:
            last.insert(0, words[i])
            i -= 1
        family = " ".join(last)
        if len(norm_key(family)) >= 3:
            aliases.append(family)
        aliases.append("".join(words))
    return Actor(name, aliases)


def _actors_from_json(data: Any, source: str) -> list[Actor]:
    items = data.get("actors", data) if isinstance(data, dict) else data
    if isinstance(items, dict):  # {"Name": ["alias", ...]}
        items = [{"name": k, "aliases": v} for k, v in items.items()]
    if not isinstance(items, list):
        raise UsageError(f'{source}: expected a list of actors or {{"actors": [...]}}')
    actors = []
    for n, item in enumerate(items, 1):
        if isinstance(item, str):
            actors.append(Actor(item, []))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise UsageError(f'{source}: actor {n} needs a "name" string')
        aliases = item.get("aliases", [])
        acronyms = item.get("acronyms", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise UsageError(
                f'{source}: actor {n} ({item["name"]}): "aliases" must be a list of strings'
            )
        if not isinstance(acronyms, list) or not all(isinstance(a, str) for a in acronyms):
            raise UsageError(
                f'{source}: actor {n} ({item["name"]}): "acronyms" must be a list of strings'
            )
        people = item.get("people", [])
        if not isinstance(people, list) or not all(isinstance(a, str) for a in people):
            raise UsageError(
                f'{source}: actor {n} ({item["name"]}): "people" must be a list of strings'
            )
        actors.append(Actor(item["name"], list(aliases), list(acronyms), list(people)))
    return actors


def read_targets_file(path: str) -> list[Actor]:
    """Actors from a JSON or TOML file (TOML needs Python 3.11+: tomllib)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read targets file ({exc.strerror or exc})") from None
    if p.suffix.lower() == ".toml":
        try:
            import tomllib
        except ImportError:  # pragma: no cover - Python 3.10
            raise UsageError(f"{path}: TOML targets need Python 3.11+; use JSON") from None
        try:
            data: Any = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"{path}: not valid TOML ({exc})") from None
    else:
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UsageError(f"{path}: not valid JSON ({exc})") from None
    return _actors_from_json(data, path)


@lru_cache(maxsize=1)
def _shipped() -> tuple[Actor, ...]:
    text = resources.files("sahelcli.data").joinpath("actors.json").read_text(encoding="utf-8")
    return tuple(_actors_from_json(json.loads(text), "actors.json"))


def load_gazetteer(
    extra_file: str | None = None, extra_targets: tuple[str, ...] | list[str] = ()
) -> Gazetteer:
    """The shipped actors, plus a user file and ad-hoc target names."""
    gaz = Gazetteer(
        [Actor(a.name, list(a.aliases), list(a.acronyms), list(a.people)) for a in _shipped()]
    )
    if extra_file:
        for actor in read_targets_file(extra_file):
            gaz.add(actor)
    for name in extra_targets:
        gaz.resolve(name)
    return gaz
