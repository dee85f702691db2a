"""The Gradio page: Coach, Triage, Brief and Evals tabs, plus the `chat`, `triage` and `brief` API
endpoints. Layout and wiring only; what happens lives in `coach.ui.handlers`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.settings import Settings, get_settings, require_writable
from coach.textio import MAX_FILE_BYTES, MAX_TEXT_CHARS

log = logging.getLogger(__name__)
CSS_PATH = Path(__file__).with_name("style.css")
CHAT_CONCURRENCY = 4


def _request_aware(fn: Any) -> Any:
    """Let Gradio pass the request (who is signed in) to `fn`: this module's annotations are
    strings naming local imports, which Gradio cannot resolve, so they are resolved here (the
    request's, and the plain types an API endpoint must declare)."""
    import gradio as gr

    plain = {"str": str, "dict[str, Any]": dict[str, Any], "Any": Any}
    resolved: dict[str, Any] = {}
    for name, hint in fn.__annotations__.items():
        if "gr.Request" in str(hint):
            resolved[name] = gr.Request
        elif str(hint) in plain:
            resolved[name] = plain[str(hint)]
    fn.__annotations__ = resolved
    return fn


def _api(settings: Settings) -> tuple[Any, Any, Any]:
    """The three API functions, with bad input turned into a readable gradio error."""
    import gradio as gr

    from coach.ui import handlers

    def guard(what: str, call: Any) -> dict[str, Any]:
        try:
            return call()
        except CoachError as exc:
            raise gr.Error(handlers.sentence(exc), print_exception=False) from None
        except Exception as exc:
            raise gr.Error(handlers.unexpected(exc, what), print_exception=False) from None

    @_request_aware
    def chat(
        message: str, conversation_id: str = "", request: gr.Request | None = None
    ) -> dict[str, Any]:
        """One coach turn. Leave conversation_id empty to start a conversation; pass the returned
        conversation_id to continue it. Returns what `coach chat --json` prints for the turn.
        With a login, only the signed-in user's own conversations can be continued."""
        owner = handlers.owner_of(request, settings)
        return guard(
            "coaching", lambda: handlers.api_chat(message, conversation_id, settings, owner)
        )

    def triage(email: str) -> dict[str, Any]:
        """Triage a customer email (plain text, HTML or .eml source). Returns what
        `coach triage --json` prints."""
        return guard("triaging", lambda: handlers.api_triage(email, settings))

    def brief(case_json: str) -> dict[str, Any]:
        """The brief to the manager from a case file (JSON text). Returns what
        `coach brief --json` prints: {"markdown": ..., "warnings": [...]}."""
        return guard("writing the brief", lambda: handlers.api_brief(case_json, settings))

    return chat, triage, brief


# The one size limit, checked in the browser before anything is sent: over the limit, the text
# stays where the rep typed it and only a mark with its length goes to the server, which answers
# with a readable notice (coach.textio: the same limit is enforced there). An email's source with
# attachments may be up to the file limit.
SIZE_GUARD_JS = (
    "(...args) => {"
    f" const limit = {MAX_TEXT_CHARS}, fileLimit = {MAX_FILE_BYTES};"
    " const texts = args.filter((a) => typeof a === 'string');"
    " const total = texts.reduce((n, t) => n + t.length, 0);"
    " const head = texts.length ? texts[0].slice(0, 20000) : '';"
    " const source = /^(?:[\\w-]+:[^\\n]*\\n)+/.test(head) && /content-type:/i.test(head);"
    " if (total <= limit || (source && total <= fileLimit)) return args;"
    " let marked = false;"
    " return args.map((a) => typeof a !== 'string' ? a"
    "   : (marked ? '' : ((marked = true), '\\u0000coach-too-long:' + total)));"
    "}"
)


def scroll_to(elem_id: str) -> str:
    """Browser code that brings a new result into view (a notice, if one was shown instead)."""
    return (
        "() => { const notice = document.querySelector('.coach-notice.tone-warn, "
        ".coach-notice.tone-danger');"
        f" const target = document.getElementById('{elem_id}');"
        " const el = notice && notice.offsetParent !== null ? notice : target;"
        " if (el) el.scrollIntoView({behavior: 'smooth', block: 'start'}); }"
    )


def build_app(settings: Settings | None = None, private: bool = True) -> Any:
    """The Blocks app. `private` (loopback, no login): every saved conversation may be resumed;
    otherwise a browser sees only the conversations it started."""
    import gradio as gr

    from coach.llm.models import describe_model
    from coach.ui import handlers, render

    settings = settings or get_settings()
    engine = "offline" if describe_model(settings).startswith("offline") else "model"
    if settings.retention_days:
        from coach.chat.conversation import apply_retention

        apply_retention(settings, settings.retention_days)

    with gr.Blocks(title="Escalation Coach") as demo:
        session = gr.State(handlers.new_session())
        known = gr.BrowserState([], storage_key="escalation-coach-conversations")
        with gr.Row(elem_classes="coach-header"):
            gr.HTML(
                '<div class="coach-title"><h1>Escalation Coach</h1>'
                "<p>Calm, playbook-backed help when a customer is upset.</p></div>"
                + render.mode_banner(describe_model(settings), engine)
            )
            who = gr.HTML(elem_classes="coach-who-slot")

        with gr.Tabs(selected="coach") as tabs:
            # --- Coach ---------------------------------------------------------------------
            with gr.Tab("Coach", id="coach"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    chat_notice = gr.HTML(elem_classes="coach-notice-slot", elem_id="coach-notice")
                    chatbot = gr.Chatbot(
                        height=460,
                        show_label=False,
                        buttons=["copy"],
                        elem_id="coach-chat",
                        placeholder=(
                            "### Tell me what's going on\nDescribe the situation in your own "
                            "words, or paste the customer's email. I'll ask what I need, "
                            "tell you whether to escalate, and help you write the brief."
                        ),
                    )
                    with gr.Row(equal_height=False):
                        box = gr.Textbox(
                            show_label=False,
                            placeholder="What is happening with the customer?",
                            lines=1,
                            max_lines=10,
                            scale=6,
                            autofocus=True,
                            elem_id="coach-input",
                        )
                        send = gr.Button("Send", variant="primary", scale=1, min_width=90)
                        new_btn = gr.Button("New", scale=1, min_width=80, elem_id="coach-new")
                    gr.Examples(
                        [[p] for p in handlers.EXAMPLE_PROMPTS],
                        inputs=box,
                        label="Not sure how to start? Try one",
                    )
                    with (
                        gr.Accordion("Past conversations", open=False),
                        gr.Row(equal_height=True),
                    ):
                        past = gr.Dropdown(
                            choices=[],
                            value=None,
                            label="Past conversations",
                            show_label=False,
                            container=False,
                            scale=4,
                            elem_id="coach-past",
                        )
                        resume_btn = gr.Button("Resume", size="md", scale=1, min_width=90)
                with gr.Column(scale=2, min_width=320, elem_classes="coach-side"):
                    rec_html = gr.HTML()
                    checklist_html = gr.HTML()
                    case_html = gr.HTML()
                    passages_html = gr.HTML()

            # --- Triage --------------------------------------------------------------------
            with gr.Tab("Triage", id="triage"), gr.Row(equal_height=False):
                with gr.Column(scale=2, min_width=360):
                    email = gr.Textbox(
                        label="Customer email",
                        placeholder="Paste the email here (headers and quoted replies are fine)",
                        lines=12,
                        max_lines=24,
                        elem_id="triage-email",
                    )
                    with gr.Row():
                        upload = gr.UploadButton(
                            "Upload .eml / .txt / .html / .json",
                            file_types=list(handlers.EMAIL_TYPES),
                            size="md",
                        )
                        triage_btn = gr.Button("Triage", variant="primary", elem_id="triage-btn")
                    triage_notice = gr.HTML(elem_id="triage-notice")
                    gr.Examples([[handlers.EXAMPLE_EMAIL]], inputs=email, label="Example email")
                    with gr.Accordion("Triage many emails (.csv or .jsonl)", open=False):
                        batch_file = gr.File(
                            file_types=list(handlers.BATCH_TYPES), label="Emails file"
                        )
                        batch_column = gr.Textbox(value="text", label="Column with the email text")
                        batch_btn = gr.Button("Triage all")
                        batch_notice = gr.HTML()
                        batch_out = gr.File(label="Results (JSONL)", interactive=False)
                with gr.Column(scale=3, min_width=420):
                    card = gr.HTML(
                        '<div class="coach-card coach-empty">The triage card appears here: '
                        "escalate or not, how urgent, and the evidence in the email.</div>",
                        elem_id="triage-card",
                    )
                    reply = gr.Textbox(
                        label="Reply draft (edit before sending)",
                        lines=8,
                        max_lines=20,
                        buttons=["copy"],
                        elem_id="triage-reply",
                    )
                    continue_btn = gr.Button(
                        "Continue in the coach with this case →", interactive=False
                    )

            # --- Brief ---------------------------------------------------------------------
            with gr.Tab("Brief", id="brief") as brief_tab:
                brief_notice = gr.HTML()
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2, min_width=360):
                        with gr.Row():
                            fill_btn = gr.Button("Fill from the conversation", size="sm")
                            case_upload = gr.UploadButton(
                                "Load a case .json", file_types=[".json"], size="sm"
                            )
                        form = _case_form(gr)
                        write_btn = gr.Button(
                            "Write the brief and drafts", variant="primary", elem_id="brief-write"
                        )
                    with gr.Column(scale=3, min_width=420):
                        readiness_html = gr.HTML(
                            '<div class="coach-card coach-empty">Fill in the case, then write the '
                            "brief. Readiness warnings and guardrail findings appear here.</div>",
                            elem_id="brief-result",
                        )
                        draft_parts: list[Any] = []
                        with gr.Tabs():
                            for kind, title in handlers.DRAFT_TITLES.items():
                                with gr.Tab(title):
                                    text = gr.Markdown(
                                        buttons=["copy"],
                                        elem_classes="coach-draft",
                                        elem_id=f"draft-{kind}",
                                    )
                                    found = gr.HTML()
                                    draft_parts += [text, found]
                        with gr.Row():
                            dl_md = gr.DownloadButton(
                                "⬇ Brief (.md)", elem_id="dl-brief", interactive=False
                            )
                            dl_eml = gr.DownloadButton(
                                "⬇ Customer message (.eml)", elem_id="dl-eml", interactive=False
                            )
                            dl_all = gr.DownloadButton(
                                "⬇ All drafts (.md)", elem_id="dl-all", interactive=False
                            )

            # --- Evals ---------------------------------------------------------------------
            with gr.Tab("Evals", id="evals") as evals_tab:
                eval_status = gr.Markdown()
                with gr.Row():
                    run_btn = gr.Button(
                        "Run offline evals", variant="primary", scale=0, min_width=200
                    )
                    refresh_btn = gr.Button("Refresh", scale=0, min_width=120)
                    report_dl = gr.DownloadButton(
                        "⬇ Report (.md)",
                        scale=0,
                        min_width=160,
                        elem_id="dl-report",
                        interactive=False,
                    )
                eval_plot = gr.HTML(elem_id="eval-chart")
                summary_df = gr.Dataframe(
                    headers=[
                        "suite",
                        "verdict (gates)",
                        "gates held",
                        "cases fully right",
                        "seconds",
                    ],
                    label="Last report: suites",
                    interactive=False,
                    wrap=True,
                    elem_classes="coach-table",
                )
                metrics_df = gr.Dataframe(
                    headers=["suite", "metric", "value", "threshold", "verdict"],
                    label="Last report: metrics",
                    interactive=False,
                    max_height=420,
                    wrap=True,
                    elem_classes="coach-table",
                )
                with gr.Accordion("Playbook index", open=False):
                    gr.Markdown("Re-embed the playbook in `knowledge/` after you edit it.")
                    index_btn = gr.Button("Rebuild the index", scale=0)
                    index_notice = gr.HTML()

        # --- wiring ------------------------------------------------------------------------
        chat_outputs = [box, chatbot, session, chat_notice, rec_html, checklist_html, case_html,
                        passages_html]  # fmt: skip
        private_event: dict[str, Any] = {"api_visibility": "private"}

        @_request_aware
        def chat_fn(message: str, sess: handlers.Session, request: gr.Request) -> Any:
            note = handlers.too_long_notice(message)
            if note:  # the browser kept the text and sent only its length
                yield (gr.skip(), gr.skip(), sess, note, *[gr.skip()] * 4)
                return
            yield from handlers.chat_turn(
                message, sess, settings, handlers.owner_of(request, settings)
            )

        @_request_aware
        def refresh_past(sess: handlers.Session, request: gr.Request) -> Any:
            owner = handlers.owner_of(request, settings)
            return gr.Dropdown(
                choices=handlers.conversation_choices(sess, settings, private, owner)
            )

        def remember(sess: handlers.Session) -> list[str]:
            return list(sess["known"])

        chat_event: dict[str, Any] = {
            **private_event,
            "concurrency_limit": CHAT_CONCURRENCY,
            "concurrency_id": "chat",
        }
        for trigger in (send.click, box.submit):
            trigger(chat_fn, [box, session], chat_outputs, js=SIZE_GUARD_JS, **chat_event).then(
                refresh_past, session, past, **private_event
            ).then(remember, session, known, **private_event)

        new_btn.click(lambda s: handlers.new_conversation(s, settings), session, chat_outputs,
                      **private_event)  # fmt: skip

        @_request_aware
        def resume_fn(cid: str | None, sess: handlers.Session, request: gr.Request) -> Any:
            owner = handlers.owner_of(request, settings)
            return handlers.resume_conversation(cid, sess, settings, private, owner)

        resume_btn.click(
            resume_fn,
            [past, session],
            chat_outputs,
            **private_event,
        ).then(remember, session, known, **private_event)

        @_request_aware
        def on_load(ids: list[str] | None, sess: handlers.Session, request: gr.Request) -> Any:
            sess = {**sess, "known": [i for i in ids or [] if isinstance(i, str)][:50]}
            owner = handlers.owner_of(request, settings)
            view = handlers.chat_view(sess, settings)
            if sess["known"]:  # a refresh returns the rep to the conversation they had open
                from coach.chat.conversation import conversation_exists

                last = sess["known"][0]
                if conversation_exists(last, settings, owner):
                    view = handlers.resume_conversation(last, sess, settings, True, owner)
            sess = view[2]
            signed_in = bool(getattr(request, "username", None))
            return (sess, view[1], refresh_past(sess, request), *view[4:],
                    handlers.who_html(owner, signed_in),
                    gr.Tab(visible=handlers.is_admin(owner, settings)))  # fmt: skip

        demo.load(on_load, [known, session],
                  [session, chatbot, past, rec_html, checklist_html, case_html, passages_html,
                   who, evals_tab],
                  **private_event)  # fmt: skip

        # Triage
        def triage_fn(text: str, sess: handlers.Session) -> Any:
            refused = handlers.too_long_notice(text)
            if refused:
                return gr.skip(), gr.skip(), sess, refused, gr.skip()
            card_html, reply_text, sess, note = handlers.triage_email(text, sess, settings)
            if not card_html:  # bad input: keep the last card and reply
                return gr.skip(), gr.skip(), sess, note, gr.skip()
            return card_html, reply_text, sess, note, gr.Button(interactive=True)

        triage_outputs = [card, reply, session, triage_notice, continue_btn]
        triage_btn.click(triage_fn, [email, session], triage_outputs, js=SIZE_GUARD_JS,
                         **private_event).then(None, js=scroll_to("triage-card"))  # fmt: skip

        def upload_fn(path: str | None, current: str, sess: handlers.Session) -> Any:
            text, note = handlers.load_email_file(path, current)
            if note:
                return current, gr.skip(), gr.skip(), sess, note, gr.skip()
            return (text, *triage_fn(text, sess))

        upload.upload(upload_fn, [upload, email, session], [email, *triage_outputs],
                      **private_event).then(None, js=scroll_to("triage-card"))  # fmt: skip

        def batch_fn(path: str | None, column: str, progress: Any = gr.Progress()) -> Any:  # noqa: B008
            out, note = handlers.triage_batch(
                path, column, settings, handlers.session_dir(),
                lambda f, d: progress(f, desc=d),
            )  # fmt: skip
            return out, note

        batch_btn.click(batch_fn, [batch_file, batch_column], [batch_out, batch_notice],
                        **private_event)  # fmt: skip

        @_request_aware
        def continue_fn(sess: handlers.Session, request: gr.Request) -> Any:
            seed, _ = handlers.seed_from_triage(sess)
            if not seed:
                raise gr.Error("Triage an email first, then continue in the coach.",
                               print_exception=False)  # fmt: skip
            view = handlers.start_from_triage(sess, settings, handlers.owner_of(request, settings))
            return (gr.Tabs(selected="coach"), seed, "", *view[1:])

        continue_btn.click(
            continue_fn,
            session,
            [tabs, box, triage_notice, *chat_outputs[1:]],
            **private_event,
        ).success(chat_fn, [box, session], chat_outputs, **chat_event).then(
            refresh_past, session, past, **private_event
        ).then(remember, session, known, **private_event)

        # Brief
        def fill_fn(sess: handlers.Session) -> Any:
            case = handlers.current_case(sess)
            if case is None:
                note = render.notice("No case yet: talk to the coach or triage an email first.")
                return (*[gr.skip()] * len(form), note)
            return (*handlers.case_to_form(case), "")

        fill_btn.click(fill_fn, session, [*form, brief_notice], **private_event)

        def prefill_fn(sess: handlers.Session, customer: str, problem: str) -> Any:
            if customer or problem or handlers.current_case(sess) is None:
                return (*[gr.skip()] * len(form), gr.skip())
            return fill_fn(sess)

        brief_tab.select(prefill_fn, [session, form[0], form[2]], [*form, brief_notice],
                         **private_event)  # fmt: skip

        def case_upload_fn(path: str | None) -> Any:
            values, note = handlers.load_case_file(path)
            if values is None:
                return (*[gr.skip()] * len(form), note)
            return (*values, "")

        case_upload.upload(case_upload_fn, case_upload, [*form, brief_notice], **private_event)

        def write_fn(*values: Any) -> Any:
            *parts, md_path, eml_path, all_path, note = handlers.write_drafts(
                values, settings, handlers.session_dir()
            )
            # A download is offered once there is something to download (never a dead button).
            downloads = [gr.DownloadButton(value=p, interactive=p is not None)
                         for p in (md_path, eml_path, all_path)]  # fmt: skip
            return (*parts, *downloads, note)

        write_btn.click(
            write_fn,
            form,
            [readiness_html, *draft_parts, dl_md, dl_eml, dl_all, brief_notice],
            js=SIZE_GUARD_JS,
            **private_event,
        ).then(None, js=scroll_to("brief-result"))

        # Evals
        def admin_only(request: Any) -> None:
            if not handlers.is_admin(handlers.owner_of(request, settings), settings):
                raise gr.Error("The Evals tab is for whoever maintains the playbook.",
                               print_exception=False)  # fmt: skip

        @_request_aware
        def eval_fn(request: gr.Request) -> Any:
            admin_only(request)
            return _with_download(handlers.eval_view(settings))

        def _with_download(view: tuple[Any, ...]) -> tuple[Any, ...]:
            *rest, path = view
            return (*rest, gr.DownloadButton(value=path, interactive=path is not None))

        eval_outputs = [eval_status, summary_df, metrics_df, eval_plot, report_dl]
        evals_tab.select(eval_fn, None, eval_outputs, **private_event)
        refresh_btn.click(eval_fn, None, eval_outputs, **private_event)

        @_request_aware
        def run_fn(request: gr.Request, progress: Any = gr.Progress()) -> Any:  # noqa: B008
            admin_only(request)
            try:
                handlers.run_offline_evals(settings, lambda f, d: progress(f, desc=d))
            except CoachError as exc:
                _, *rest = _with_download(handlers.eval_view(settings))
                return (f"**Could not run the evals:** {exc}", *rest)
            except Exception as exc:
                _status, *rest = _with_download(handlers.eval_view(settings))
                return (handlers.unexpected(exc, "running the evals"), *rest)
            return _with_download(handlers.eval_view(settings))

        run_btn.click(run_fn, None, eval_outputs, concurrency_limit=1, concurrency_id="evals",
                      show_progress_on=[eval_status], **private_event)  # fmt: skip

        @_request_aware
        def index_fn(request: gr.Request, progress: Any = gr.Progress()) -> Any:  # noqa: B008
            admin_only(request)
            return handlers.rebuild_index(
                settings, lambda it, total, desc: progress.tqdm(it, total=total, desc=desc)
            )

        index_btn.click(index_fn, None, index_notice, concurrency_limit=1, **private_event)

        # The API for other tools.
        chat_api, triage_api, brief_api = _api(settings)
        gr.api(chat_api, api_name="chat", concurrency_limit=CHAT_CONCURRENCY,
               concurrency_id="chat")  # fmt: skip
        gr.api(triage_api, api_name="triage", concurrency_limit=CHAT_CONCURRENCY)
        gr.api(brief_api, api_name="brief", concurrency_limit=CHAT_CONCURRENCY)
    return demo


def _case_form(gr: Any) -> list[Any]:
    """The case-file form, in `handlers.FORM_FIELDS` order."""
    from coach.domain.casefile import CHECKLIST_QUESTIONS
    from coach.domain.signals import table
    from coach.ui.handlers import ANSWERS

    lines = {"lines": 2, "max_lines": 8}
    with gr.Row():
        customer = gr.Textbox(label="Customer", elem_id="case-customer")
        contact = gr.Textbox(label="Contact (name <email>)")
    problem = gr.Textbox(label="Problem", **lines, elem_id="case-problem")
    wants = gr.Textbox(label="What the customer wants", **lines)
    impact = gr.Textbox(label="Business impact", **lines)
    ask = gr.Textbox(label="Your ask for leadership", **lines)
    tried = gr.Textbox(label="What you tried (one a line)", **lines)
    steps = gr.Textbox(label="Proposed next steps (one a line)", **lines)
    checks = []
    with gr.Accordion("Pre-escalation checklist", open=True):
        for item, question in CHECKLIST_QUESTIONS.items():
            checks.append(
                gr.Radio(list(ANSWERS), value="Not known", label=question, elem_id=f"check-{item}")
            )
    with gr.Accordion("More: leader, commitments, timing", open=False):
        with gr.Row():
            leader = gr.Textbox(label="Leader's name")
            title = gr.Textbox(label="Leader's title")
        commitments = gr.Textbox(label="What you may promise (one a line)", **lines)
        days = gr.Number(label="Days since the customer raised it", precision=0, minimum=0)
        signals = gr.Dropdown(
            [(s.label, name) for name, s in table().items()],
            multiselect=True,
            label="Signals",
        )
        notes = gr.Textbox(label="Notes", **lines)
    # FORM_FIELDS: TEXT_FIELDS, LIST_FIELDS, days_open, signals, CHECK_FIELDS
    return [customer, contact, problem, wants, impact, ask, leader, title, notes,
            tried, steps, commitments, days, signals, *checks]  # fmt: skip


def warm_up(settings: Settings) -> None:
    """Build the index, load the triage models and the chat's agent stack and case reader in the
    background, so the first request is fast while the page is already served."""
    try:
        from coach.playbook.retrieval import get_retriever
        from coach.triage.engine import OfflineTriageEngine

        retriever = get_retriever(settings)
        OfflineTriageEngine(settings, retriever).triage("Warm-up: the customer is unhappy.")
    except Exception:
        log.exception("warm-up failed; the first request will build what it needs")
    try:
        # The first chat turn would otherwise import LangChain's agent stack (about 0.75 s) and
        # load the case reader's model (about 0.3 s) while the rep waits.
        import coach.chat.agent  # noqa: F401
        from coach.chat.extract import understand
        from coach.domain.casefile import CaseFile

        understand("Acme's CTO is upset that the export broke again.", CaseFile())
    except Exception:
        log.exception("chat warm-up failed; the first chat turn will load what it needs")


def theme() -> Any:
    import gradio as gr

    return gr.themes.Default(primary_hue="indigo", secondary_hue="slate", neutral_hue="slate")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    try:
        settings = get_settings()
    except CoachError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    parser = argparse.ArgumentParser(description="Serve the Escalation Coach web app.")
    parser.add_argument("--host", default=settings.host, help="default 127.0.0.1 (COACH_HOST)")
    parser.add_argument("--port", type=int, default=settings.port, help="default 7860 (COACH_PORT)")
    parser.add_argument("--auth-file", default=None,
                        help="file of user:password lines (COACH_AUTH_FILE)")  # fmt: skip
    parser.add_argument("--no-auth", action="store_true",
                        help="serve a non-loopback host without a login")  # fmt: skip
    args = parser.parse_args(argv)
    from coach.ui.auth import is_loopback, require_trusted_proxy, resolve_auth

    try:
        require_trusted_proxy(settings)
        auth_file = args.auth_file or (str(settings.auth_file) if settings.auth_file else None)
        auth = resolve_auth(args.host, args.no_auth, settings.auth or "", auth_file or "")
        if not 0 < args.port < 65536:
            raise CoachError(f"--port {args.port} is not a port number (1-65535)")
        if settings.database_url:  # a team's database: reachable and set up before serving
            from coach.storage import database

            database(settings)
        else:  # conversations are saved there: a read-only folder is one line, not a traceback
            require_writable(settings.data_dir)
        if not settings.chroma_url:
            require_writable(settings.index_dir, "the index folder")
    except CoachError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if auth is None and not is_loopback(args.host):
        print(f"coach: serving on {args.host} without a login (--no-auth)", file=sys.stderr)
    demo = build_app(settings, private=is_loopback(args.host) and auth is None)
    threading.Thread(target=warm_up, args=(settings,), name="warm-up", daemon=True).start()
    try:
        launch(demo, args.host, args.port, auth, settings=settings)
    except OSError as exc:
        print(
            f"coach: cannot serve on {args.host}:{args.port} ({exc}); try --port", file=sys.stderr
        )
        raise SystemExit(2) from None


def launch(
    demo: Any,
    host: str,
    port: int,
    auth: Any = None,
    settings: Settings | None = None,
    **kwargs: Any,
) -> Any:
    """Launch with the project's safe options (also used by tests and the load test). Given
    settings, failed logins are counted in the database (shared by a team's processes)."""
    from starlette.middleware import Middleware

    from coach.ui.auth import LoginThrottle, TrustedProxies, gradio_auth

    trust = settings or get_settings()
    # Uvicorn, under Gradio, would take the client's address from X-Forwarded-For for the peers in
    # FORWARDED_ALLOW_IPS (loopback unless set) before any middleware sees the peer. Trust none
    # there: TrustedProxies, first in line, reads the real peer and trusts only
    # COACH_TRUSTED_PROXIES, for the client's address and for COACH_TRUSTED_USER_HEADER alike.
    os.environ["FORWARDED_ALLOW_IPS"] = ""
    demo.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    if isinstance(auth, list):  # user:password pairs, plain or hashed
        auth = gradio_auth(auth, settings=settings)
    middleware = [
        Middleware(
            TrustedProxies,
            proxies=trust.trusted_proxies,
            user_header=trust.trusted_user_header,
        )
    ]
    if auth is not None:  # a throttle per client address on top of the lock per login
        middleware.append(Middleware(LoginThrottle))
    app_kwargs = dict(kwargs.pop("app_kwargs", None) or {})
    app_kwargs["middleware"] = [*middleware, *app_kwargs.get("middleware", [])]
    kwargs["app_kwargs"] = app_kwargs
    return demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        auth_message="Escalation Coach: sign in with the login your team set up.",
        max_file_size="2mb",
        ssr_mode=False,
        show_error=False,
        footer_links=["api", "settings"],
        theme=theme(),
        css_paths=[CSS_PATH] if CSS_PATH.is_file() else None,
        **kwargs,
    )
