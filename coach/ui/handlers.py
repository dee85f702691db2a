"""What the page and the API do, as plain functions of plain values: no server, no gradio.

Every handler the page calls catches what can go wrong and returns a readable notice instead; the
input the rep typed is returned unchanged so it stays in its box. The three API functions
(`api_chat`, `api_triage`, `api_brief`) return the same JSON as `coach chat --json`,
`coach triage --json` and `coach brief --json`, and raise `CoachError` on bad input.
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError
from coach.settings import REPO_ROOT, Settings
from coach.ui import render

if TYPE_CHECKING:
    from coach.chat.conversation import TurnResult
    from coach.domain.casefile import CaseFile
    from coach.evals.runner import EvalReport

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2_000_000
EMAIL_TYPES = (".eml", ".txt", ".html", ".htm", ".json")
CASE_TYPES = (".json",)
BATCH_TYPES = (".csv", ".jsonl")
MAX_SEED_CHARS = 18_000
Session = dict[str, Any]
Progress = Callable[[float, str], None]

EXAMPLE_PROMPTS = (
    "Acme says they'll cancel at renewal next month: three API outages broke their checkout. "
    "What do I do?",
    "The customer's CTO wants to talk to my manager. They say SSO was in the SOW; it wasn't.",
    "A customer was annoyed on a call about a slow support ticket, but nothing is at risk. "
    "Should I escalate?",
)
EXAMPLE_EMAIL = (
    "Hi Sam,\n\nThis is the third outage this month and our checkout was down for four hours on "
    "Tuesday. If this is not fixed by Friday we will cancel our contract and move to a "
    "competitor. I want to speak to your manager.\n\nDana Smith\nHead of Operations, Acme Corp"
)


def owner_of(request: Any, settings: Settings | None = None) -> str:
    """Who is asking: the user a trusted proxy names (only when COACH_TRUSTED_USER_HEADER is
    set; auth.TrustedProxies removes the header from any peer not in COACH_TRUSTED_PROXIES), else
    the signed-in user, else the local single user."""
    header = settings.trusted_user_header if settings is not None else None
    if header and request is not None:
        headers = getattr(request, "headers", None) or {}
        named = headers.get(header.lower()) or headers.get(header)
        if named and str(named).strip():
            return _not_reserved(str(named).strip()[:100])
    name = getattr(request, "username", None)
    return _not_reserved(str(name)) if name else "local"


def _not_reserved(name: str) -> str:
    """A user a proxy or a login names "local" is someone, not the command line's own user (whose
    conversations and maintainer's rights that name holds): they get a name of their own."""
    from coach.ui.auth import RESERVED_USER

    return f"user:{name}" if name.lower() == RESERVED_USER else name


def is_admin(owner: str, settings: Settings) -> bool:
    """Who maintains the playbook: the users in COACH_ADMINS, and the local single user."""
    admins = {a.strip() for a in settings.admins.split(",") if a.strip()}
    return owner == "local" or owner in admins


def who_html(owner: str, signed_in: bool) -> str:
    from html import escape

    if owner == "local":
        return ""
    out = f'<div class="coach-who">Signed in as <b>{escape(owner)}</b>'
    if signed_in:
        out += ' · <a href="/logout">Sign out</a>'
    return out + "</div>"


def new_session() -> Session:
    """What one browser tab holds: its conversation, its last turn, its triage, its drafts."""
    return {"conversation_id": None, "turn": None, "messages": [], "known": [], "triage": None,
            "email": ""}  # fmt: skip


def sentence(message: object) -> str:
    """A CoachError's message as a sentence for the page."""
    text = str(message).strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def unexpected(exc: BaseException, what: str) -> str:
    """The notice for a bug: the detail goes to the log, the rep gets a sentence."""
    log.exception("%s failed", what)
    return (
        f"Something went wrong while {what} ({type(exc).__name__}). Your input is kept: try "
        "again, or start over. The details are in the server log."
    )


# --- the API ------------------------------------------------------------------------------------


