"""The web face: FastAPI pages (Jinja2, vendored htmx) and the JSON API under ``/api/v1/``.

No domain logic lives here: pages and endpoints call the assessment engine, the questionnaire
(the CLI's questions and skip logic), the diary and the store, and render what they return.

Modules: ``app`` (``create_app``, errors), ``api`` (JSON), ``pages_*`` (HTML), ``wizard`` (the
assessment steps over :mod:`heavylegs.assessment.questionnaire`), ``records`` (store access, each
call scoped to an owner), ``sealed`` (signed cookie values), ``chart`` (server-drawn SVG),
``guard`` (security headers, cross-site write refusal), ``problems`` (422 bodies naming fields),
``pages_ask`` (the question box), ``pages_training`` (activity upload and the training view) with
``training_chart`` (its server-drawn SVG).
``static/htmx.min.js`` is htmx 2.0.11 from npm (``npm pack htmx.org@2.0.11``), BSD-0 licensed.
"""
