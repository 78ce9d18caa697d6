"""Answering the wizard in a browser the way a person would: by clicking labels and typing."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from heavylegs.assessment.questionnaire import SECTIONS
from heavylegs.web.wizard import field_id


def choose(page: Page, path: str, value: str) -> None:
    """Pick a radio option (``yes``/``no`` for yes-no questions, else the choice's value)."""
    page.locator(f"#{field_id(path)}-{value}").check()


def tick(page: Page, path: str, *values: str) -> None:
    for value in values:
        page.locator(f"#{field_id(path)}-{value}").check()


def type_in(page: Page, path: str, text: str) -> None:
    page.locator(f"#{field_id(path)}").fill(text)


def at_step(page: Page, step: int) -> None:
    expect(page.locator("#step-title")).to_have_text(SECTIONS[step - 1])


def press(page: Page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()


def next_step(page: Page, now_at: int) -> None:
    """Press Next and wait for step ``now_at``."""
    press(page, "Next")
    at_step(page, now_at)
