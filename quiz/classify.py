"""Classification and the question flow: answers → one outcome with reasons, or the next question.

Precedence is data: a category fits when all enabled criteria of one of its paths are met; the
outcome is the fitting individual category not excluded by another fitting one (`excluded_by`,
`any_other`), lowest `order` first; none → not eligible.

The flow uses three-valued evaluation (conditions.py). With some answers missing, a category's fit
is met, missed or unknown, and from that the engine knows which categories could still be the
outcome. A question is asked only if an unknown criterion of such a category (or of a category that
could exclude one, or a dues-rate condition of one) reads it; everything else is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from . import values
from .answers import check_answers
from .conditions import Env, Leaf, Not, Op, Tri, measure
from .errors import DuesYearError
from .model import (
    ANY_OTHER,
    Allowed,
    Category,
    Criterion,
    Path,
    Question,
    QuestionKind,
    Rules,
    Source,
)

NOT_ASKED = "Not asked: your other answers already decided this."
UNVERIFIED = " Confirm this requirement with {hq}."
DEFAULT_DISCLAIMER = "IPMA decides the final category and may ask for a job description."

_NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)


# --- the JSON-facing results ------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    criterion: str  # "<category>.<criterion>"
    text: str
    met: bool | None
    detail: str
    source: Source

    def to_json(self) -> dict:
        return {
            "criterion": self.criterion,
            "text": self.text,
            "met": self.met,
            "detail": self.detail,
            "source": {"id": self.source.id, "title": self.source.title, "url": self.source.url},
        }


@dataclass(frozen=True)
class AlsoMeets:
    category: str
    name: str
    why_not_chosen: str

    def to_json(self) -> dict:
        return {"category": self.category, "name": self.name, "why_not_chosen": self.why_not_chosen}


@dataclass(frozen=True)
class Upgrade:
    category: str
    name: str
    text: str
    missing: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "category": self.category,
            "name": self.name,
            "text": self.text,
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class Result:
    """The outcome of a complete (or final) set of answers; `to_json()` is the contract's Result."""

    category: Category | None
    reasons: tuple[Reason, ...]
    also_meets: tuple[AlsoMeets, ...]
    nearest_upgrade: Upgrade | None
    dues: object | None  # dues.Estimate
    dues_note: str | None
    rights: tuple[dict, ...]
    apply: tuple[dict, ...]
    next_steps: str | None
    disclaimer: str

    @property
    def outcome(self) -> str | None:
        """The category id, or None when not eligible."""
        return self.category.id if self.category else None

    def to_json(self) -> dict:
        if self.category is None:
            outcome = {"kind": "not_eligible", "category": None, "name": "Not eligible"}
        else:
            outcome = {"kind": "category", "category": self.category.id, "name": self.category.name}
        return {
            "outcome": outcome,
            "reasons": [r.to_json() for r in self.reasons],
            "also_meets": [a.to_json() for a in self.also_meets],
            "nearest_upgrade": self.nearest_upgrade.to_json() if self.nearest_upgrade else None,
            "dues": self.dues.to_json() if self.dues is not None else None,
            "dues_note": self.dues_note,
            "rights": [dict(r) for r in self.rights],
            "apply": [dict(a) for a in self.apply],
            "next_steps": self.next_steps,
            "disclaimer": self.disclaimer,
        }


@dataclass(frozen=True)
class Step:
    """What the quiz shows next: a question (with its number and, when fixed, the total) or done."""

    done: bool
    question: dict | None = None  # the question as JSON (texts rendered)
    number: int | None = None
    total: int | None = None
    result: Result | None = None
    answers: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)

    def to_json(self) -> dict:
        if self.done:
            return {"done": True, "result": self.result.to_json()}
        return {
            "done": False,
            "question": self.question,
            "number": self.number,
            "total": self.total,
        }


# --- evaluation ---------------------------------------------------------------------------------