def _text(value: object, what: str) -> str:
    """An API argument that must be text (JSON can send any value): None is empty."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CoachError(f"{what} must be text (a JSON string), not {_json_kind(value)}")
    return value


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def api_chat(
    message: str, conversation_id: str, settings: Settings, owner: str = "local"
) -> dict[str, Any]:
    """One coach turn for `owner`; an empty conversation id starts a new conversation. Another
    user's conversation id gets the same answer as an unknown one."""
    from coach.chat.conversation import conversation_exists, new_conversation_id, run_turn
    from coach.textio import shown

    message = _text(message, "the message")
    conversation_id = _text(conversation_id, "the conversation_id").strip()
    if conversation_id and not conversation_exists(conversation_id, settings, owner):
        raise CoachError(
            f"no conversation with id {shown(conversation_id)}; send an empty conversation_id to "
            "start a new one"
        )
    conversation_id = conversation_id or new_conversation_id()
    return run_turn(conversation_id, message, settings, owner=owner).as_json()


def api_triage(email: str, settings: Settings) -> dict[str, Any]:
    """Triage an email given as text (plain, HTML or the source of an .eml)."""
    from coach.triage.engine import get_engine

    email = _text(email, "the email")
    if not email.strip():
        raise CoachError("the email is empty: paste the customer's email")
    from coach.textio import check_length, looks_like_mail_source

    if looks_like_mail_source(email) and not email.startswith("\x00"):
        if len(email.encode("utf-8", errors="replace")) > MAX_UPLOAD_BYTES:
            raise CoachError("the email is larger than 2 MB; send one message at a time")
    else:
        check_length(email)
    result = get_engine(settings).triage(email)
    return result.model_dump(mode="json")


def too_long_notice(text: object) -> str | None:
    """The notice for a paste the browser refused as too long (it sent a mark, not the text)."""
    from coach.textio import TOO_LONG_MARK, check_length

    if isinstance(text, str) and text.startswith(TOO_LONG_MARK):
        try:
            check_length(text)
        except CoachError as exc:
            return render.notice(sentence(exc))
    return None


def api_brief(case_json: str, settings: Settings) -> dict[str, Any]:
    """The brief to the manager from a case file given as JSON text."""
    from coach.domain.casefile import CaseFile
    from coach.drafts.writer import brief_payload, get_writer
    from coach.textio import check_length

    case_json = _text(case_json, "the case file")
    if not case_json.strip():
        raise CoachError('the case file is empty: send a JSON object such as {"customer": ...}')
    check_length(case_json)
    case = CaseFile.loads(case_json, source="case")
    return brief_payload(case, get_writer(settings))[1]


# --- the coach -----------------------------------------------------------------------------------

CHAT_OUTPUTS = ("box", "chatbot", "session", "notice", "recommendation", "checklist", "case",
                "passages")  # fmt: skip
ChatView = tuple[str, list[dict[str, str]], Session, str, str, str, str, str]


def _messages(session: Session) -> list[dict[str, str]]:
    return [{"role": role, "content": text} for role, text in session["messages"]]


def _passage_texts(citations: Sequence[dict[str, str]], settings: Settings) -> list[dict[str, str]]:
    from coach.playbook.retrieval import get_retriever

    by_section: dict[tuple[str, str], list[str]] = {}
    for p in get_retriever(settings).passages:
        by_section.setdefault((p.source, p.section), []).append(p.text)
    out = []
    for c in citations:
        texts = by_section.get((c["source"], c["section"]), [])
        out.append({**c, "text": "\n\n".join(texts) or "(passage text not in the index)"})
    return out


def panels(turn: dict[str, Any] | None, settings: Settings) -> tuple[str, str, str, str]:
    """Recommendation, checklist progress, case file and passages for the last turn."""
    from coach.domain.casefile import CaseFile
    from coach.reading.case import judge

    case = CaseFile.model_validate((turn or {}).get("case") or {})
    rec = judge(case)
    rec_html = render.recommendation_card(
        rec.code, rec.headline, [r.model_dump() for r in rec.reasons], rec.first_steps
    )
    open_items = (turn or {}).get("checklist_open", case.open_checklist_items())
    citations = (turn or {}).get("citations") or []
    return (
        rec_html,
        render.checklist_progress(case.model_dump(), open_items),
        render.case_panel(case.model_dump()),
        render.passages(_passage_texts(citations, settings)),
    )


