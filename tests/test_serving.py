"""The access log leaves out query strings and result tokens."""

from questionnaire.serving import redact


def test_result_tokens_are_redacted():
    assert redact("/screening/result/abc123def") == "/screening/result/[redacted]"
    assert redact("/screening/start") == "/screening/start"
    assert redact("/clinician/") == "/clinician/"
