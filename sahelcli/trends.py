"""What changes over time: articles bucketed by period, distinctive terms, followed
terms and stance, aggregated as a stream.

Nothing here keeps an article once it is counted: each article becomes a few
counters (terms it uses, followed terms it mentions, stance it takes) added to
per-period tallies, so memory grows with vocabulary x periods, never with the
number of articles. The tallies add up in any order, so workers can each count
a share of the articles and the parent merges their partial tallies.

Distinctive terms use the log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008, "Fightin' Words", eq. 16-22): for a period i
against the rest of the corpus j, with counts y, totals n, and a prior
alpha_w = alpha_0 * pi_w taken from the whole corpus,

    delta_w = log((y_wi + a_w) / (n_i + a_0 - y_wi - a_w))
            - log((y_wj + a_w) / (n_j + a_0 - y_wj - a_w))
    var_w  ~= 1 / (y_wi + a_w) + 1 / (y_wj + a_w)          z_w = delta_w / sqrt(var_w)

A term is counted once per article (document frequency), so one long article
repeating a word cannot make it "the word of the month". A period's distinctive
terms are those with the highest z, down to z = 1.96; rare terms (fewer than
``min_articles`` articles in the whole corpus) are pruned once all is counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from unidecode import unidecode

from sahelcli.dates import MONTHS, DateProblem, parse_date, to_date
from sahelcli.errors import ArticleError
from sahelcli.records import Record

Warn = Callable[[str], None]

PERIODS = ("week", "month", "quarter", "year")
STANCE_LABELS = ("favor", "against", "neutral")

#: Default weight of the corpus prior (alpha_0) as a share of the corpus counts: the
#: corpus itself, at a hundredth of its weight (scale-free: same shrinkage for 200 or
#: 200,000 articles). See ``FightinWords``.
DEFAULT_PRIOR = 0.01

#: Terms must reach this z-score to be called distinctive (two-sided 5% level).
MIN_Z = 1.96

#: Month and weekday names are trivially "distinctive" of their period (avril in
#: April): they are left out of the keyword trends (accent-folded, fr and en).
CALENDAR_WORDS = frozenset(MONTHS) | frozenset(
    """lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday
    thursday friday saturday sunday""".split()
)
#: Terms used in fewer articles than this over the whole corpus are pruned at the end.
DEFAULT_MIN_ARTICLES = 3


# --------------------------------------------------------------------------- periods


def period_of(day: dt.date, by: str) -> str:
    """The label of the period holding ``day``: 2025-W14, 2025-04, 2025-Q2, 2025."""
    if by == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if by == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if by == "year":
        return f"{day.year:04d}"
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    raise ValueError(f"unknown period '{by}' (choose from {', '.join(PERIODS)})")


def period_bounds(label: str, by: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period label made by ``period_of``."""
    if by == "week":
        year, week = label.split("-W")
        start = dt.date.fromisocalendar(int(year), int(week), 1)
        return start, start + dt.timedelta(days=6)
    if by == "month":
        year_text, month_text = label.split("-")
        start = dt.date(int(year_text), int(month_text), 1)
        return start, _next_month(start) - dt.timedelta(days=1)
    if by == "quarter":
        year, quarter = label.split("-Q")
        start = dt.date(int(year), 3 * int(quarter) - 2, 1)
        end = _next_month(_next_month(_next_month(start))) - dt.timedelta(days=1)
        return start, end
    if by == "year":
        return dt.date(int(label), 1, 1), dt.date(int(label), 12, 31)
    raise ValueError(f"unknown period '{by}' (choose from {', '.join(PERIODS)})")


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class DateCheck:
    """Where an article's date puts it: a period, or a reason it has none."""

    period: str | None
    status: str  # ok | undated | unrecognised | impossible | future | coarse
    detail: str = ""