def chat_view(session: Session, settings: Settings, box: str = "", notice: str = "") -> ChatView:
    return (box, _messages(session), session, render.notice(notice),
            *panels(session["turn"], settings))  # fmt: skip


def _run_streaming(
    conversation_id: str, text: str, settings: Settings, owner: str = "local"
) -> Iterator[str | TurnResult]:
    """Yield the reply as it grows, then the TurnResult; re-raise what the turn raised."""
    from coach.chat.conversation import run_turn

    events: queue.Queue[tuple[str, Any]] = queue.Queue()

    def work() -> None:
        try:
            result = run_turn(conversation_id, text, settings, owner=owner,
                              on_token=lambda t: events.put(("token", t)))  # fmt: skip
            events.put(("done", result))
        except BaseException as exc:
            events.put(("error", exc))

    threading.Thread(target=work, name="coach-turn", daemon=True).start()
    reply = ""
    while True:
        kind, value = events.get()
        while kind == "token" and not events.empty():  # send what has piled up at once
            reply += value
            kind, value = events.get()
        if kind == "token":
            reply += value
            yield reply
        elif kind == "error":
            raise value
        else:
            yield value
            return


def chat_turn(
    message: str, session: Session, settings: Settings, owner: str = "local"
) -> Iterator[ChatView]:
    """Stream one coach turn into the page; a bad message leaves the box as it was."""
    from coach.chat.conversation import TurnResult, check_input, new_conversation_id

    message = message or ""
    try:
        text = check_input(message)
    except CoachError as exc:
        yield chat_view(session, settings, box=message, notice=sentence(exc))
        return
    session = {**session, "messages": [*session["messages"], ("user", text)]}
    conversation_id = session["conversation_id"] or new_conversation_id()
    yield chat_view({**session, "messages": [*session["messages"], ("assistant", "…")]}, settings)
    try:
        for item in _run_streaming(conversation_id, text, settings, owner):
            if isinstance(item, TurnResult):
                turn = item.as_json()
                known = [conversation_id] + [k for k in session["known"] if k != conversation_id]
                done = {**session, "conversation_id": conversation_id, "turn": turn,
                        "known": known[:50],
                        "messages": [*session["messages"], ("assistant", item.reply)]}  # fmt: skip
                yield chat_view(done, settings, notice=item.notice or "")
            else:
                partial = {**session, "messages": [*session["messages"], ("assistant", item)]}
                yield chat_view(partial, settings)
    except CoachError as exc:
        session["messages"] = session["messages"][:-1]
        yield chat_view(session, settings, box=message, notice=sentence(exc))
    except Exception as exc:
        session["messages"] = session["messages"][:-1]
        yield chat_view(session, settings, box=message, notice=unexpected(exc, "coaching"))


def new_conversation(session: Session, settings: Settings) -> ChatView:
    fresh = {**new_session(), "known": session["known"], "triage": session["triage"],
             "email": session["email"]}  # fmt: skip
    return chat_view(fresh, settings)


def conversation_choices(
    session: Session, settings: Settings, show_all: bool, owner: str = "local"
) -> list[tuple[str, str]]:
    """(label, id) of the conversations this tab may resume: its own, or all on a private app."""
    from coach.chat.conversation import list_conversations

    mine = set(session["known"])
    out = []
    for info in list_conversations(settings, owner):
        if show_all or info.id in mine:
            when = datetime.fromtimestamp(info.updated).strftime("%d %b %H:%M")
            turns = f"{info.turns} turn" + ("s" if info.turns != 1 else "")
            out.append((f"{info.title[:60]} · {turns} · {when}", info.id))
    return out


