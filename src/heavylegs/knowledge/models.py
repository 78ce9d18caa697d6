"""Typed shapes of the knowledge base. Every entry has an id, plain text, sources and covers.

Unknown fields are errors (``extra="forbid"``) so a misspelt key in YAML fails the load instead of
silently dropping a contraindication.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from heavylegs.knowledge.conditions import Cond, parse_condition
from heavylegs.knowledge.levels import Urgency as Urgency  # re-exported: entries name levels

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*$", max_length=64)]
CoverId = Annotated[str, Field(pattern=r"^S[0-4]-\d{2}$")]
Condition = Annotated[Cond, BeforeValidator(parse_condition)]


class SourceKind(StrEnum):
    SEED = "seed"
    GUIDELINE = "guideline"
    PATIENT_INFORMATION = "patient_information"
    SYSTEMATIC_REVIEW = "systematic_review"
    STUDY = "study"


class MeasureKind(StrEnum):
    """What sort of thing a plan item is; ``action`` items are what to do now in a red-flag case."""

    ACTION = "action"
    EXERCISE = "exercise"
    POSITION = "position"
    HABIT = "habit"
    NUTRITION = "nutrition"
    DEVICE = "device"
    SUPPLEMENT = "supplement"
    TRAINING = "training"
    AVOID_HABIT = "avoid_habit"


class _Model(BaseModel):
    # defer_build: the CLI reads the validated base from a pickle cache and never validates,
    # so building validators at import would only slow start-up.
    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True
    )


class Source(_Model):
    id: Id
    title: str
    publisher: str
    kind: SourceKind
    url: str | None = None
    file: str | None = Field(default=None, description="For seed articles: the file name.")
    date_read: date | None = None
    note: str | None = Field(default=None, description="How far to trust it, and for what.")


class Caution(_Model):
    """Where a seed claim is weak or unsafe for some people: the caveat and better evidence."""

    text: str
    sources: list[Id] = Field(min_length=1)


class Entry(_Model):
    id: Id
    title: str
    text: str
    sources: list[Id] = Field(min_length=1)
    covers: list[CoverId] = Field(default_factory=list)
    cautions: list[Caution] = Field(default_factory=list)


class Feature(_Model):
    """One step of a cause's score: when ``when`` holds, add ``weight`` (log-odds) and say why."""

    when: Condition
    weight: float = Field(ge=-10, le=10)
    why: str


class Criterion(_Model):
    """One item of a validated questionnaire: met when ``when`` holds, not met when ``unless``
    holds, unknown otherwise (an unanswered question is never counted as 'no')."""

    text: str
    when: Condition
    unless: Condition | None = None


class Criteria(_Model):
    """A validated patient questionnaire or diagnostic criteria set shown with a cause, so a
    person sees which published criteria their answers meet (e.g. IRLSSG 2012)."""

    name: str
    sources: list[Id] = Field(min_length=1)
    note: str = Field(default="", description="What the criteria cannot check from answers.")
    items: list[Criterion] = Field(min_length=1)


class Cause(Entry):
    prior: float = Field(ge=-10, le=10, description="Log-odds before any answer is considered.")
    features: list[Feature] = Field(min_length=1)
    criteria: Criteria | None = None


class CauseList(StrEnum):
    """What a fired red flag does to the cause list: ``ranked`` keeps the ranking;
    ``only_flag_cause`` shows only the flag's own cause (a stroke is not a leg problem)."""

    RANKED = "ranked"
    ONLY_FLAG_CAUSE = "only_flag_cause"


class RedFlag(Entry):
    level: Urgency
    when: Condition
    headline: str = Field(description="One sentence a frightened person can act on.")
    message: str = Field(description="Why this matters, shown as the triage reason.")
    cause: Id | None = None
    do_now: list[Id] = Field(default_factory=list, description="Action measure ids, in order.")
    cause_list: CauseList = CauseList.RANKED


class Guided(_Model):
    """How a guided session runs a measure: a timer, a rep counter, or both."""

    seconds: int | None = Field(default=None, ge=5, le=3600)
    reps: int | None = Field(default=None, ge=1, le=500)
    sets: int = Field(default=1, ge=1, le=20)
    sensations: list[str] = Field(default_factory=list)


class Indication(_Model):
    """When a measure belongs in the plan: for likely causes, or for the person's day."""

    causes: list[Id] = Field(default_factory=list)
    when: Condition | None = None
    priority: int = Field(default=50, ge=0, le=100, description="Higher comes first.")


