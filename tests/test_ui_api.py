"""The launched app through `gradio_client`: the named endpoints, bad input, sessions, login."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from coach.settings import REPO_ROOT, Settings
from coach.ui import handlers

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
pytestmark = pytest.mark.slow

CASE = {
    "customer": "Acme Corp",
    "problem": "Three API outages broke checkout",
    "tried": ["Opened a P1"],
    "ask": "Approve a service credit",
    "proposed_next_steps": ["Call with their CTO"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(
    settings: Settings, auth: Any = None, launch_settings: Settings | None = None
) -> tuple[Any, str]:
    from coach.ui.app import build_app, launch

    demo = build_app(settings, private=auth is None)
    port = free_port()
    launch(demo, "127.0.0.1", port, auth, launch_settings, prevent_thread_lock=True, quiet=True)
    return demo, f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("ui-api-data")
    return Settings(data_dir=data, knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def url(app_settings: Settings) -> Iterator[str]:
    demo, address = serve(app_settings)
    yield address
    demo.close()


@pytest.fixture
def client(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False)


def test_only_the_three_named_endpoints_are_public(client: Any) -> None:
    named = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(named) == {"/chat", "/triage", "/brief"}


def test_triage_endpoint_returns_the_cli_json(client: Any, app_settings: Settings) -> None:
    result = client.predict(email=handlers.EXAMPLE_EMAIL, api_name="/triage")
    assert result == handlers.api_triage(handlers.EXAMPLE_EMAIL, app_settings)
    assert result["decision"] == "escalate" and result["urgency"] == "critical"


def test_brief_endpoint_returns_the_cli_json(client: Any, app_settings: Settings) -> None:
    result = client.predict(case_json=json.dumps(CASE), api_name="/brief")
    assert {"markdown", "warnings", "recommendation", "headline", "first_steps"} <= set(result)
    assert result == handlers.api_brief(json.dumps(CASE), app_settings)
    assert "Acme Corp" in result["markdown"]


def test_chat_endpoint_keeps_a_conversation(client: Any) -> None:
    first = client.predict(
        message="Initech says they'll cancel: the nightly export failed all week.",
        conversation_id="",
        api_name="/chat",
    )
    assert first["recommendation"] == "escalate_now" and first["reply"]
    again = client.predict(message="I briefed my manager yesterday.",
                           conversation_id=first["conversation_id"], api_name="/chat")  # fmt: skip
    assert again["conversation_id"] == first["conversation_id"]
    assert again["case"]["customer"] == "Initech"
    assert again["case"]["checklist"]["manager_briefed"] is True


@pytest.mark.parametrize(
    ("endpoint", "kwargs", "message"),
    [
        ("/chat", {"message": "  ", "conversation_id": ""}, "Empty message"),
        ("/chat", {"message": "hi", "conversation_id": "0000deadbeef"}, "No conversation"),
        ("/triage", {"email": ""}, "The email is empty"),
        ("/brief", {"case_json": "{oops"}, "not valid JSON"),
        ("/brief", {"case_json": '{"tried": "one thing"}'}, "must be a list"),
    ],
)
def test_bad_input_is_a_readable_error(client: Any, endpoint: str, kwargs: dict[str, str],
                                       message: str) -> None:  # fmt: skip
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        client.predict(**kwargs, api_name=endpoint)
    assert message in str(info.value)
    assert "Traceback" not in str(info.value)


@pytest.mark.parametrize(
    ("endpoint", "data", "message"),
    [
        (
            "/triage",
            {"email": {"a": [1, 2]}},
            "The email must be text (a JSON string), not an object",
        ),
        ("/triage", {"email": 10**40}, "The email must be text (a JSON string), not a number"),
        ("/chat", {"message": ["hi"], "conversation_id": ""}, "The message must be text"),
        ("/chat", {"message": "hi", "conversation_id": 7}, "The conversation_id must be text"),
        ("/brief", {"case_json": {"customer": "Acme"}}, "The case file must be text"),
    ],
)
def test_a_value_that_is_not_text_is_a_readable_error(
    url: str, endpoint: str, data: dict[str, object], message: str
) -> None:
    """JSON over HTTP can send any value where the endpoints take text."""
    from coach.bench.ui import _HttpClient

    with pytest.raises(RuntimeError) as info:
        _HttpClient(url).predict(api_name=endpoint, **data)
    assert message in str(info.value) and "went wrong" not in str(info.value)


def test_two_sessions_at_once_never_see_each_others_case(url: str) -> None:
    from gradio_client import Client

    def session(customer: str, problem: str) -> list[dict[str, Any]]:
        client = Client(url, verbose=False)
        turns = [client.predict(message=f"{customer} is threatening to cancel: {problem}.",
                                conversation_id="", api_name="/chat")]  # fmt: skip
        for text in ("I tried a workaround with support.", "I need my VP on a call."):
            turns.append(client.predict(message=text,
                                        conversation_id=turns[0]["conversation_id"],
                                        api_name="/chat"))  # fmt: skip
        return turns

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(lambda args: session(*args),
                        [("Globex", "the SSO outage"), ("Umbrella", "the billing errors")])  # fmt: skip
    assert a[0]["conversation_id"] != b[0]["conversation_id"]
    for turns, mine, theirs in ((a, "Globex", "Umbrella"), (b, "Umbrella", "Globex")):
        for turn in turns:
            assert turn["case"]["customer"] == mine
            assert theirs not in json.dumps(turn)


def test_uploads_over_2_mb_are_refused(url: str, tmp_path: Path) -> None:
    big = tmp_path / "big.eml"
    big.write_bytes(b"a" * 2_100_000)
    with big.open("rb") as fh:
        response = httpx.post(url + "gradio_api/upload", files={"files": ("big.eml", fh)})
    assert response.status_code == 413


def test_the_benchmarks_http_users_keep_their_conversations_apart(url: str) -> None:
    """`make bench` drives the app through its HTTP API, one Gradio session per user."""
    from coach.bench.ui import load_test

    runs = load_test(url, users=3)
    assert [r.errors for r in runs] == [[], [], []]
    assert all(len(r.latencies) == 10 and r.customer_kept and not r.leaks for r in runs)


def test_an_http_user_signs_in_or_is_refused(app_settings: Settings) -> None:
    from coach.bench.ui import _HttpClient

    demo, address = serve(app_settings, auth=[("rep", "s3cret-pass")])
    try:
        with pytest.raises(RuntimeError, match="login refused"):
            _HttpClient(address, ("rep", "wrong"))
        http = _HttpClient(address, ("rep", "s3cret-pass"))
        assert http.predict(api_name="/triage", email="Thanks, the invoice arrived.")[
            "decision"
        ] == ("handle")
        with pytest.raises(RuntimeError, match="error"):
            http.predict(api_name="/triage", email="")
    finally:
        demo.close()


def test_login_is_required_when_configured(app_settings: Settings) -> None:
    from gradio_client import Client

    demo, address = serve(app_settings, auth=[("rep", "s3cret-pass")])
    try:
        assert httpx.get(address + "config").status_code == 401
        with pytest.raises(Exception):  # noqa: B017  (gradio_client raises a bare ValueError)
            Client(address, verbose=False, auth=("rep", "wrong"))
        client = Client(address, verbose=False, auth=("rep", "s3cret-pass"))
        assert (
            client.predict(email="Thanks, the invoice arrived.", api_name="/triage")["decision"]
            == "handle"
        )
    finally:
        demo.close()


def test_sign_ins_are_throttled_per_client_address(app_settings: Settings) -> None:
    """Passwords sprayed across many logins from one address: after 20 failures that address
    waits (429 with a sentence and Retry-After), while the lock per login stays as it was."""
    from coach.ui.auth import MAX_CLIENT_FAILURES

    demo, address = serve(app_settings, auth=[("rep", "s3cret-pass")])
    try:
        codes = [
            httpx.post(address + "login", data={"username": f"u{i}", "password": "p"}).status_code
            for i in range(MAX_CLIENT_FAILURES + 2)
        ]
        assert 429 not in codes[:MAX_CLIENT_FAILURES] and codes[-1] == 429, codes
        refused = httpx.post(address + "login", data={"username": "rep", "password": "s3cret-pass"})
        assert refused.status_code == 429 and "try again in" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) > 0
    finally:
        demo.close()


def _fail(address: str, login: str, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    data = {"username": login, "password": "wrong"}
    return httpx.post(address + "login", data=data, headers=headers).status_code


def test_a_forwarded_for_header_does_not_pick_the_throttled_address(
    app_settings: Settings,
) -> None:
    """With no trusted proxy (the default), a client naming a new address in X-Forwarded-For
    for every try is still the address it connects from: it waits after 20 failures."""
    from coach.ui.auth import MAX_CLIENT_FAILURES

    demo, address = serve(app_settings, auth=[("rep", "s3cret-pass")])
    try:
        codes = [_fail(address, f"u{i}", f"203.0.113.{i}") for i in range(MAX_CLIENT_FAILURES + 5)]
        assert 429 not in codes[:MAX_CLIENT_FAILURES] and set(codes[MAX_CLIENT_FAILURES:]) == {429}
    finally:
        demo.close()


def test_behind_a_trusted_proxy_the_client_is_its_rightmost_untrusted_address(
    tmp_path: Path,
) -> None:
    """COACH_TRUSTED_PROXIES=127.0.0.1: the proxy's X-Forwarded-For names the client, and
    addresses a client wrote in front of its own (on the left) change nothing."""
    from coach.ui.auth import MAX_CLIENT_FAILURES

    settings = Settings(data_dir=tmp_path, knowledge_dir=REPO_ROOT / "knowledge",  # type: ignore[call-arg]
                        trusted_proxies="127.0.0.1")  # fmt: skip
    demo, address = serve(settings, auth=[("rep", "s3cret-pass")], launch_settings=settings)
    try:
        spoofed = [_fail(address, f"u{i}", f"203.0.113.{i}, 198.51.100.7")
                   for i in range(MAX_CLIENT_FAILURES + 1)]  # fmt: skip
        assert 429 not in spoofed[:MAX_CLIENT_FAILURES] and spoofed[-1] == 429
        assert _fail(address, "u0", "198.51.100.8") == 400  # another client is not held up
        assert _fail(address, "u0", "198.51.100.8, 127.0.0.1") == 400  # a second proxy hop
    finally:
        demo.close()


def test_each_user_reaches_only_their_own_conversations(tmp_path: Path) -> None:
    """Signed in as B, A's conversation id is answered like an unknown one, and A's
    conversation is unchanged; the CLI's local user sees neither."""
    from gradio_client import Client

    from coach.chat.conversation import LOCAL_USER, history, list_conversations

    settings = Settings(data_dir=tmp_path, knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]
    demo, address = serve(settings, auth=[("ana", "pass-ana-1"), ("ben", "pass-ben-1")])
    try:
        ana = Client(address, verbose=False, auth=("ana", "pass-ana-1"))
        ben = Client(address, verbose=False, auth=("ben", "pass-ben-1"))
        first = ana.predict(message="Acme's CFO says they'll cancel over the billing errors.",
                            conversation_id="", api_name="/chat")  # fmt: skip
        cid = first["conversation_id"]
        with pytest.raises(Exception) as stolen:
            ben.predict(message="what do you know so far?", conversation_id=cid, api_name="/chat")
        with pytest.raises(Exception) as unknown:
            ben.predict(message="hi", conversation_id="0123456789ab", api_name="/chat")
        assert str(stolen.value).replace(cid, "ID") == str(unknown.value).replace(
            "0123456789ab", "ID"
        )
        assert len(history(cid, settings)) == 2  # A's one turn: nothing was added by B
        again = ana.predict(message="I've re-issued the invoices twice.", conversation_id=cid,
                            api_name="/chat")  # fmt: skip
        assert again["conversation_id"] == cid and again["case"]["customer"] == "Acme"
        assert [c.id for c in list_conversations(settings, "ana")] == [cid]
        assert list_conversations(settings, "ben") == []
        assert list_conversations(settings, LOCAL_USER) == []
    finally:
        demo.close()


