/* heavylegs guided session: big timer, start/pause/resume, rep counter, expected sensations.
 *
 * The plan comes from the page (a JSON block). When the session ends, what was done per measure
 * (seconds, reps, completed sets) goes into the form under the player, which is posted; the
 * server decides what counts as done. Without JavaScript that form is a plain checklist.
 * The screen is kept awake with the Screen Wake Lock API where the browser has it.
 */
(function () {
  "use strict";
  const source = document.getElementById("session-plan");
  const player = document.getElementById("player");
  const form = document.getElementById("session-form");
  if (!source || !player || !form) return;
  const plan = JSON.parse(source.textContent);
  const steps = plan.steps || [];
  if (!steps.length) return;

  const $ = (id) => document.getElementById(id);
  const ui = {
    count: $("player-count"), title: $("player-step"), set: $("player-set"), timer: $("timer"),
    caption: $("timer-caption"), repsBox: $("reps-box"), repCount: $("rep-count"),
    repTarget: $("rep-target"), repButton: $("rep-button"), start: $("start"), pause: $("pause"),
    resume: $("resume"), skip: $("skip"), finish: $("finish"), status: $("player-status"),
    instructions: $("instructions"), cues: $("cues"), wake: $("wake-status"),
  };

  const progress = {};
  let index = 0;
  let running = false;
  let started = false;
  let elapsed = 0;      // ms in the current step, pauses excluded
  let last = 0;         // performance.now() at the last tick while running
  let reps = 0;
  let cuesShown = 0;
  let timer = null;
  let wakeLock = null;

  player.hidden = false;
  const hint = $("checklist-hint");
  if (hint) hint.textContent = "The timer fills this in when you finish; you can also tick steps yourself.";

  function fmt(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const m = Math.floor(total / 60);
    const s = total % 60;
    return String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
  }

  function step() { return steps[index]; }

  function record(completed) {
    const s = step();
    const p = progress[s.measure] || (progress[s.measure] = { seconds: 0, reps: 0, sets: 0 });
    p.seconds += elapsed / 1000;
    p.reps += reps;
    if (completed) p.sets += 1;
  }

  function announce(text) { ui.status.textContent = text; }

  function showCues() {
    const s = step();
    const items = ui.cues.children;
    while (cuesShown < s.cues.length) {
      const cue = s.cues[cuesShown];
      if (cue.at_s * 1000 > elapsed || cue.at_rep > reps) break;
      if (items[cuesShown]) items[cuesShown].classList.add("reached");
      announce(cue.text);
      cuesShown += 1;
    }
  }

  function load() {
    const s = step();
    elapsed = 0;
    reps = 0;
    cuesShown = 0;
    ui.count.textContent = "Step " + (index + 1) + " of " + steps.length;
    ui.title.textContent = s.title;
    ui.set.textContent = s.sets > 1 ? "Set " + s.set_no + " of " + s.sets : "";
    ui.instructions.replaceChildren(...s.instructions.map((t) => li(t)));
    ui.cues.replaceChildren(...(s.cues.length ? s.cues.map((c) => li(when(c) + c.text)) : [li("Nothing special: move gently and stop if it hurts.")]));
    ui.repsBox.hidden = s.kind !== "reps";
    ui.repTarget.textContent = s.reps || 0;
    render();
    if (started) showCues();
  }

  function when(cue) {
    if (cue.at_rep > 0) return "From rep " + cue.at_rep + ": ";
    if (cue.at_s > 0) return "From " + fmt(cue.at_s * 1000) + ": ";
    return "At the start: ";
  }

  function li(text) {
    const el = document.createElement("li");
    el.textContent = text;
    return el;
  }

  function render() {
    const s = step();
    if (s.kind === "timed") {
      ui.timer.textContent = fmt(s.seconds * 1000 - elapsed);
      ui.caption.textContent = running ? "left" : started ? "left (paused)" : "to go";
    } else {
      ui.timer.textContent = fmt(elapsed);
      ui.caption.textContent = running ? "elapsed" : "elapsed (paused)";
    }
    ui.repCount.textContent = reps;
    ui.repButton.disabled = !running;
    ui.start.hidden = started;
    ui.pause.hidden = !started || !running;
    ui.resume.hidden = !started || running;
  }

  function tick() {
    if (!running) return;
    const now = performance.now();
    elapsed += now - last;
    last = now;
    const s = step();
    showCues();
    if (s.kind === "timed" && elapsed >= s.seconds * 1000) {
      elapsed = s.seconds * 1000;
      next(true);
      return;
    }
    render();
  }

  function next(completed) {
    record(completed);
    if (index + 1 >= steps.length) {
      finish("completed");
      return;
    }
    index += 1;
    load();
    announce("Next: " + step().title);
    last = performance.now();
  }

  async function keepAwake() {
    if (!("wakeLock" in navigator)) {
      ui.wake.textContent = "Keep the screen on yourself: this browser cannot keep it awake.";
      return;
    }
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      ui.wake.textContent = "The screen stays on while the timer runs.";
    } catch (err) {
      ui.wake.textContent = "Keep the screen on yourself: the browser refused to keep it awake.";
    }
  }

  function release() {
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
  }

  function run() {
    running = true;
    started = true;
    last = performance.now();
    if (!timer) timer = setInterval(tick, 250);
    keepAwake();
    showCues();
    render();
  }

  function pause() {
    tick();
    running = false;
    release();
    render();
    announce("Paused");
  }

  function finish(outcome) {
    running = false;
    if (timer) clearInterval(timer);
    timer = null;
    release();
    for (const [measure, p] of Object.entries(progress)) {
      const box = form.querySelector("[name='done." + measure + "']");
      if (!box) continue;
      box.checked = p.seconds >= 1 || p.reps > 0 || p.sets > 0;
      form.querySelector("[name='seconds." + measure + "']").value = p.seconds.toFixed(1);
      form.querySelector("[name='reps." + measure + "']").value = String(p.reps);
      form.querySelector("[name='sets." + measure + "']").value = String(p.sets);
    }
    form.querySelector("[name='outcome']").value = outcome;
    announce("Saving to your diary…");
    form.submit();
  }

  ui.start.addEventListener("click", run);
  ui.resume.addEventListener("click", () => { run(); announce("Resumed"); });
  ui.pause.addEventListener("click", pause);
  ui.skip.addEventListener("click", () => { tick(); next(false); });
  ui.finish.addEventListener("click", () => {
    // Stop early: keep what this step did so far (not a completed set), then save.
    tick();
    record(false);
    finish("stopped");
  });
  ui.repButton.addEventListener("click", () => {
    if (!running) return;
    const s = step();
    reps += 1;
    showCues();
    if (s.reps && reps >= s.reps) {
      tick();
      next(true);
      return;
    }
    render();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && running && !wakeLock) keepAwake();
  });

  load();
})();