def check_date(value: Any, by: str, today: dt.date) -> DateCheck:
    """Place a record's ``date`` field in a period, or say why it cannot be placed.

    A month-only date (``2025-04``) cannot go in an ISO week: it is ``coarse``.
    Dates after ``today`` (the run's date) are ``future``: almost always typos.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return DateCheck(None, "undated")
    text = str(value).strip()
    try:
        iso = parse_date(text)
    except DateProblem as exc:
        return DateCheck(None, "impossible", f"impossible date '{text}' ({exc})")
    if iso is None:
        return DateCheck(None, "unrecognised", f"unrecognised date '{text}'")
    day = to_date(iso)
    if day > today:
        return DateCheck(None, "future", f"date {iso} is after today ({today.isoformat()})")
    if by == "week" and len(iso) == 7:
        return DateCheck(None, "coarse", f"date {iso} has no day, cannot be put in a week")
    return DateCheck(period_of(day, by), "ok")


# --------------------------------------------------------------------------- per-article


def fold(text: str) -> str:
    """Accent-folded lowercase, as terms are matched."""
    return unidecode(text).lower()


def content_terms(record: Record) -> set[str]:
    """Distinct content terms of an article (title included): lowercased lemmas of
    tokens that are not stop words, start with a letter and hold two letters or more
    (so ``covid-19`` and ``g5`` count, ``1er`` and ``%`` do not)."""
    from sahelcli.pipeline import ensure_tokens

    ensure_tokens(record)
    terms = _terms_of(record.get("tokens") or [])
    title = record.get("title")
    if title:
        from sahelcli.tokenize import tokenize_text

        _, _, title_tokens = tokenize_text(title, record.get("lang"))
        terms |= _terms_of(title_tokens)
    return terms


def _terms_of(tokens: Iterable[dict[str, Any]]) -> set[str]:
    term_of = _term_of
    terms = {term_of(t.get("lemma") or t.get("norm") or "") for t in tokens if not t.get("stop")}
    terms.discard(None)
    return terms  # type: ignore[return-value]


@lru_cache(maxsize=200_000)
def _term_of(lemma: str) -> str | None:
    """The counted form of a lemma, or None when it is not a content term (cached:
    news repeats its words)."""
    if not lemma[:1].isalpha() or sum(ch.isalpha() for ch in lemma) < 2:
        return None
    lemma = lemma.lower()
    return None if fold(lemma) in CALENDAR_WORDS else lemma


class TermMatcher:
    """Finds followed terms in an article: accent-folded, case-insensitive, whole
    words; phrases match across any run of spaces, hyphens or apostrophes; a final
    ``*`` matches any ending (``djihad*``)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = list(dict.fromkeys(t.strip() for t in terms if t.strip()))
        self._patterns = [re.compile(self._pattern(t)) for t in self.terms]

    @staticmethod
    def _pattern(term: str) -> str:
        prefix = term.endswith("*")
        words = re.split(r"[\s\-'’]+", fold(term.rstrip("*")).strip())
        body = r"[\s\-']+".join(re.escape(w) for w in words if w)
        return r"(?<!\w)" + body + (r"\w*" if prefix else r"(?!\w)")

    def __bool__(self) -> bool:
        return bool(self.terms)

    def found(self, record: Record) -> list[str]:
        """The followed terms this article mentions (title or text)."""
        if not self.terms:
            return []
        folded = fold(f"{record.get('title') or ''}\n{record.get('text') or ''}")
        return [t for t, p in zip(self.terms, self._patterns, strict=True) if p.search(folded)]


def target_filter(wanted: Iterable[str]) -> Callable[[str], bool]:
    """Keep a stance target when it equals one of ``wanted`` or contains one of them
    (accent-folded, case-insensitive): ``--target jihad`` keeps "Groupes jihadistes"."""
    keys = [fold(w).strip() for w in wanted if w.strip()]
    if not keys:
        return lambda target: True
    return lambda target: any(k in fold(target) for k in keys)


# --------------------------------------------------------------------------- tallies


@dataclass
class StanceTally:
    favor: int = 0
    against: int = 0
    neutral: int = 0
    score_sum: float = 0.0
    scored: int = 0

    def add(self, label: str, score: float | None) -> None:
        if label in STANCE_LABELS:
            setattr(self, label, getattr(self, label) + 1)
        if score is not None:
            self.score_sum += score
            self.scored += 1

    def merge(self, other: StanceTally) -> None:
        self.favor += other.favor
        self.against += other.against
        self.neutral += other.neutral
        self.score_sum += other.score_sum
        self.scored += other.scored

    @property
    def articles(self) -> int:
        return self.favor + self.against + self.neutral


@dataclass
class Tally:
    """Counts for a share of the articles; tallies merge by addition (any order).

    ``terms`` holds, per period, in how many articles each content term occurs.
    Term strings are shared between periods (interned) so a term costs its
    string once plus one dict slot per period that uses it.
    """

    articles: Counter[str] = field(default_factory=Counter)
    terms: dict[str, Counter[str]] = field(default_factory=dict)
    mentions: dict[str, Counter[str]] = field(default_factory=dict)
    stance: dict[tuple[str, str], StanceTally] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: articles with no stance field that could not be given one (no stance module)
    unscored: int = 0
    _vocab: dict[str, str] = field(default_factory=dict, repr=False)

    def add_terms(self, period: str, terms: Iterable[str]) -> None:
        counter = self.terms.get(period)
        if counter is None:
            counter = self.terms[period] = Counter()
        vocab = self._vocab
        for term in terms:
            term = vocab.setdefault(term, term)
            counter[term] += 1

    def merge(self, other: Tally) -> None:
        self.articles.update(other.articles)
        for period, counts in other.terms.items():
            counter = self.terms.get(period)
            if counter is None:
                counter = self.terms[period] = Counter()
            vocab = self._vocab
            for term, n in counts.items():
                term = vocab.setdefault(term, term)
                counter[term] += n
        for period, counts in other.mentions.items():
            self.mentions.setdefault(period, Counter()).update(counts)
        for key, tally in other.stance.items():
            self.stance.setdefault(key, StanceTally()).merge(tally)
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)
        self.unscored += other.unscored