def resume_conversation(
    conversation_id: str | None,
    session: Session,
    settings: Settings,
    show_all: bool,
    owner: str = "local",
) -> ChatView:
    """Load a saved conversation: its messages and its case file."""
    from coach.chat.conversation import conversation_exists, history, load_state
    from coach.domain.casefile import CaseFile
    from coach.domain.readiness import warning_codes
    from coach.reading.case import judge

    if not conversation_id:
        return chat_view(session, settings, notice="Pick a conversation to resume first.")
    allowed = show_all or conversation_id in session["known"]
    if not allowed or not conversation_exists(conversation_id, settings, owner):
        return chat_view(session, settings, notice="That conversation is not available here.")
    try:
        state = load_state(conversation_id, settings)
        case = CaseFile.model_validate(state.get("case") or {})
        turn = {
            "conversation_id": conversation_id,
            "case": case.model_dump(),
            "checklist_open": case.open_checklist_items(),
            "recommendation": judge(case).code,
            "citations": list(state.get("turn_citations") or []),
            "warnings": warning_codes(case),
        }
        messages = [("user" if r == "rep" else "assistant", t)
                    for r, t in history(conversation_id, settings)]  # fmt: skip
    except Exception as exc:
        return chat_view(session, settings, notice=unexpected(exc, "loading the conversation"))
    known = [conversation_id] + [k for k in session["known"] if k != conversation_id]
    resumed = {**session, "conversation_id": conversation_id, "turn": turn, "messages": messages,
               "known": known}  # fmt: skip
    return chat_view(resumed, settings)


def start_from_triage(session: Session, settings: Settings, owner: str = "local") -> ChatView:
    """A new conversation whose case starts with what triage read from the email: the sender,
    their company, the problem, what they want, the date and the signals."""
    from coach.chat.conversation import start_from_case
    from coach.reading.case import case_from_triage

    view = new_conversation(session, settings)
    fresh = view[2]
    triage = session.get("triage")
    if not triage:
        return view
    try:
        from coach.triage.models import TriageResult

        result = TriageResult.model_validate(triage) if isinstance(triage, dict) else triage
        case = case_from_triage(session["email"], result)
        title = f"From triage: {case.customer or case.contact_name or 'customer email'}"
        conversation_id = start_from_case(case.model_dump(), title, settings, owner)
    except Exception as exc:  # the email still goes to the coach; the seed is a convenience
        return chat_view(fresh, settings, notice=unexpected(exc, "starting from the triage"))
    known = [conversation_id] + [k for k in fresh["known"] if k != conversation_id]
    return chat_view({**fresh, "conversation_id": conversation_id, "known": known[:50]}, settings)


def seed_from_triage(session: Session) -> tuple[str, str]:
    """The first coach message for "continue in coach", and a notice when there is nothing."""
    triage = session.get("triage")
    if not triage:
        return "", render.notice("Triage an email first, then continue in the coach.")
    # The email alone, plainly introduced: any wording of ours would be read as case facts.
    text = "Here is the customer's email:\n\n" + session["email"][:MAX_SEED_CHARS]
    return text, ""


# --- triage ---------------------------------------------------------------------------------------


def read_upload(path: str | None, allowed: Sequence[str] = EMAIL_TYPES) -> str:
    """The text of an uploaded file, checked for size and type; CoachError says what to do."""
    if not path:
        raise CoachError("no file received; choose a file to upload")
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in allowed:
        raise CoachError(
            f"upload a {', '.join(allowed[:-1])} or {allowed[-1]} file "
            f"(this one is {suffix or 'without an extension'})"
        )
    size = file.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise CoachError(f"the file is {size / 1e6:.1f} MB; the limit is 2 MB (one email or case)")
    from coach.textio import decode_text

    text = decode_text(file.read_bytes(), "the file", legacy=allowed is not CASE_TYPES)
    if suffix == ".json" and allowed is EMAIL_TYPES:
        return _email_from_json(text)
    return text


