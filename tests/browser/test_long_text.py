"""Long text in any script, as Chromium sends it: a paste far past the notes' limit comes
back with the field's own message and every character kept, never a 413 page."""

from __future__ import annotations

import pytest

from ..helpers import steps_with
from .drive import answer_steps, continue_, fill_step

MESSAGE = "Notes must be 1000 characters or fewer"


@pytest.mark.parametrize("character", ["é", "😀"], ids=["latin", "emoji"])
def test_100000_characters_pasted_into_the_notes_come_back_with_their_message(
    page, server, character
):
    answer_steps(page, server.url, until="practical")
    fill_step(page, steps_with()["practical"])
    pasted = character * 100_000
    page.fill("#notes", pasted)
    sent = []
    page.on("request", lambda request: sent.append(len(request.post_data_buffer or b"")))
    continue_(page)
    assert max(sent) > 256 * 1024  # what the old fixed limit refused
    assert page.title().startswith("Error: ")
    assert page.inner_text("[data-error-summary] a") == MESSAGE
    assert " ".join(page.text_content("#notes-error").split()) == f"Error: {MESSAGE}"
    assert page.input_value("#notes") == pasted
