"""The diary: entries and measures done (written through ``store``), and what they show.

Modules, in data-flow order:

* ``validation`` — what an entry or a measure done may contain; errors name the field.
* ``entries`` — record (insert or update), list; the only module here that touches the database.
* ``rows`` / ``series`` — plain rows, then day-indexed arrays.
* ``stats``, ``insights``, ``escalation``, ``summary`` — pure functions: personal effect of each
  measure with a bootstrap interval, trend, when to stop self-managing, the weekly line.
* ``routines``, ``session`` — guided sessions: steps from the knowledge base, a runner that takes
  its clock, sleep and view as arguments.
* ``charts`` — sparkline and the matplotlib chart.

Nothing is imported here, so importing one module does not pull numpy or SQLAlchemy along.
"""