def _env(rules: Rules, answers: Mapping[str, object], closed=frozenset(), all_closed=False) -> Env:
    return Env(answers, rules.index["thresholds"], rules.index["duty_group"], closed, all_closed)


def path_value(path: Path, env: Env) -> Tri:
    result: Tri = True
    for criterion in path.criteria:
        if not criterion.enabled:
            continue
        value = criterion.condition.evaluate(env)
        if value is False:
            return False
        if value is None:
            result = None
    return result


def fit(category: Category, env: Env) -> Tri:
    """Met if one path has all enabled criteria met; missed if every path misses one."""
    result: Tri = False
    for path in category.paths:
        value = path_value(path, env)
        if value is True:
            return True
        if value is None:
            result = None
    return result


def excluders(rules: Rules, category: Category) -> tuple[Category, ...]:
    """The categories that take priority over `category` when they fit."""
    table = rules.index.get("excluders")
    if table is None:
        table = {}
        individual = rules.individual_categories
        for c in individual:
            if ANY_OTHER in c.excluded_by:
                table[c.id] = tuple(o for o in individual if o.id != c.id)
            else:
                table[c.id] = tuple(rules.category(o) for o in c.excluded_by)
        rules.index["excluders"] = table
    return table[category.id]


def _fits(rules: Rules, env: Env, everyone: bool = False) -> dict[str, Tri]:
    """The fit of each category the answers leave in play, in order; a category left out is
    missed (read it with `fits.get(id, False)`). `everyone=True` evaluates every category."""
    pool = rules.individual_categories if everyone else candidates(rules, env.answers)
    return {c.id: fit(c, env) for c in pool}


def candidates(rules: Rules, answers: Mapping[str, object]) -> tuple[Category, ...]:
    """The categories an answered choice question has not already ruled out, in order.

    Why: without it, every click (and every step of the validator's answer-space walk) evaluates
    every category, so the walk grows with categories × answer sets, i.e. quadratically. A
    category is *gated* by a choice question when each of its paths has an enabled criterion
    `{answer: q, in: [...]}`; once q is answered with an option none of those lists holds, no
    path can be met, whatever the other answers are. `_gates` indexes that once per rules.
    """
    gates = _gates(rules)
    pool: frozenset[str] | None = None
    for question_id, by_option in gates.items():
        answer = answers.get(question_id)
        if not isinstance(answer, str):
            continue
        allowed = by_option.get(answer)
        if allowed is None:
            allowed = by_option[None]
        pool = allowed if pool is None else pool & allowed
    if pool is None:
        return rules.individual_categories
    position = rules.index["category_position"]
    ordered = sorted(pool, key=position.__getitem__)
    return tuple(rules.category(cid) for cid in ordered)


def _gates(rules: Rules) -> dict[str, dict[str | None, frozenset[str]]]:
    """question id → option id → the categories still possible when that option is the answer
    (key None: an option no gated category admits). Only choice questions that gate something."""
    found = rules.index.get("gates")
    if found is not None:
        return found
    individual = rules.individual_categories
    rules.index["category_position"] = {c.id: i for i, c in enumerate(individual)}
    admitted: dict[str, dict[str, set[str]]] = {}  # question → category → options its paths admit
    for category in individual:
        per_question: dict[str, set[str]] | None = None
        for path in category.paths:
            allows: dict[str, frozenset[str]] = {}
            for criterion in path.criteria:
                condition = criterion.condition
                if criterion.enabled and isinstance(condition, Leaf) and condition.op is Op.IN:
                    options = frozenset(condition.value)  # type: ignore[arg-type]
                    q = condition.question
                    allows[q] = allows[q] & options if q in allows else options
            if per_question is None:
                per_question = {q: set(o) for q, o in allows.items()}
            else:  # gated only by questions every path tests; the paths' options add up
                per_question = {q: per_question[q] | allows[q] for q in per_question if q in allows}
        for q, options in (per_question or {}).items():
            admitted.setdefault(q, {})[category.id] = options
    found = {}
    everyone = frozenset(c.id for c in individual)
    for q, by_category in admitted.items():
        ungated = everyone - by_category.keys()
        table: dict[str | None, frozenset[str]] = {None: ungated}
        for option in rules.question(q).options:
            table[option.id] = ungated | {
                cid for cid, options in by_category.items() if option.id in options
            }
        found[q] = table
    rules.index["gates"] = found
    return found


