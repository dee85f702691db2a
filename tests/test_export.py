"""The customer message as an unsent .eml: one To, from the case, and headers on one line."""

from __future__ import annotations

import email
import json
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from coach.domain.casefile import CaseFile
from coach.drafts.export import recipient, write_eml
from coach.drafts.writer import OfflineWriter
from coach.settings import REPO_ROOT

CASE = {
    "customer": "Acme",
    "contact": "Dana Whitfield",
    "problem": "SSO is down for every user since Monday.",
    "leader_name": "Priya Raman",
    "leader_title": "VP Customer Success",
    "signals": ["cancellation_threat"],
}


@pytest.mark.parametrize(
    ("fields", "to"),
    [
        # the case's address is used, with the contact's name
        ({"contact_email": "dana@acme.com", "contact_name": "Dana Whitfield"}, "dana@acme.com"),
        # a second line in the contact is not a header of its own
        ({"contact": "Dana Whitfield\r\nBcc: spy@evil.example"}, None),
        (
            {
                "contact": "Dana\nBcc: spy@evil.example",
                "contact_email": "dana@acme.com\nBcc: x@e.com",
            },
            None,
        ),
        ({"contact": "team: a@acme.com, b@evil.example;"}, None),
        ({"contact": "Dana Whitfield <dana@acme.com>"}, "dana@acme.com"),
    ],
)
def test_the_recipient_is_one_address_from_the_case(
    fields: dict[str, str], to: str | None, tmp_path: Path
) -> None:
    """A contact of "Dana\\r\\nBcc: spy@evil.example" addressed the draft To: spy@evil.example."""
    case = CaseFile.model_validate({**CASE, **fields})
    path = write_eml(
        OfflineWriter().write("customer", case),
        tmp_path / "m.eml",
        case.contact,
        case.contact_email,
        case.contact_name,
    )
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert (parsed["To"].addresses[0].addr_spec if parsed["To"] else None) == to
    assert parsed["Bcc"] is None and parsed["Cc"] is None
    assert "evil" not in path.read_text()


def test_a_name_field_is_kept_on_one_line() -> None:
    case = CaseFile.model_validate({**CASE, "leader_name": "Priya\nBcc: spy@evil.example"})
    assert case.leader_name == "Priya Bcc: spy@evil.example"
    assert recipient("dana@acme.com\nBcc: spy@evil.example") is None


def test_a_line_break_in_a_case_field_does_not_break_the_eml_export(tmp_path: Path) -> None:
    """`draft customer --eml` ended in a traceback ("Header values may not contain linefeed")."""
    case = tmp_path / "case.json"
    case.write_text(json.dumps({**CASE, "leader_name": "Priya\nBcc: spy@evil.example"}))
    proc = subprocess.run(
        [sys.executable, "-m", "coach", "draft", "customer", str(case), "--eml",
         str(tmp_path / "m.eml")],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    message = email.message_from_bytes((tmp_path / "m.eml").read_bytes(), policy=policy.default)
    assert message["Bcc"] is None and "\n" not in str(message["Subject"])


def test_control_characters_in_the_case_do_not_reach_the_message(tmp_path: Path) -> None:
    """A NUL typed into the problem was written into the .eml (as "=00")."""
    case = CaseFile.model_validate(
        {**CASE, "problem": "L'export échoue depuis le 3 mars\x00; données perdues."}
    )
    path = write_eml(OfflineWriter().write("customer", case), tmp_path / "m.eml")
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    body = parsed.get_content()  # type: ignore[attr-defined]
    assert "\x00" not in body and "=00" not in path.read_text()
