"""``heavylegs explain`` and ``heavylegs sources``: print knowledge entries."""

from __future__ import annotations

from heavylegs.cli.output import console, error_lines, print_json


def run_explain(entry_id: str, *, json_output: bool) -> int:
    from heavylegs.knowledge import load_knowledge

    kb = load_knowledge()
    entry = kb.entry(entry_id)
    if entry is None:
        close = sorted(
            i
            for table in (kb.causes, kb.measures, kb.red_flags, kb.faq)
            for i in table
            if entry_id.replace("-", "_") in i or i in entry_id
        )
        hint = f" (did you mean: {', '.join(close[:5])})" if close else ""
        error_lines([f"entry_id: no cause, measure, red flag or FAQ called {entry_id!r}{hint}"])
        return 2
    if json_output:
        print_json(entry.model_dump(mode="json", exclude={"when", "features", "indications"}))
        return 0
    from heavylegs.cli.render import render_entry

    render_entry(console(), kb, entry)
    return 0


def run_sources(*, json_output: bool) -> int:
    from heavylegs.knowledge import load_knowledge

    kb = load_knowledge()
    if json_output:
        data = [s.model_dump(mode="json") for s in kb.sources.values()]
        print_json(data)
        return 0
    from heavylegs.cli.render import render_sources

    render_sources(console(), kb)
    return 0


def run_list(*, json_output: bool, asked: bool) -> int:
    """``explain --list`` (also ``explain`` alone): the ids of warning signs, causes, measures."""
    from heavylegs.knowledge import load_knowledge

    kb = load_knowledge()
    if json_output:
        doc = {
            "red_flags": [
                {"id": f.id, "title": f.title, "level": f.level.value}
                for f in kb.red_flags.values()
            ],
            "causes": [{"id": c.id, "title": c.title} for c in kb.causes.values()],
            "measures": [{"id": m.id, "title": m.title} for m in kb.measures.values()],
        }
        print_json(doc)
        return 0
    from heavylegs.cli.render import render_index

    if not asked:
        console().print(
            "Give an id to explain; here is every one (also: heavylegs explain --list).\n"
        )
    render_index(console(), kb)
    return 0
