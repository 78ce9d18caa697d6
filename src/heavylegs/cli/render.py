"""Rich rendering of assessments and knowledge entries: the triage banner always comes first."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from heavylegs.assessment.result import Assessment
from heavylegs.diary.plan import is_serious
from heavylegs.knowledge import KnowledgeBase, Urgency
from heavylegs.knowledge.models import Entry, Measure, RedFlag

LEVEL_STYLE = {
    Urgency.EMERGENCY: ("bold white on red", "EMERGENCY — act now"),
    Urgency.URGENT: ("bold black on yellow", "URGENT — be seen today"),
    Urgency.ROUTINE: ("bold white on blue", "ROUTINE — book an appointment"),
    Urgency.SELF_CARE: ("bold black on green", "SELF-CARE — safe to manage at home"),
}
"""Colour is never the only signal: every banner also carries the level in words."""


def _bar(value: float, width: int = 10) -> str:
    filled = round(value * width)
    return "█" * filled + "░" * (width - filled)


def render_assessment(console: Console, result: Assessment, kb: KnowledgeBase) -> None:
    style, label = LEVEL_STYLE[result.triage.level]
    body: list[Text] = [Text(result.triage.headline, style="bold")]
    for reason in result.triage.reasons:
        body.append(Text(f"• {reason.message}  [{', '.join(reason.sources)}]"))
    console.print(Panel(Group(*body), title=Text(f" {label} ", style=style), border_style="bold"))

    if result.plan.do and is_serious(result.triage.level):
        _render_plan(console, result, "What to do now")
    console.print(Text("\nWhat is likely behind it", style="bold underline"))
    console.print(
        Text("(likelihoods are rough estimates from your answers, not a diagnosis)", style="dim")
    )
    for cause in result.causes:
        console.print(
            Text.assemble(
                (f"{_bar(cause.likelihood)} {cause.likelihood:4.0%}  ", "cyan"),
                (cause.title or cause.id, "bold"),
                (f"  [{cause.id}]", "dim"),
            )
        )
        for why in cause.why[:5]:
            console.print(f"      · {why}")
        for line in cause.against[:3]:
            console.print(Text(f"      against: {line}", style="dim"))
        if cause.criteria is not None:
            criteria = cause.criteria
            asked = len(criteria.met) + len(criteria.not_met) + len(criteria.unknown)
            console.print(f"      {criteria.name}: {len(criteria.met)} of {asked} met")
            for line in cause.criteria.met:
                console.print(f"        ✓ {line}")
        console.print(Text(f"      sources: {', '.join(cause.sources)}", style="dim"))
    if not is_serious(result.triage.level):
        _render_plan(console, result, "Your plan")
    if result.plan.avoid:
        console.print(Text("\nAvoid for now", style="bold underline"))
        groups: dict[str, list[str]] = {}
        for item in result.plan.avoid:  # one reason often covers many measures: say it once
            groups.setdefault(item.why, []).append(item.title or item.id)
        for why, titles in groups.items():
            console.print(Text.assemble(("✗ ", "bold red"), (" · ".join(titles), "bold")))
            console.print(f"    {why}")
    console.print(Text("\nSee a doctor if", style="bold underline"))
    for line in result.see_a_doctor_if:
        console.print(f"• {line}")
    console.print(Text(f"\n{result.disclaimer}", style="italic"))
    console.print(
        Text(
            f"knowledge {result.knowledge_version} · `heavylegs explain ID` tells more, "
            "`heavylegs sources` lists the sources",
            style="dim",
        )
    )


def _render_plan(console: Console, result: Assessment, title: str) -> None:
    console.print(Text(f"\n{title}", style="bold underline"))
    if not result.plan.do:  # a heading over nothing reads like a fault
        console.print(
            "No measure to suggest from these answers (questions left unanswered can leave "
            "the plan empty); 'See a doctor if' below still applies."
        )
    for item in result.plan.do:
        console.print(
            Text.assemble(
                ("☐ ", "bold"), (item.title or item.id, "bold"), (f"  [{item.id}]", "dim")
            )
        )
        console.print(f"    {item.dose} · {item.when}")
        console.print(Text(f"    why: {item.why}", style="dim"))


def render_entry(console: Console, kb: KnowledgeBase, entry: Entry) -> None:
    kind = type(entry).__name__
    body: list[Text | Table] = [Text(entry.text)]
    if isinstance(entry, Measure):
        body.append(
            Text(
                f"\nDose: {entry.dose}\nWhen: {entry.timing}\nWhy: {entry.why}"
                f"\nEvidence: {entry.evidence}"
            )
        )
        if entry.steps:
            body.append(Text("\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(entry.steps, 1))))
    if isinstance(entry, RedFlag):
        body.append(Text(f"\nLevel: {entry.level.value}\n{entry.headline}\n{entry.message}"))
    for caution in entry.cautions:
        body.append(
            Text(f"\nCaution: {caution.text} [{', '.join(caution.sources)}]", style="yellow")
        )
    body.append(Text("\nSources", style="bold"))
    body.append(_source_table(kb, entry.sources))
    console.print(Panel(Group(*body), title=f"{entry.title}  ({kind.lower()} {entry.id})"))


def _source_table(kb: KnowledgeBase, ids: Iterable[str]) -> Table:
    """Sources as id + "title — publisher" with the link on its own line. Links fold at the
    edge instead of being cut with "…", so a narrow terminal still shows every address whole."""
    table = Table(show_header=False, box=None, padding=(0, 1, 0, 0))
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("source", overflow="fold")
    for source_id in ids:
        source = kb.sources[source_id]
        where = source.url or (f"seed file {source.file}" if source.file else "")
        table.add_row(
            source_id,
            Text.assemble(
                f"{source.title} — {source.publisher}", ("\n" + where, "dim") if where else ""
            ),
        )
    return table


def render_sources(console: Console, kb: KnowledgeBase) -> None:
    """Every source: its id on one line, then title, publisher and link (folded, never cut)."""
    console.print(Text("Sources heavylegs cites", style="bold underline"))
    for source in kb.sources.values():
        where = source.url or (f"seed file {source.file}" if source.file else "")
        console.print(Text(f"\n{source.id}", style="bold"))
        console.print(Padding(Text(f"{source.title} — {source.publisher}"), (0, 0, 0, 2)))
        if where:
            console.print(Padding(Text(where, style="dim", overflow="fold"), (0, 0, 0, 2)))


def render_index(console: Console, kb: KnowledgeBase) -> None:
    """``explain --list``: every warning sign, cause and measure with the id to explain it by."""
    sections: list[tuple[str, Iterable[Entry]]] = [
        ("Warning signs", kb.red_flags.values()),
        ("Causes", kb.causes.values()),
        ("Measures", kb.measures.values()),
    ]
    for title, entries in sections:
        table = Table(title=title, title_justify="left", box=None, padding=(0, 2, 0, 0))
        table.add_column("id", style="bold", no_wrap=True)
        table.add_column("what", overflow="fold")
        for entry in entries:
            level = f"  ({entry.level.value})" if isinstance(entry, RedFlag) else ""
            table.add_row(entry.id, f"{entry.title}{level}")
        console.print(table)
        console.print()
    console.print(Text("heavylegs explain ID tells more about any of them.", style="dim"))