@dataclass
class Plan:
    """What to compute for each article; built once in the parent, shared by workers."""

    keywords: bool = True
    stance: bool = True
    matcher: TermMatcher = field(default_factory=lambda: TermMatcher([]))
    keep_target: Callable[[str], bool] = field(default=lambda target: True)
    stance_stage: Callable[[Record, Warn], None] | None = None
    #: stance is wanted for every article (an article without one and no stage to
    #: compute it is counted as unscored); else only stance fields present are used
    compute_stance: bool = False


def count_article(record: Record, period: str, plan: Plan, tally: Tally) -> None:
    """Add one dated article to ``tally``; a stage failure is recorded, not raised."""
    tally.articles[period] += 1
    try:
        if plan.keywords:
            tally.add_terms(period, content_terms(record))
        if plan.matcher:
            found = plan.matcher.found(record)
            counter = tally.mentions.setdefault(period, Counter())
            counter.update(found)
        if plan.stance:
            _count_stance(record, period, plan, tally)
    except ArticleError as exc:
        tally.errors.append(str(exc))
    except Exception as exc:  # a bug fails one article, not a run over thousands
        tally.errors.append(
            f"{record.get('id')}: internal error, please report it: {type(exc).__name__}: {exc}"
        )


def _count_stance(record: Record, period: str, plan: Plan, tally: Tally) -> None:
    if "stance" not in record:
        if plan.stance_stage is None:
            tally.unscored += plan.compute_stance
            return
        plan.stance_stage(record, tally.warnings.append)
    for entry in record.get("stance") or []:
        if not isinstance(entry, dict):
            continue
        target = str(entry.get("target") or "")
        if not target or not plan.keep_target(target):
            continue
        score = entry.get("score")
        number = float(score) if isinstance(score, (int, float)) else None
        tally.stance.setdefault((period, target), StanceTally()).add(
            str(entry.get("label")), number
        )


def count_chunk(chunk: list[tuple[str, Record]], plan: Plan) -> Tally:
    """A tally for a list of (period, record) pairs: the unit of work of a worker."""
    tally = Tally()
    for period, record in chunk:
        count_article(record, period, plan, tally)
    return tally


# --------------------------------------------------------------------------- parallel


_PLAN: dict[str, Plan] = {}


def _init_worker(plan: Plan) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _PLAN["plan"] = plan


def _worker_chunk(chunk: list[tuple[str, Record]]) -> Tally:
    return count_chunk(chunk, _PLAN["plan"])


def tally_stream(
    items: Iterable[tuple[str, Record]], plan: Plan, jobs: int = 1, chunk_size: int = 64
) -> Iterator[Tally]:
    """Partial tallies for a stream of (period, record), by ``jobs`` processes.

    Records go to a fork-started pool in a bounded window of chunks, so memory
    does not grow with the number of articles; tallies come back in any order.
    """
    import multiprocessing
    from itertools import islice

    iterator = iter(items)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        while chunk := list(islice(iterator, chunk_size)):
            yield count_chunk(chunk, plan)
        return
    context = multiprocessing.get_context("fork")
    window = jobs * 3
    with context.Pool(jobs, initializer=_init_worker, initargs=(plan,)) as pool:
        pending: list[Any] = []
        try:
            while chunk := list(islice(iterator, chunk_size)):
                pending.append(pool.apply_async(_worker_chunk, (chunk,)))
                while len(pending) >= window:
                    yield _next_ready(pending)
            while pending:
                yield _next_ready(pending)
        except BaseException:
            pool.terminate()
            raise


def _next_ready(pending: list[Any]) -> Tally:
    """The first finished result (order does not matter: tallies add up)."""
    while True:
        for i, result in enumerate(pending):
            if result.ready():
                return pending.pop(i).get()  # type: ignore[no-any-return]
        pending[0].wait(0.01)


# --------------------------------------------------------------------------- statistic


@dataclass(frozen=True)
class Distinctive:
    term: str
    z: float
    log_odds: float
    articles: int