def _blockers(rules: Rules, category: Category, fits: Mapping[str, Tri]) -> list[tuple[str, Tri]]:
    """(id, fit) of the categories that take priority over `category` when they fit. For
    `any_other` that is every other category in `fits` (those left out are missed anyway)."""
    if ANY_OTHER in category.excluded_by:
        return [(cid, value) for cid, value in fits.items() if cid != category.id]
    return [(x.id, fits.get(x.id, False)) for x in excluders(rules, category)]


def _possible(rules: Rules, fits: Mapping[str, Tri]) -> tuple[list[Category], bool]:
    """(categories that could still be the outcome, whether the outcome is decided)."""
    possible: list[Category] = []
    for category_id, value in fits.items():  # in order: the tie-break
        if value is False:
            continue
        category = rules.category(category_id)
        blockers = _blockers(rules, category, fits)
        if any(v is True for _, v in blockers):
            continue
        possible.append(category)
        if value is True and all(v is False for _, v in blockers):
            break  # a sure candidate: categories of a higher order cannot win
    decided = not possible or (
        len(possible) == 1
        and fits[possible[0].id] is True
        and all(v is False for _, v in _blockers(rules, possible[0], fits))
    )
    return possible, decided


def outcome(rules: Rules, answers: Mapping[str, object]) -> Category | None:
    """The chosen category for answers (checked), every missing answer read as "not the case"."""
    env = _env(rules, _applicable(rules, answers), all_closed=True)
    fits = _fits(rules, env)
    possible, _ = _possible(rules, fits)
    return possible[0] if possible else None


def remaining_after_exclusions(rules: Rules, answers: Mapping[str, object]) -> list[Category]:
    """The fitting categories no other fitting one excludes, in order (the first is the outcome)."""
    env = _env(rules, _applicable(rules, answers), all_closed=True)
    fits = _fits(rules, env)
    return [
        rules.category(cid)
        for cid, value in fits.items()
        if value and not any(v for _, v in _blockers(rules, rules.category(cid), fits))
    ]


def _applicable(rules: Rules, answers: Mapping[str, object]) -> dict[str, object]:
    """The answers the quiz would have asked: answers to questions whose `ask_when` fails are
    dropped, so the result is the one the question flow gives."""
    kept: dict[str, object] = {}
    for q in rules.questions:
        if q.id not in answers:
            continue
        if q.ask_when is not None and (
            q.ask_when.evaluate(_env(rules, kept, all_closed=True)) is not True
        ):
            continue
        kept[q.id] = answers[q.id]
    return kept


# --- the question flow ----------------------------------------------------------------------------


def next_question(rules: Rules, answers: Mapping[str, object]) -> Question | None:
    """The first unanswered question, in file order, whose `ask_when` holds and that could still
    change the outcome or the dues rate; None when the answers decide everything."""
    closed_env = _env(rules, answers, all_closed=True)
    closed = set()
    for q in rules.questions:
        if q.id in answers or q.ask_when is None:
            continue
        if q.ask_when.evaluate(closed_env) is not True:
            closed.add(q.id)
    env = _env(rules, answers, closed)
    fits = _fits(rules, env)
    possible, _ = _possible(rules, fits)
    relevant: set[str] = set()
    undecided: dict[str, Category] = {}
    for category in possible:
        if fits[category.id] is None:
            undecided[category.id] = category
        for other_id, value in _blockers(rules, category, fits):
            if value is None:
                undecided[other_id] = rules.category(other_id)
    for category in undecided.values():
        for path in category.paths:
            if path_value(path, env) is not None:
                continue
            for criterion in path.criteria:
                if criterion.enabled and criterion.condition.evaluate(env) is None:
                    relevant.update(criterion.condition.questions())
    for category in possible:
        for rate in category.rates:
            if rate.condition.evaluate(env) is None:
                relevant.update(rate.condition.questions())
    for q in rules.questions:
        if q.id in relevant and q.id not in answers and q.id not in closed:
            return q
    return None