class LegPosition(StrEnum):
    """Where a plan item puts the leg; one plan never holds two different positions."""

    RAISED = "raised"
    LEVEL_OR_DOWN = "level_or_down"


class Measure(Entry):
    kind: MeasureKind
    steps: list[str] = Field(default_factory=list)
    dose: str
    timing: str = Field(description="When to do it (the output's 'when').")
    why: str
    evidence: str
    indications: list[Indication] = Field(default_factory=list)
    while_waiting: bool = Field(
        default=False, description="Safe to offer while waiting for urgent care."
    )
    guided: Guided | None = None
    urgency: Urgency | None = Field(
        default=None,
        description="For actions that send the person to care: how soon. A plan keeps only the "
        "one that matches its triage level.",
    )
    position: LegPosition | None = Field(
        default=None, description="Where this item puts the leg, if anywhere."
    )


class AvoidRule(Entry):
    """A contraindication: while ``when`` holds, these measures are unsafe and go to 'avoid'."""

    measures: list[Id] = Field(min_length=1)
    when: Condition
    why: str = Field(description="The reason shown to the person.")


class SafetyNet(Entry):
    """A 'see a doctor if…' line; shown when ``when`` holds, or always without it."""

    when: Condition | None = None


class Faq(Entry):
    question: str
    also_asked: list[str] = Field(default_factory=list)
    related: list[Id] = Field(default_factory=list)
    warning_sign: Id | None = Field(
        default=None,
        description="The red flag this question describes: when it is the best answer, the "
        "ask feature shows that flag's level and headline as its triage hint.",
    )


FieldPath = Annotated[str, Field(pattern=r"^[a-z][a-z_]*\.[a-z][a-z0-9_]*$")]
GatePath = Annotated[str, Field(pattern=r"^meta\.[a-z][a-z0-9_]*$")]


class QuestionEntry(_Model):
    """What a person reads for one field of the assessment input. Only words and skip logic:
    the type, the choices and a number's bounds come from the input models (checked by the
    assessment stage, which knows them)."""

    path: FieldPath
    text: str = Field(min_length=1)
    help: str = ""
    choices: dict[str, str] = Field(
        default_factory=dict, description="Label of every enum value, in the order shown."
    )
    ask_if: Condition | None = None


class QuestionGate(_Model):
    """A yes/no question outside the input ('Do you run?'): its section is asked after a yes,
    and a no leaves the ``covers`` section of the input out."""

    path: GatePath
    text: str = Field(min_length=1)
    covers: str = Field(pattern=r"^[a-z][a-z_]*$")


class QuestionSection(_Model):
    """One step of the web wizard and one part of the CLI interview."""

    title: str = Field(min_length=1)
    check_after: bool = Field(
        default=False, description="Assess the answers so far once this section is done."
    )
    gate: QuestionGate | None = None
    questions: list[QuestionEntry] = Field(min_length=1)


class Questionnaire(_Model):
    """The questions in order, and the input fields deliberately not asked (path -> why)."""

    sections: list[QuestionSection] = Field(default_factory=list)
    not_asked: dict[FieldPath, str] = Field(default_factory=dict)


class KnowledgeBase(_Model):
    """The whole validated knowledge base; ``version`` is a hash of the YAML files."""

    version: str
    disclaimer: str
    self_care_headline: str
    self_care_no_plan_headline: str = Field(
        description="Self-care headline when the answers suggest no measure (the plan is empty)."
    )
    unchecked_headline: str = Field(
        description="Self-care headline when no warning-sign question was answered at all."
    )
    routine_action: Id = Field(
        description="The action measure every routine plan starts with (checked at load)."
    )
    sources: dict[str, Source]
    causes: dict[str, Cause]
    red_flags: dict[str, RedFlag]
    measures: dict[str, Measure]
    avoid: dict[str, AvoidRule]
    safety_net: dict[str, SafetyNet]
    faq: dict[str, Faq]
    questionnaire: Questionnaire = Field(default_factory=Questionnaire)

    def entry(self, entry_id: str) -> Entry | None:
        """Look an id up across every kind (for ``heavylegs explain``)."""
        for table in (self.causes, self.measures, self.red_flags, self.avoid, self.faq):
            found: Any = table.get(entry_id)
            if found is not None:
                return found  # type: ignore[no-any-return]
        return None

    def entries(self) -> list[Entry]:
        """Every entry that can cover a seed item, in a stable order."""
        out: list[Entry] = []
        for table in (self.causes, self.red_flags, self.measures, self.avoid, self.safety_net):
            out.extend(table.values())
        out.extend(self.faq.values())
        return out