def _email_from_json(text: str) -> str:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise CoachError("the .json file is not valid JSON") from None
    if isinstance(data, dict):
        for key in ("email", "text", "body", "message"):
            if isinstance(data.get(key), str) and data[key].strip():
                return str(data[key])
    raise CoachError('a .json email needs a text field named "email", "text", "body" or "message"')


def load_email_file(path: str | None, current: str) -> tuple[str, str]:
    """Put an uploaded email into the box; on a bad file keep what was there and say why."""
    try:
        return read_upload(path), ""
    except CoachError as exc:
        return current, render.notice(sentence(exc))
    except Exception as exc:
        return current, render.notice(unexpected(exc, "reading the upload"))


TRIAGE_OUTPUTS = ("card", "reply", "session", "notice")


def triage_email(text: str, session: Session, settings: Settings) -> tuple[str, str, Session, str]:
    """The triage card for the email in the box."""
    from coach.triage.parse import parse

    try:
        result = api_triage(text, settings)
        shown = parse(text).text
    except CoachError as exc:
        return "", "", session, render.notice(sentence(exc))
    except Exception as exc:
        return "", "", session, render.notice(unexpected(exc, "triaging the email"))
    session = {**session, "triage": result, "email": text}
    from coach.settings import active_engine

    card = render.triage_card(result, shown)
    engine_note = "" if result["engine"] != "offline" or active_engine(settings) == "offline" else (
        "The model did not answer; the offline engine triaged this email."
    )  # fmt: skip
    return card, result["reply_draft"], session, render.notice(engine_note, "warn")


def triage_batch(
    path: str | None, column: str, settings: Settings, out_dir: Path, progress: Progress
) -> tuple[str | None, str]:
    """Triage every row of a .csv or .jsonl upload; returns the JSONL path and a summary."""
    from collections import Counter

    from coach.triage.batch import BATCH_CHUNK, read_rows, summary, triage_rows
    from coach.triage.engine import get_engine

    try:
        read_upload(path, BATCH_TYPES)
        if not column.strip():
            raise CoachError("name the column that holds the email text")
        rows = read_rows(Path(str(path)), column.strip())
        engine = get_engine(settings)
        counts: Counter[str] = Counter()
        out = out_dir / (Path(str(path)).stem + ".triage.jsonl")
        started = time.perf_counter()
        with out.open("w", encoding="utf-8") as handle:
            for outcome, record in triage_rows(
                engine,
                rows,
                lambda start, total: progress(
                    start / total,
                    f"Triaging {start + 1}-{min(start + BATCH_CHUNK, total)} of {total}",
                ),
            ):
                counts[outcome] += 1
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        progress(1.0, "Done")
    except CoachError as exc:  # name the upload, not the server's temporary path
        return None, render.notice(sentence(str(exc).replace(str(path), Path(str(path)).name)))
    except Exception as exc:
        return None, render.notice(unexpected(exc, "triaging the batch"))
    seconds = time.perf_counter() - started
    return str(out), render.notice(
        f"Triaged {len(rows)} emails in {seconds:.1f} s: {summary(counts)}.",
        "info",
    )


# --- the brief and drafts --------------------------------------------------------------------------

TEXT_FIELDS = ("customer", "contact", "problem", "customer_wants", "business_impact", "ask",
               "leader_name", "leader_title", "notes")  # fmt: skip
LIST_FIELDS = ("tried", "proposed_next_steps", "authorised_commitments")
CHECK_FIELDS = ("tried_yourself", "root_cause_understood", "communicated_transparently",
                "clear_ask", "right_time", "manager_briefed")  # fmt: skip
FORM_FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, "days_open", "signals", *CHECK_FIELDS)
ANSWERS = {"Yes": True, "No": False, "Not known": None}