def flow_answers(rules: Rules, answers: Mapping[str, object]) -> tuple[dict, Question | None]:
    """Replay the flow from no answers, taking each asked question's answer from `answers`:
    (the answers on the path, the first question they do not answer or None when done).
    Answers off the path (stale ones after going back) are ignored."""
    state: dict[str, object] = {}
    while True:
        q = next_question(rules, state)
        if q is None or q.id not in answers:
            return state, q
        state[q.id] = answers[q.id]


def next_step(rules: Rules, answers: object, on: date | None = None) -> Step:
    """The next question to ask, or the result when the answers decide everything."""
    checked = check_answers(rules, answers)
    state, question = flow_answers(rules, checked)
    if question is None:
        return Step(done=True, result=_classify(rules, state, on), answers=state)
    number = len(state) + 1
    lengths = remaining_lengths(rules, state)
    total = len(state) + next(iter(lengths)) if len(lengths) == 1 else None
    return Step(
        done=False,
        question=question_json(rules, question, on),
        number=number,
        total=total,
        answers=state,
    )


def remaining_lengths(rules: Rules, answers: Mapping[str, object]) -> frozenset[int]:
    """How many questions remain (the next one included) on each path from `answers`.

    Walks the remaining tree with enumerate.py's representative answers. States that ask the same
    from here on share a key (answered questions + every leaf condition's value), so the walk is
    memoized per rules and each state is computed once; later clicks are dictionary lookups.
    """
    from .enumerate import representatives

    memo: dict = rules.cache.setdefault("lengths", {})
    leaves = rules.leaves()
    reps = rules.cache.setdefault("representatives", {})

    def key(state: Mapping[str, object]) -> tuple:
        env = _env(rules, state)
        return (frozenset(state), tuple(leaf.evaluate(env) for leaf in leaves))

    def walk(state: dict[str, object]) -> frozenset[int]:
        k = key(state)
        found = memo.get(k)
        if found is not None:
            return found
        q = next_question(rules, state)
        if q is None:
            found = frozenset({0})
        else:
            options = reps.get(q.id)
            if options is None:
                options = reps[q.id] = representatives(rules, q)
            collected: set[int] = set()
            for value in options:
                state[q.id] = value
                collected.update(n + 1 for n in walk(state))
            del state[q.id]
            found = frozenset(collected)
        memo[k] = found
        return found

    return walk(dict(answers))


def question_json(rules: Rules, q: Question, on: date | None = None) -> dict:
    """A question as the page renders it: texts with placeholders filled, empty duty groups out."""
    render = lambda text: None if text is None else values.render_text(rules, text, on)  # noqa: E731
    data: dict = {"id": q.id, "kind": q.kind.value, "text": render(q.text), "help": render(q.help)}
    if q.kind is QuestionKind.CHOICE:
        data["options"] = [
            {"id": o.id, "label": render(o.label), "help": render(o.help)} for o in q.options
        ]
    elif q.kind is QuestionKind.DUTIES:
        data["groups"] = [
            {
                "id": g.id,
                "name": g.name,
                "duties": [{"id": d.id, "name": d.name} for d in g.duties],
            }
            for g in rules.duty_groups
            if g.duties
        ]
        data["none_label"] = render(q.none_label) if q.none_label else "None of these"
    elif q.kind is QuestionKind.NUMBER:
        data.update(min=q.min, max=q.max, unit=q.unit)
    return data


# --- classification -----------------------------------------------------------------------------