def test_a_hashed_password_in_the_auth_file_signs_in(app_settings: Settings) -> None:
    from gradio_client import Client

    from coach.ui.auth import hash_password, password_matches

    stored = hash_password("correct horse battery")
    assert stored.startswith("pbkdf2_sha256$") and "correct horse" not in stored
    assert password_matches(stored, "correct horse battery")
    assert not password_matches(stored, "correct horse battery!")
    demo, address = serve(app_settings, auth=[("lead", stored)])
    try:
        with pytest.raises(Exception):  # noqa: B017
            Client(address, verbose=False, auth=("lead", stored))  # the hash is not the password
        client = Client(address, verbose=False, auth=("lead", "correct horse battery"))
        assert client.predict(email="Thanks, it works now.", api_name="/triage")["decision"]
    finally:
        demo.close()


def _echo_request(settings: Settings) -> tuple[Any, str]:
    """A page whose one endpoint answers what gr.Request saw, launched like the coach."""
    import gradio as gr

    from coach.ui.app import launch

    def whoami(request: Any) -> dict[str, Any]:
        return {"client": request.client.host, "headers": dict(request.headers)}

    whoami.__annotations__["request"] = gr.Request  # a class, not this module's string

    with gr.Blocks() as demo:
        out = gr.JSON()
        gr.Button().click(whoami, None, out, api_name="whoami")
    port = free_port()
    launch(demo, "127.0.0.1", port, None, settings, prevent_thread_lock=True, quiet=True)
    return demo, f"http://127.0.0.1:{port}/"