def case_to_form(case: dict[str, Any]) -> tuple[Any, ...]:
    """Form values, in FORM_FIELDS order, for a case file (lists become one item a line)."""
    from coach.domain.casefile import CaseFile

    data = CaseFile.model_validate(case).model_dump()
    answer = {v: k for k, v in ANSWERS.items()}
    values: list[Any] = [data[f] for f in TEXT_FIELDS]
    values += ["\n".join(data[f]) for f in LIST_FIELDS]
    values += [data["days_open"], list(data["signals"])]
    values += [answer[data["checklist"][f]] for f in CHECK_FIELDS]
    return tuple(values)


def form_to_case(values: Sequence[Any]) -> CaseFile:
    """A case file from the form; a bad value is a CoachError naming the field."""
    from coach.domain.casefile import CaseFile
    from coach.textio import TOO_LONG_MARK, check_length

    if len(values) != len(FORM_FIELDS):
        raise CoachError(f"the form sent {len(values)} values, expected {len(FORM_FIELDS)}")
    texts = [v for v in values if isinstance(v, str)]
    marked = next((v for v in texts if v.startswith(TOO_LONG_MARK)), None)
    check_length(marked or "".join(texts))  # the whole form, under the one limit
    form = dict(zip(FORM_FIELDS, values, strict=True))
    data: dict[str, Any] = {f: str(form[f] or "") for f in TEXT_FIELDS}
    for f in LIST_FIELDS:
        data[f] = [
            line.strip(" -*\t") for line in str(form[f] or "").splitlines() if line.strip(" -*\t")
        ]
    days = form["days_open"]
    if days not in (None, ""):
        if float(days) != int(float(days)) or int(float(days)) < 0:
            raise CoachError("days open must be a whole number of days, 0 or more")
        data["days_open"] = int(float(days))
    data["signals"] = list(form["signals"] or [])
    data["checklist"] = {f: ANSWERS.get(form[f] or "Not known") for f in CHECK_FIELDS}
    return CaseFile.from_data(data, source="the form")


def current_case(session: Session) -> dict[str, Any] | None:
    """The case to pre-fill the brief with: the conversation's, else one from the last triage."""
    if session.get("turn"):
        return dict(session["turn"]["case"])
    triage = session.get("triage")
    if triage:
        return {
            "customer_wants": triage.get("customer_wants") or "",
            "signals": sorted({s["type"] for s in triage.get("signals") or []}),
            "problem": "; ".join(s["evidence"] for s in triage.get("signals") or [])[:2000],
        }
    return None


def load_case_file(path: str | None) -> tuple[tuple[Any, ...] | None, str]:
    from coach.domain.casefile import CaseFile

    try:
        case = CaseFile.loads(read_upload(path, CASE_TYPES), source="the uploaded case file")
    except CoachError as exc:
        return None, render.notice(sentence(exc))
    return case_to_form(case.model_dump()), ""


DRAFT_TITLES = {"brief": "Brief", "customer": "Customer message", "call-prep": "Call prep",
                "follow-up": "Follow-through"}  # fmt: skip
DRAFT_OUTPUTS = ("readiness", "brief", "brief_findings", "customer", "customer_findings",
                 "call_prep", "call_prep_findings", "follow_up", "follow_up_findings",
                 "download_md", "download_eml", "download_all", "notice")  # fmt: skip