def classify(rules: Rules, answers: object, on: date | None = None) -> Result:
    """The outcome of `answers` with reasons, other fitting categories, nearest upgrade and dues.

    Missing answers count as "not the case"; answers to questions the flow would not ask (their
    `ask_when` fails) are ignored. `on` picks the dues in force (default today).
    """
    return _classify(rules, check_answers(rules, answers), on)


def _classify(rules: Rules, answers: Mapping[str, object], on: date | None) -> Result:
    answers = _applicable(rules, answers)
    env = _env(rules, answers, all_closed=True)
    open_env = _env(rules, answers)
    fits = _fits(rules, env, everyone=True)  # reasons and near misses read them all
    possible, _ = _possible(rules, fits)
    chosen = possible[0] if possible else None
    hq = rules.association.headquarters.name

    if chosen is not None:
        path = next(p for p in chosen.paths if path_value(p, env) is True)
        reasons = tuple(
            _reason(rules, chosen, c, answers, env, open_env, on) for c in path.enabled_criteria
        )
    else:
        reasons = _near_misses(rules, answers, env, open_env, on)

    also = []
    for category in rules.individual_categories:
        if category is chosen or fits[category.id] is not True:
            continue
        also.append(AlsoMeets(category.id, category.name, _why_not(rules, category, chosen, fits)))

    dues_estimate = None
    dues_note = None
    if chosen is not None:
        if chosen.dues_published:
            from .dues import estimate

            rate = next((r.id for r in chosen.rates if r.condition.evaluate(env) is True), None)
            try:
                dues_estimate = estimate(rules, chosen.id, on=on, rate=rate)
            except DuesYearError as exc:
                dues_note = f"{exc}. Contact {hq} for dues."
        else:
            dues_note = f"Contact {hq} for dues."

    rights: tuple[dict, ...] = ()
    apply: tuple[dict, ...] = ()
    if chosen is not None:
        given = {r.right: r for r in chosen.rights}
        rights = tuple(
            {
                "id": right.id,
                "label": right.label,
                "allowed": (
                    given[right.id].allowed if right.id in given else Allowed.NOT_STATED
                ).value,
                "text": values.render_text(rules, given[right.id].text, on)
                if right.id in given and given[right.id].text
                else None,
            }
            for right in rules.rights
        )
        rate_id = dues_estimate.rate if dues_estimate is not None else "standard"
        wanted = None if rate_id == "standard" else rate_id
        links = [a for a in chosen.apply if a.rate == wanted] or list(chosen.apply)
        apply = tuple({"label": a.label, "url": a.url} for a in links)

    policies = {p.id: p for p in rules.association.policies}
    disclaimer = (
        policies["final_category"].text if "final_category" in policies else (DEFAULT_DISCLAIMER)
    )
    return Result(
        category=chosen,
        reasons=reasons,
        also_meets=tuple(also),
        nearest_upgrade=_nearest_upgrade(rules, chosen, fits, answers, env, open_env, on),
        dues=dues_estimate,
        dues_note=dues_note,
        rights=rights,
        apply=apply,
        next_steps=None
        if chosen is not None
        else values.render_text(rules, rules.association.not_eligible_advice, on),
        disclaimer=values.render_text(rules, disclaimer, on),
    )


def _why_not(rules: Rules, category: Category, chosen: Category | None, fits) -> str:
    winners = [x for x in excluders(rules, category) if fits[x.id] is True]
    if ANY_OTHER in category.excluded_by and winners:
        return (
            f"{category.name} is only for people who fit no other category; you also fit "
            f"{_names(winners)}."
        )
    if winners:
        verb = "takes" if len(winners) == 1 else "take"
        return f"{_names(winners)} {verb} priority over {category.name} when both fit."
    chosen_name = chosen.name if chosen else "another category"
    return f"{chosen_name} comes first when both fit."


