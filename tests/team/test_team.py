"""Two app processes on one PostgreSQL and one Chroma server, two users: conversations private
across users and shared across processes; concurrent turns serialised; forget and retention
verified by reading the tables."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest

from coach.settings import Settings

pytestmark = [pytest.mark.team, pytest.mark.slow]

CHECKPOINT_TABLES = ("checkpoints", "checkpoint_writes", "checkpoint_blobs")


def rows(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return list(conn.execute(sql, params).fetchall())


def checkpoint_rows(url: str, conversation_id: str) -> int:
    return sum(
        rows(url, f"SELECT COUNT(*) FROM {table} WHERE thread_id = %s", conversation_id)[0][0]
        for table in CHECKPOINT_TABLES
    )


def coach(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "COACH_DATABASE_URL": settings.database_url or "",
        "COACH_CHROMA_URL": settings.chroma_url or "",
        "COACH_DATA_DIR": str(settings.data_dir),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def test_a_conversation_started_on_one_process_continues_on_the_other(
    team: dict[str, Any],
    sign_in: Any,
) -> None:
    one, two = team["apps"]
    first = sign_in(one, "ana").predict(
        message="Acme's CFO Lena Ortiz says they'll cancel at renewal over the billing errors.",
        conversation_id="",
        api_name="/chat",
    )
    cid = first["conversation_id"]
    again = sign_in(two, "ana").predict(
        message="I've re-issued the invoices twice.", conversation_id=cid, api_name="/chat"
    )
    assert again["conversation_id"] == cid
    assert again["case"]["customer"] == "Acme"  # the case file came from the shared database
    assert again["case"]["tried"], again["case"]
    owners = rows(
        team["database_url"], "SELECT owner, turns FROM coach_conversations WHERE id = %s", cid
    )
    assert owners == [("ana", 2)]


def test_the_reverse_proxy_keeps_each_session_on_one_process(
    team: dict[str, Any], sign_in: Any
) -> None:
    """Through nginx: each signed-in client (its login lives in one process) keeps its
    conversation and its own case, whichever process its sticky cookie chose."""
    proxy = team["proxy"]
    turns = {}
    for user, customer in (
        ("ana", "Vandelay"),
        ("ben", "Wonka"),
        ("ana", "Tyrell"),
        ("ben", "Oscorp"),
    ):
        client = sign_in(proxy, user)
        first = client.predict(
            message=f"{customer}'s COO says they'll cancel over the failed data migration.",
            conversation_id="",
            api_name="/chat",
        )
        again = client.predict(
            message="I tried rerunning the migration twice.",
            conversation_id=first["conversation_id"],
            api_name="/chat",
        )
        assert again["case"]["customer"] == customer
        turns[customer] = (user, again["conversation_id"])
    owners = dict(rows(team["database_url"], "SELECT id, owner FROM coach_conversations"))
    assert all(owners[cid] == user for user, cid in turns.values())
    log = (team["folder"] / "nginx" / "access.log").read_text()
    assert log.count("/gradio_api/queue/join") >= 8
    upstreams = (team["folder"] / "nginx" / "nginx.conf").read_text()
    assert all(app.removeprefix("http://").rstrip("/") in upstreams for app in team["apps"])


def test_another_users_id_is_answered_like_an_unknown_one_on_every_process(
    team: dict[str, Any], sign_in: Any, team_settings: Settings
) -> None:
    from coach.chat.conversation import history, list_conversations

    one, two = team["apps"]
    first = sign_in(one, "ana").predict(
        message="Globex's Head of Ops is furious: the nightly export failed for three weeks.",
        conversation_id="",
        api_name="/chat",
    )
    cid = first["conversation_id"]
    before = checkpoint_rows(team["database_url"], cid)
    for url in (one, two):
        ben = sign_in(url, "ben")
        with pytest.raises(Exception) as stolen:
            ben.predict(message="what do you know so far?", conversation_id=cid, api_name="/chat")
        with pytest.raises(Exception) as unknown:
            ben.predict(message="hi", conversation_id="0123456789ab", api_name="/chat")
        assert str(stolen.value).replace(cid, "ID") == str(unknown.value).replace(
            "0123456789ab", "ID"
        )
    assert checkpoint_rows(team["database_url"], cid) == before  # nothing was written by ben
    assert len(history(cid, team_settings)) == 2
    assert cid in [c.id for c in list_conversations(team_settings, "ana")]
    assert cid not in [c.id for c in list_conversations(team_settings, "ben")]
    assert not any("Globex" in c.title for c in list_conversations(team_settings, "ben"))


def test_two_turns_at_once_on_two_processes_are_both_kept(
    team: dict[str, Any], sign_in: Any
) -> None:
    one, two = team["apps"]
    cid = sign_in(one, "ana").predict(
        message="Initech's IT Director says the SSO outages must stop.",
        conversation_id="",
        api_name="/chat",
    )["conversation_id"]
    lines = [f"Update {i}: we tried restarting the connector again." for i in range(4)]
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(
                lambda i: sign_in((one, two)[i % 2], "ana").predict(
                    message=lines[i], conversation_id=cid, api_name="/chat"
                ),
                range(4),
            )
        )
    assert all(r["conversation_id"] == cid for r in results)
    from coach.storage import close_databases

    settings = Settings(database_url=team["database_url"], data_dir=team["folder"] / "reader")  # type: ignore[call-arg]
    try:
        from coach.chat.conversation import history

        said = [text for role, text in history(cid, settings) if role == "rep"]
    finally:
        close_databases()
    assert sorted(said[1:]) == sorted(lines)  # every message kept, none interleaved
    assert len(history_pairs := said) == 5, history_pairs


def test_forget_user_leaves_nothing_in_the_tables(
    team: dict[str, Any], sign_in: Any, team_settings: Settings
) -> None:
    url = team["database_url"]
    zoe = "ben"
    ids = [
        sign_in(team["apps"][i], zoe).predict(
            message=f"Case {i}: Hooli says the dashboard is down again and they want a refund.",
            conversation_id="",
            api_name="/chat",
        )["conversation_id"]
        for i in range(2)
    ]
    assert all(checkpoint_rows(url, cid) > 0 for cid in ids)
    assert rows(url, "SELECT COUNT(*) FROM coach_users WHERE login = %s", zoe)[0][0] == 1
    done = coach(team_settings, "admin", "forget-user", zoe)
    assert done.returncode == 0, done.stderr
    assert all(checkpoint_rows(url, cid) == 0 for cid in ids)
    assert rows(url, "SELECT COUNT(*) FROM coach_conversations WHERE owner = %s", zoe) == [(0,)]
    assert rows(url, "SELECT COUNT(*) FROM coach_users WHERE login = %s", zoe) == [(0,)]
    ana_left = rows(url, "SELECT COUNT(*) FROM coach_conversations WHERE owner = 'ana'")[0][0]
    assert ana_left > 0  # only that user's data went


def test_retention_deletes_old_conversations_from_the_checkpoints(
    team: dict[str, Any], sign_in: Any, team_settings: Settings
) -> None:
    url = team["database_url"]
    old = sign_in(team["apps"][0], "ana").predict(
        message="Umbrella Corp's renewal is at risk over the slow support tickets.",
        conversation_id="",
        api_name="/chat",
    )["conversation_id"]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "UPDATE coach_conversations SET updated = %s WHERE id = %s",
            (time.time() - 40 * 86400, old),
        )
    done = coach(team_settings, "admin", "retention", "--days", "30")
    assert done.returncode == 0, done.stderr
    assert checkpoint_rows(url, old) == 0
    assert rows(url, "SELECT COUNT(*) FROM coach_conversations WHERE id = %s", old) == [(0,)]


def test_failed_logins_count_on_every_process(team: dict[str, Any], sign_in: Any) -> None:
    """Five wrong passwords against one process lock the login on the other as well."""
    one, two = team["apps"]
    for _ in range(5):
        httpx.post(one + "login", data={"username": "ana", "password": "wrong"}, timeout=30)
    refused = httpx.post(two + "login", data={"username": "ana", "password": team["users"]["ana"]},
                         timeout=30)  # fmt: skip
    assert refused.status_code >= 400
    accepted = httpx.post(two + "login", data={"username": "ben", "password": team["users"]["ben"]},
                          timeout=30)  # fmt: skip
    assert accepted.status_code == 200
    with psycopg.connect(team["database_url"], autocommit=True) as conn:  # unlock for others
        conn.execute("DELETE FROM coach_login_failures WHERE login = 'ana'")


def test_the_index_lives_on_the_chroma_server(team: dict[str, Any], sign_in: Any) -> None:
    import chromadb

    host, port = team["chroma_url"].removeprefix("http://").split(":")
    server = chromadb.HttpClient(host=host, port=int(port))
    counts = [c.count() for c in server.list_collections()]
    assert counts and max(counts) > 10
    for app in team["folder"].glob("app-*"):
        assert not (app / "index" / "chroma").exists()  # no process keeps an index of its own
    result = sign_in(team["apps"][1], "ben").predict(
        email="Hi, our CFO says we will not renew unless the invoices are fixed this week.",
        api_name="/triage",
    )
    assert result["decision"] == "escalate"
    assert any(c for c in result.get("citations", [])), json.dumps(result)[:400]


def test_eval_history_lives_in_the_database(team_settings: Settings) -> None:
    from datetime import UTC, datetime

    from coach.evals.runner import EvalReport, append_history, load_history
    from coach.storage import close_databases

    try:
        before = len(load_history(team_settings))
        report = EvalReport(
            timestamp=datetime.now(UTC),
            engine="offline",
            suites=[],
            seconds=1.0,
            thresholds_file="thresholds.yaml",
        )
        append_history(team_settings, report)
        assert len(load_history(team_settings)) == before + 1
        assert not (team_settings.data_dir / "eval-history.jsonl").exists()
    finally:
        close_databases()


def test_the_cli_on_a_team_database_sees_only_its_own_conversations(
    team: dict[str, Any], team_settings: Settings
) -> None:
    """`coach admin migrate` sets the schema up again harmlessly; `coach chat` keeps the local
    user's conversation in PostgreSQL, lists only it, and refuses a rep's id like an unknown one."""
    url = team["database_url"]
    migrated = coach(team_settings, "admin", "migrate")
    assert migrated.returncode == 0 and "postgres store ready" in migrated.stderr, migrated.stderr
    assert "secret" not in migrated.stderr
    env_line = "Soylent says they will not renew: the SSO outage hit payroll.\n"
    said = subprocess.run(
        [sys.executable, "-m", "coach", "chat", "--json"], input=env_line, text=True,
        capture_output=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "COACH_DATABASE_URL": url,
             "COACH_DATA_DIR": str(team_settings.data_dir)},
    )  # fmt: skip
    assert said.returncode == 0, said.stderr
    cid = json.loads(said.stdout.splitlines()[0])["conversation_id"]
    assert rows(url, "SELECT owner FROM coach_conversations WHERE id = %s", cid) == [("local",)]
    listed = coach(team_settings, "chat", "--list")
    assert cid in listed.stdout + listed.stderr
    ana_ids = [r[0] for r in rows(url, "SELECT id FROM coach_conversations WHERE owner = 'ana'")]
    assert ana_ids and not any(i in listed.stdout + listed.stderr for i in ana_ids)
    stolen = coach(team_settings, "chat", "--resume", ana_ids[0])
    assert stolen.returncode == 2 and "no conversation" in stolen.stderr.lower(), stolen.stderr