def write_drafts(values: Sequence[Any], settings: Settings, out_dir: Path) -> tuple[Any, ...]:
    """Every draft for the case in the form, with readiness, guardrails and download files."""
    from coach.drafts.export import write_eml, write_markdown
    from coach.drafts.writer import get_writer, write_all
    from coach.reading.case import judge

    empty = ("",) * 9 + (None, None, None)
    try:
        from coach.reading.case import with_signals

        case = with_signals(form_to_case(values))
        if not (case.customer or case.problem):
            raise CoachError("fill in at least the customer and the problem")
        drafts = write_all(case, get_writer(settings))
        ready = judge(case)
        out_dir.mkdir(parents=True, exist_ok=True)
        brief_md = write_markdown(drafts["brief"].markdown, out_dir / "escalation-brief.md")
        eml = write_eml(
            drafts["customer"],
            out_dir / "customer-message.eml",
            case.contact,
            case.contact_email,
            case.contact_name,
        )
        everything = "\n\n---\n\n".join(
            f"# {DRAFT_TITLES[k]}\n\n{d.markdown}" for k, d in drafts.items()
        )
        all_md = write_markdown(everything, out_dir / "escalation-drafts.md")
    except CoachError as exc:
        return (*empty, render.notice(sentence(exc)))
    except Exception as exc:
        return (*empty, render.notice(unexpected(exc, "writing the drafts")))
    out: list[Any] = [
        render.recommendation_card(
            ready.code,
            ready.headline,
            [r.model_dump() for r in ready.reasons],
            ready.first_steps,
            [w.model_dump() for w in ready.warnings],
        )
    ]
    notices = []
    for kind in ("brief", "customer", "call-prep", "follow-up"):
        d = drafts[kind]
        out += [
            d.markdown,
            render.findings(
                [f.model_dump() for f in d.findings],
                d.notice,
                [h.model_dump() for h in d.held_back],
            ),
        ]
        if d.notice:
            notices.append(d.notice)
    out += [str(brief_md), str(eml), str(all_md)]
    return (*out, render.notice(" ".join(dict.fromkeys(notices))))


# --- evals -----------------------------------------------------------------------------------------

CHART_METRICS = (
    ("triage", "decision_accuracy", "Triage decision accuracy"),
    ("retrieval", "hybrid_recall@3", "Retrieval recall@3"),
    ("drafts", "guardrail_recall", "Guardrail findings recall"),
    ("drafts", "guardrail_precision", "Guardrail findings precision"),
    ("chat", "recommendation_accuracy", "Coach recommendation accuracy"),
)


def report_dir(settings: Settings) -> Path:
    return settings.data_dir / "eval-report"


