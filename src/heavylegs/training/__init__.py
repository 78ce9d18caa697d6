"""Training: activity files in, load and signals out, linked to heavy legs.

Data flow (one module per concept; nothing is imported here, so importing one module does not
pull numpy, SQLAlchemy or fitdecode along):

* readers — ``fit_fast`` (bulk FIT decoder) with ``fit_crc``, ``fit`` (fast path, fitdecode
  fallback, session summary), ``gpx``, ``tcx``; all return a ``model.ParsedActivity`` built by
  ``samples`` or raise ``model.ActivityFileError`` with a reason;
* ``sources`` — paths, folders, ``.gz``, Strava and Garmin export zips (streamed, with zip-bomb
  and path-traversal guards); ``sports`` names sports one way;
* ``importer`` — ``import_paths(store, paths, now=…, on_error=OnError.SKIP, progress=…)`` and
  ``import_sources`` (uploads as ``(name, file object)``): parse, ``dedupe``, store through
  ``repository`` (writes; reads in ``rows`` and ``history``; streams packed by ``codec``),
  report (``ImportReport.to_json()`` is the contract's summary);
* pure maths — ``load`` (Banister TRIMP, RPE fallback, heart profile), ``series`` (fitness,
  fatigue, form, 7:28 load ratio, monotony, strain; incremental ``LoadSeries.add``), ``signals``
  (sessions, weeks, cadence against the runner's baseline), ``heaviness`` (diary heaviness
  against the previous 0-3 days' load), ``running`` (the assessment's ``running`` answers:
  ``running_answers_from_activities(session, now)``);
* views — ``overview.training_overview(session, now)`` (one JSON-ready document for the CLI and
  the web page) and ``charts.render_chart`` (PNG/SVG). Synthetic FIT files for tests and
  benchmarks come from ``tests/training/fit_writer.py``.
"""