class FightinWords:
    """Log-odds ratio with informative Dirichlet prior, one period against the rest.

    ``totals`` are the counts over the whole corpus: they give the prior
    pi_w = totals_w / n and, minus a period's counts, the rest j. ``prior`` is
    alpha_0 as a share of n (alpha_0 = prior * n). Built once; ``top`` is then called per
    period with that period's counts only, so memory stays O(vocabulary).
    """

    def __init__(self, totals: dict[str, int], prior: float = DEFAULT_PRIOR) -> None:
        import numpy as np

        self.vocab = list(totals)
        self.index = {t: k for k, t in enumerate(self.vocab)}
        self.y_all = np.fromiter(totals.values(), dtype=np.float64, count=len(self.vocab))
        self.n_all = float(self.y_all.sum())
        self.prior = prior * self.n_all
        self.alpha = prior * self.y_all

    def scores(self, period_counts: dict[str, int]) -> tuple[Any, Any, Any]:
        """(y_i, delta, z) arrays over the vocabulary for one period."""
        import numpy as np

        y_i = np.zeros_like(self.y_all)
        for term, count in period_counts.items():
            k = self.index.get(term)
            if k is not None:
                y_i[k] = count
        y_j = self.y_all - y_i
        n_i = float(y_i.sum())
        n_j = self.n_all - n_i
        a, a0 = self.alpha, self.prior
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.log((y_i + a) / (n_i + a0 - y_i - a)) - np.log(
                (y_j + a) / (n_j + a0 - y_j - a)
            )
            z = delta / np.sqrt(1.0 / (y_i + a) + 1.0 / (y_j + a))
        return y_i, delta, z

    def top(
        self,
        period_counts: dict[str, int],
        top: int = 10,
        min_count: int = 2,
        min_z: float = MIN_Z,
    ) -> list[Distinctive]:
        """The ``top`` terms most over-represented in the period, by z-score; a term
        must occur ``min_count`` times or more in the period and have z >= ``min_z``
        (1.96 by default: what Monroe et al. read as a real difference, not noise)."""
        import numpy as np

        if not self.vocab or not period_counts:
            return []
        y_i, delta, z = self.scores(period_counts)
        z = np.where((y_i >= min_count) & np.isfinite(z), z, -np.inf)
        order = np.argsort(-z, kind="stable")[:top]
        return [
            Distinctive(
                self.vocab[k], round(float(z[k]), 3), round(float(delta[k]), 4), int(y_i[k])
            )
            for k in order
            if z[k] > 0 and z[k] >= min_z
        ]


# --------------------------------------------------------------------------- results


def period_records(
    tally: Tally,
    by: str,
    plan: Plan,
    top: int = 10,
    prior: float = DEFAULT_PRIOR,
    min_articles: int = DEFAULT_MIN_ARTICLES,
) -> list[Record]:
    """One record per period that has articles, in time order.

    Every record lists every followed term and every stance target seen anywhere
    (zeros where absent), so rows line up in CSV and plots.
    """
    periods = sorted(tally.articles, key=lambda p: period_bounds(p, by)[0])
    totals = _pruned_totals(tally, min_articles) if plan.keywords and len(periods) > 1 else {}
    model = FightinWords(totals, prior) if totals else None
    targets = sorted({target for _, target in tally.stance})
    records = []
    for period in periods:
        start, end = period_bounds(period, by)
        n = tally.articles[period]
        record: Record = {
            "period": period,
            "by": by,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "articles": n,
        }
        if plan.keywords:
            counts = tally.terms.get(period, Counter())
            record["keywords"] = [
                {"term": d.term, "z": d.z, "log_odds": d.log_odds, "articles": d.articles}
                for d in (model.top(counts, top) if model else [])
            ]
        if plan.matcher:
            mentions = tally.mentions.get(period, Counter())
            record["terms"] = [
                {"term": t, "articles": mentions[t], "share": round(mentions[t] / n, 4)}
                for t in plan.matcher.terms
            ]
        if plan.stance and (targets or plan.compute_stance):
            record["stance"] = [_stance_row(t, tally.stance.get((period, t))) for t in targets]
        records.append(record)
    return records


def _pruned_totals(tally: Tally, min_articles: int) -> dict[str, int]:
    """Corpus-wide counts of the terms kept: rare terms are pruned here, at the end."""
    totals: Counter[str] = Counter()
    for counts in tally.terms.values():
        totals.update(counts)
    return {t: n for t, n in totals.items() if n >= min_articles}


def _stance_row(target: str, stance: StanceTally | None) -> dict[str, Any]:
    stance = stance or StanceTally()
    mean = round(stance.score_sum / stance.scored, 4) if stance.scored else None
    return {
        "target": target,
        "articles": stance.articles,
        "favor": stance.favor,
        "against": stance.against,
        "neutral": stance.neutral,
        "mean_score": mean,
    }


def first_words(values: Iterable[str], limit: int = 5) -> str:
    """'a, b, c and 4 more': names in a summary line."""
    values = list(values)
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")