@pytest.mark.parametrize("proxies", ["", "127.0.0.1"])
def test_gradio_requests_see_the_user_header_only_from_a_trusted_proxy(
    tmp_path: Path, proxies: str
) -> None:
    from gradio_client import Client

    settings = Settings(data_dir=tmp_path, COACH_TRUSTED_USER_HEADER="X-Forwarded-User",  # type: ignore[call-arg]
                        COACH_TRUSTED_PROXIES=proxies)  # fmt: skip
    demo, address = _echo_request(settings)
    try:
        sent = {"X-Forwarded-User": "mallory", "X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
        seen = Client(address, verbose=False, headers=sent).predict(api_name="/whoami")
        if proxies:
            assert seen["client"] == "198.51.100.7"
            assert seen["headers"]["x-forwarded-user"] == "mallory"
        else:
            assert seen["client"] == "127.0.0.1"
            assert "x-forwarded-user" not in seen["headers"]
            assert "x-forwarded-for" not in seen["headers"]
    finally:
        demo.close()


def test_a_client_that_connects_directly_cannot_name_itself_an_admin(tmp_path: Path) -> None:
    """COACH_TRUSTED_USER_HEADER with no proxy in COACH_TRUSTED_PROXIES: a spoofed
    X-Forwarded-User names nobody; with 127.0.0.1 trusted (the proxy on this machine), it does."""
    from gradio_client import Client

    from coach.chat.conversation import LOCAL_USER, list_conversations

    spoofed = {"X-Forwarded-User": "lead"}
    for proxies, owner in (("", LOCAL_USER), ("127.0.0.1", "lead")):
        settings = Settings(data_dir=tmp_path / (proxies or "direct"),  # type: ignore[call-arg]
                            knowledge_dir=REPO_ROOT / "knowledge", COACH_ADMINS="lead",
                            COACH_TRUSTED_USER_HEADER="X-Forwarded-User",
                            COACH_TRUSTED_PROXIES=proxies)  # fmt: skip
        demo, address = serve(settings, launch_settings=settings)
        try:
            turn = Client(address, verbose=False, headers=spoofed).predict(
                message="Acme says they'll cancel over the outages.",
                conversation_id="",
                api_name="/chat",
            )
            mine = [c.id for c in list_conversations(settings, owner)]
            assert mine == [turn["conversation_id"]], proxies
        finally:
            demo.close()


def test_the_apps_warm_up_loads_what_the_first_chat_turn_needs(tmp_path: Path) -> None:
    """The warm-up at start imports the agent stack and loads the case reader's model, so the
    rep's first chat turn does not wait for them (0.85 s before, 0.15 s after, on 2 cores)."""
    script = (
        "import sys\n"
        "from coach.settings import get_settings\n"
        "from coach.ui.app import warm_up\n"
        "from coach.reading import classifier\n"
        "from coach.reading.rep import ROLES_SPEC\n"
        "warm_up(get_settings())\n"
        "print('coach.chat.agent' in sys.modules, ROLES_SPEC.name in classifier._models)\n"
    )
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["True", "True"], done.stderr[-2000:]
