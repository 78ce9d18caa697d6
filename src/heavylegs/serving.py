"""What ``heavylegs serve`` hands the web app's factory: the names of its environment variables.

Why environment variables, and why this module: uvicorn starts the app from an import string
(``heavylegs.web.app:app_from_env``), in this process or in each worker process, so the only
way settings reach every worker is the environment. The command line sets these names and the
web factory reads them; both import them from here, so neither face imports the other.
"""

from __future__ import annotations

APP_FACTORY = "heavylegs.web.app:app_from_env"
"""The import string uvicorn builds the app from (``factory=True``)."""

SECRET_ENV = "HEAVYLEGS_WEB_SECRET"
"""The key signing CSRF tokens and cookies; every worker of one deployment needs the same."""
DB_ENV = "HEAVYLEGS_WEB_DB"
"""The database URL (unset: the app keeps nothing)."""
HOSTS_ENV = "HEAVYLEGS_WEB_ALLOW_HOSTS"
"""Comma-separated ``Host`` names answered besides loopback."""
MULTI_USER_ENV = "HEAVYLEGS_WEB_MULTI_USER"
"""``1``: accounts mode."""
TRUST_PROXY_ENV = "HEAVYLEGS_WEB_TRUST_PROXY"
"""``1``: believe the proxy's X-Forwarded-* headers."""
