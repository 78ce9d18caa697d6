"""A guided session in the terminal (``heavylegs session``): timers, rep counts and what to
expect, then what was done recorded in the diary.

The command's options live in :mod:`heavylegs.cli.diary`, which passes the clocks in (wall time,
a monotonic clock and sleep), so tests run a ten-minute session in no time. Which steps run, what
the plan in force skips and what counts as done are the diary stage's
(:mod:`heavylegs.diary.plan`, :mod:`heavylegs.diary.session_record`).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

import typer

from heavylegs.cli.diary_entry import knowledge
from heavylegs.cli.output import Fail, console, duration_text, open_db

if TYPE_CHECKING:
    from rich.console import Console

    from heavylegs.diary.plan import LatestPlan
    from heavylegs.diary.routines import SessionPlan, Step
    from heavylegs.diary.session import Pacing


def run_guided(
    routine: str | None,
    *,
    auto: bool,
    yes: bool,
    rep_seconds: float,
    db: str | None,
    wall: Callable[[], dt.datetime],
    monotonic: Callable[[], float],
    sleep: Callable[[float], None],
) -> None:
    """Resolve the steps, run them with a Rich view, record what was done, say what."""
    from heavylegs.diary.entries import record_session
    from heavylegs.diary.plan import latest_plan, session_plan
    from heavylegs.diary.routines import UnknownRoutine
    from heavylegs.diary.session import Pacing, run_session
    from heavylegs.diary.session_record import from_run
    from heavylegs.store import latest_assessment

    kb = knowledge()
    with open_db(db, creates=True) as store:
        with store.session() as s:
            latest = latest_assessment(s)
        in_force = latest_plan(None if latest is None else latest.output)
        try:
            plan_steps = session_plan(routine, kb.measures, in_force)
        except UnknownRoutine as exc:
            raise Fail([str(exc)]) from None
        if not plan_steps.steps:
            skipped = "; ".join(f"{k.measure}: {k.reason}" for k in plan_steps.skipped)
            raise Fail([f"routine: nothing to run ({skipped or 'no guided measures'})"])
        interactive = not yes
        if interactive and not sys.stdin.isatty():
            raise Fail(["session: needs a terminal; use --yes to run without key presses"])
        out = console()
        _preamble(out, in_force, plan_steps)
        pacing = Pacing.AUTO if (auto or yes) else Pacing.ENTER
        if interactive:
            try:
                out.input("Press Enter to start (Ctrl-C stops and keeps what you did) ")
            except (KeyboardInterrupt, EOFError):
                out.print("\nNot started.")
                raise typer.Exit(130) from None
        started = wall()
        view = _RichSessionView(out, pacing)
        with _ended_like_ctrl_c():
            result = run_session(
                plan_steps, view, pacing=pacing, clock=monotonic, sleep=sleep,
                rep_seconds=rep_seconds,
            )  # fmt: skip
        with suppress(OSError):  # the terminal may be gone (SIGHUP): record what was done
            view.close()
        record = from_run(plan_steps, result, started, wall())
        with store.session() as s:
            record_session(s, record)
    what = "; ".join(
        f"{d.measure} " + (f"{d.reps} reps" if d.reps is not None else f"{d.minutes:g} min")
        if d.reps is not None or d.minutes is not None
        else d.measure
        for d in record.done
    )
    head = "Stopped early" if result.outcome.value == "stopped" else "Session complete"
    out.print(f"{head}. Recorded: {what or 'nothing yet'}")


@contextmanager
def _ended_like_ctrl_c() -> Iterator[None]:
    """A closed terminal (SIGHUP) or ``kill`` (SIGTERM) stops the session as Ctrl-C does, so
    the minutes and reps already done are recorded (they were lost with the process)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    kinds = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    previous = {kind: signal.signal(kind, stop) for kind in kinds}
    try:
        yield
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler)


def _preamble(out: Console, in_force: LatestPlan | None, plan: SessionPlan) -> None:
    from rich.markup import escape

    if in_force is not None and in_force.serious:
        out.print(f"[bold red]Your last assessment said:[/] {escape(in_force.headline)}")
        out.print("[red]A session does not replace that.[/]")
    out.print(f"[bold]Session: {plan.name}[/bold]")
    for step in plan.steps:
        amount = f"{step.reps} reps" if step.reps else duration_text(step.seconds or 0)
        out.print(f"  • {step.title}: set {step.set_no}/{step.sets}, {amount}", markup=False)
    for skipped in plan.skipped:
        out.print(f"  skipped {skipped.measure}: {skipped.reason}", style="dim", markup=False)


class _RichSessionView:
    """Countdown and rep bars with Rich; cues printed above the bar; Enter counts a rep."""

    def __init__(self, console: Console, pacing: Pacing) -> None:
        from rich.progress import BarColumn, Progress, TextColumn

        self.console = console
        self.pacing = pacing
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[status]}"),
            console=console,
            auto_refresh=False,
        )
        self.task: Any = None

    def _live(self, step: Step) -> bool:
        return step.reps is None or self.pacing.value == "auto"

    def step_started(self, step: Step) -> None:
        from rich.markup import escape

        self.console.print(
            f"\n[bold]{escape(step.title)}[/bold] — set {step.set_no} of {step.sets}"
        )
        for line in step.instructions:
            self.console.print(f"  {line}", markup=False)
        if self._live(step):
            total = step.reps or step.seconds or 1
            self.task = self.bar.add_task(step.title, total=total, status="")
            self.bar.start()

    def progress(self, step: Step, elapsed_s: float, reps_done: int) -> None:
        if self.task is None:
            return
        if step.reps is not None:
            self.bar.update(self.task, completed=reps_done, status=f"{reps_done}/{step.reps} reps")
        else:
            left = max((step.seconds or 0) - elapsed_s, 0)
            self.bar.update(
                self.task,
                completed=elapsed_s,
                status=f"{int(left) // 60}:{int(left) % 60:02d} left",
            )
        self.bar.refresh()

    def cue(self, step: Step, text: str) -> None:
        self.console.print(f"  › {text}", style="cyan", markup=False)

    def wait_for_rep(self, step: Step, rep: int) -> None:
        total = step.reps or 1
        self.console.input(f"  rep {rep}/{total} — Enter ")

    def step_finished(self, step: Step, elapsed_s: float, reps_done: int) -> None:
        if self.task is not None:
            self.bar.stop()
            self.bar.remove_task(self.task)
            self.task = None

    def close(self) -> None:
        self.bar.stop()