def _names(categories: list[Category]) -> str:
    names = [c.name for c in categories]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _reason(
    rules: Rules,
    category: Category,
    criterion: Criterion,
    answers: Mapping[str, object],
    env: Env,
    open_env: Env,
    on: date | None,
) -> Reason:
    met: Tri = criterion.condition.evaluate(open_env)
    detail = NOT_ASKED if met is None else _detail(rules, category, criterion, answers, env)
    if not criterion.verified:
        detail += UNVERIFIED.format(hq=rules.association.headquarters.name)
    return Reason(
        criterion=f"{category.id}.{criterion.id}",
        text=values.render_text(rules, criterion.text, on),
        met=met,
        detail=detail,
        source=rules.source(criterion.source),
    )


def _standing(path: Path, env: Env) -> tuple[list[Criterion], list[Criterion], int]:
    """(missed criteria, unknown criteria, how many qualifying criteria are met) of a path.

    "Qualifying" leaves out criteria that are a bare `not` (such as "not a consultant"): nearly
    everyone meets those, so they say nothing about how close a person is to a category.
    """
    missed, unknown, progress = [], [], 0
    for criterion in path.enabled_criteria:
        value = criterion.condition.evaluate(env)
        if value is False:
            missed.append(criterion)
        elif value is None:
            unknown.append(criterion)
        elif not isinstance(criterion.condition, Not):
            progress += 1
    return missed, unknown, progress


def _near_misses(rules, answers, env, open_env, on) -> tuple[Reason, ...]:
    """For a person who fits nothing: the missed (and unasked) criteria of the nearest categories
    (fewest criteria missed, then most progress), at most three."""
    ranked = []
    # Rank by what the answers miss; with nothing answered that misses, by what is unanswered.
    for ranking_env in (open_env, env):
        for category in rules.individual_categories:
            for path in category.paths:
                missed, unknown, progress = _standing(path, ranking_env)
                if missed:
                    rank = (len(missed), -progress, len(unknown), category.order)
                    ranked.append((rank, category, path))
        if ranked:
            break
    ranked.sort(key=lambda r: r[0])
    reasons: list[Reason] = []
    shown: set[str] = set()
    for rank, category, path in ranked:
        if category.id in shown or rank[0] > ranked[0][0][0]:
            continue
        shown.add(category.id)
        for criterion in path.enabled_criteria:
            if criterion.condition.evaluate(env) is not True:
                reasons.append(_reason(rules, category, criterion, answers, env, open_env, on))
        if len(shown) == 3:
            break
    return tuple(reasons)


def _nearest_upgrade(rules, chosen, fits, answers, env, open_env, on) -> Upgrade | None:
    """Among categories ranked before the outcome (any, when not eligible) that the person does
    not fit: the one a single missed criterion away, with the gap in plain words.

    Nearest means: the most qualifying criteria already met, then a gap that can be counted
    ("one more duty") over a yes/no, then fewest criteria not asked, then the category order.
    """
    best = None
    for category in rules.individual_categories:
        if chosen is not None and category.order >= chosen.order:
            continue
        if fits[category.id] is True:
            continue
        for path in category.paths:
            missed, unknown, progress = _standing(path, open_env)
            if len(missed) != 1:
                continue
            counted = _gap(rules, missed[0], answers, env) is not None
            rank = (-progress, 0 if counted else 1, len(unknown), category.order)
            if best is None or rank < best[0]:
                best = (rank, category, missed[0], unknown)
    if best is None:
        return None
    _, category, criterion, unknown = best
    text = _gap_text(rules, category, criterion, answers, env, bool(unknown))
    missing = [values.render_text(rules, criterion.text, on)]
    missing += [values.render_text(rules, c.text, on) for c in unknown]
    return Upgrade(category.id, category.name, text, tuple(missing))


def _gap(rules: Rules, criterion: Criterion, answers, env: Env) -> tuple[Leaf, int] | None:
    """(leaf, how much more is needed) when the criterion is a single `at_least` comparison."""
    leaf = _single_leaf(criterion)
    if leaf is None or leaf.op not in (Op.AT_LEAST, Op.GROUPS_AT_LEAST):
        return None
    answer = answers.get(leaf.question)
    if answer is None:
        return None
    gap = env.amount(leaf.value) - measure(leaf.op, answer, rules.index["duty_group"])
    return (leaf, gap) if gap > 0 else None