def latest_report_path(settings: Settings) -> Path | None:
    """The newest report.json: the app's own runs, or `coach eval`'s default folder."""
    candidates = [report_dir(settings), Path.cwd() / "eval-report", REPO_ROOT / "eval-report"]
    found = [p / "report.json" for p in candidates if (p / "report.json").is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def report_tables(report: EvalReport) -> tuple[list[list[Any]], list[list[Any]]]:
    from coach.evals.report import fmt, metric_rows, verdict

    summary, metrics = [], []
    for run in report.suites:
        gates = f"{sum(g.passed for g in run.gates)}/{len(run.gates)}" if run.gates else "—"
        cases = run.result.cases if run.result else []
        passed = f"{sum(c.passed for c in cases)}/{len(cases)}" if cases else "—"
        summary.append([run.name, verdict(run), gates, passed, round(run.seconds, 1)])
        # The verdict is the gates' (the thresholds); cases are counted whole, so a suite can
        # pass its gates while some cases miss a detail: the headers say which is which.
        for name, value, gate in metric_rows(run):
            word = "" if gate is None else ("pass" if gate.passed else "FAIL")
            metrics.append([run.name, name, fmt(value), gate.threshold if gate else "", word])
    return summary, metrics


def history_chart(settings: Settings) -> str:
    """The charted metrics of every recorded eval run, oldest first, as an SVG chart."""
    from coach.evals.runner import load_history

    entries = load_history(settings)[-30:]
    runs = [e.timestamp.astimezone().strftime("%d %b %H:%M") for e in entries]
    series: dict[str, list[float | None]] = {}
    for suite, metric, label in CHART_METRICS:
        values = [e.suites.get(suite, {}).get(metric) for e in entries]
        if any(v is not None for v in values):
            series[label] = [None if v is None else float(v) for v in values]
    return render.metric_chart(runs, series)


def eval_view(settings: Settings) -> tuple[str, list[list[Any]], list[list[Any]], str, Any]:
    """Status line, summary table, metrics table, history chart and the report's download for
    the Evals tab."""
    from coach.evals.runner import load_report

    chart = history_chart(settings)
    path = latest_report_path(settings)
    if path is None:
        return ("No eval report yet: press **Run offline evals** (a few minutes on a laptop), or "
                "run `make eval`.", [], [], chart, None)  # fmt: skip
    try:
        report = load_report(path)
    except CoachError as exc:
        return f"Could not read {path.name}: {exc}", [], [], chart, None
    summary, metrics = report_tables(report)
    when = report.timestamp.astimezone().strftime("%d %b %Y %H:%M")
    gates = [g for run in report.suites for g in run.gates]
    held = sum(g.passed for g in gates)
    verdict = "PASS" if report.passed else "FAIL"
    commit = (report.commit or "unknown")[:10]
    status = (f"**Last run: {verdict}** ({held} of {len(gates)} gates held) · {report.engine} "
              f"engine · {when} · {report.seconds:.0f} s · commit {commit} · report files in "
              f"`{path.parent}`")  # fmt: skip
    download = None
    markdown = path.with_name("report.md")
    if markdown.is_file():  # a copy the browser may fetch
        download = session_dir() / "eval-report.md"
        shutil.copyfile(markdown, download)
    return status, summary, metrics, chart, download


def expected_seconds(settings: Settings) -> dict[str, float]:
    """How long each suite took in the last report (the estimate for the next run)."""
    from coach.evals.runner import load_report

    path = latest_report_path(settings)
    if path is None:
        return {}
    try:
        report = load_report(path)
    except CoachError:
        return {}
    return {run.name: run.seconds for run in report.suites if run.seconds > 0}


def run_offline_evals(settings: Settings, progress: Progress) -> EvalReport:
    """Every available suite with the offline engine, one at a time so progress can be shown;
    writes report.json/md and appends the history, like `coach eval`."""
    from coach.evals.report import write_reports
    from coach.evals.runner import (
        SUITES,
        EvalReport,
        SuiteRun,
        append_history,
        git_commit,
        load_thresholds,
        resolve_suite,
        run_evals,
    )

    gates_file = settings.evals_dir / "thresholds.yaml"
    gates = load_thresholds(gates_file)
    started = datetime.now().astimezone()
    t0 = time.perf_counter()
    runs: list[SuiteRun] = []
    names = list(SUITES)
    # One bar, moved by time: each suite weighs what it took last run (a minute when unknown).
    last = expected_seconds(settings)
    weights = [last.get(name, 60.0) for name in names]
    total = sum(weights)
    for i, name in enumerate(names):
        left = sum(weights[i:])
        progress(sum(weights[:i]) / total,
                 f"Running the {name} suite ({i + 1} of {len(names)}), "
                 f"about {_duration(left)} left")  # fmt: skip
        try:
            resolve_suite(name)
        except Exception as exc:
            runs.append(SuiteRun(name=name, status="skipped", reason=str(exc)))
            continue
        runs += run_evals(settings, name, "offline", gates, gates_file).suites
    progress(1.0, "Writing the report")
    report = EvalReport(engine="offline", timestamp=started, commit=git_commit(),
                        thresholds_file=str(gates_file), seconds=time.perf_counter() - t0,
                        suites=runs)  # fmt: skip
    write_reports(report, report_dir(settings))
    append_history(settings, report)
    return report


def _duration(seconds: float) -> str:
    seconds = max(seconds, 1.0)
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def rebuild_index(
    settings: Settings, progress: Callable[[Iterable[Any], int, str], Iterable[Any]]
) -> str:
    """Re-embed the playbook from scratch and swap the new index in."""
    from coach.playbook.retrieval import build_index, get_retriever

    try:
        _, report = build_index(settings, rebuild=True, progress=progress)
        retriever = get_retriever(settings, refresh=True)
    except CoachError as exc:
        return render.notice(sentence(exc))
    except Exception as exc:
        return render.notice(unexpected(exc, "rebuilding the index"))
    return render.notice(
        f"Index rebuilt: {len(retriever.passages)} passages ({report.summary()}).", "info"
    )


def session_dir() -> Path:
    """A private folder for one request's download files."""
    return Path(tempfile.mkdtemp(prefix="coach-ui-"))