def _gap_text(rules, category, criterion, answers, env, uncertain: bool) -> str:
    verb = "could make" if uncertain else "would make"
    tail = f"{verb} you eligible for {category.name}."
    found = _gap(rules, criterion, answers, env)
    if found is not None:
        leaf, gap = found
        q = rules.question(leaf.question)
        if leaf.op is Op.GROUPS_AT_LEAST:
            return f"Duties in {_words(gap)} more {_plural(gap, 'area', 'areas')} {tail}"
        if q.kind is QuestionKind.DUTIES:
            return f"{_words(gap).capitalize()} more {_plural(gap, 'duty', 'duties')} {tail}"
        if q.unit:
            return f"{_words(gap).capitalize()} more {_unit(q.unit, gap)} {tail}"
    text = values.render_text(rules, criterion.text)
    return f"Meeting one more requirement {tail[:-1]}: {text}."


def _single_leaf(criterion: Criterion) -> Leaf | None:
    leaves = list(criterion.condition.leaves())
    cond = criterion.condition
    return cond if len(leaves) == 1 and isinstance(cond, Leaf) else None


def _detail(rules: Rules, category: Category, criterion: Criterion, answers, env: Env) -> str:
    leaf = _single_leaf(criterion)
    if leaf is not None and leaf.op not in (Op.IN, Op.IS):
        answer = answers.get(leaf.question)
        n = measure(leaf.op, answer, rules.index["duty_group"])
        need = env.amount(leaf.value)
        q = rules.question(leaf.question)
        at_least = leaf.op in (Op.AT_LEAST, Op.GROUPS_AT_LEAST)
        if leaf.op in (Op.GROUPS_AT_LEAST, Op.GROUPS_AT_MOST):
            fact = f"Your duties span {n} {_plural(n, 'area', 'areas')}"
            unit_need = _plural(need, "area", "areas")
        elif q.kind is QuestionKind.DUTIES:
            fact = f"You ticked {n} {_plural(n, 'duty', 'duties')}"
            unit_need = _plural(need, "duty", "duties")
        else:
            fact = f"You answered {n} {_unit(q.unit or '', n)}".rstrip()
            unit_need = _unit(q.unit or "", need)
        bound = "at least" if at_least else "at most"
        return f"{fact}; {category.name} needs {bound} {need} {unit_need}.".replace("  ", " ")
    seen: list[str] = []
    for q_id in criterion.condition.questions():
        if q_id not in seen:
            seen.append(q_id)
    facts = [_fact(rules, rules.question(q_id), answers.get(q_id)) for q_id in seen]
    return " ".join(facts)


def _fact(rules: Rules, q: Question, answer: object) -> str:
    """What the person answered to `q`, in words."""
    if answer is None:
        return NOT_ASKED
    if q.kind is QuestionKind.CHOICE:
        option = q.option(answer)  # type: ignore[arg-type]
        return f"You answered: {values.render_text(rules, option.label)}."
    if q.kind is QuestionKind.YES_NO:
        return f"You answered {'Yes' if answer else 'No'} to: {values.render_text(rules, q.text)}"
    if q.kind is QuestionKind.NUMBER:
        return f"You answered {answer} {_unit(q.unit or '', answer)}.".replace(" .", ".")
    count = len(answer)  # type: ignore[arg-type]
    if count == 0:
        return "You ticked none of the duties."
    groups = measure(Op.GROUPS_AT_LEAST, answer, rules.index["duty_group"])
    return (
        f"You ticked {count} {_plural(count, 'duty', 'duties')} in {groups} "
        f"{_plural(groups, 'area', 'areas')}."
    )


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _unit(unit: str, n: int) -> str:
    """ "years" → "year" for 1."""
    if n == 1 and unit.endswith("s"):
        return unit[:-1]
    return unit


def _words(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)
