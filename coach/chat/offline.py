"""The offline engine as a chat model: rules decide the next tool call, templates write the answer.

It runs the same agent graph and tools as a real model. The agent's middleware hands it the
conversation's state (`with_state`); this turn's tool results come from the messages. So it is
deterministic: the same conversation always gets the same answers.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolCall,
    ToolMessage,
)
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from coach.chat.extract import Understanding, pasted_text, understand
from coach.chat.tools import CORRECTION_LABELS
from coach.domain.casefile import CaseFile
from coach.domain.signals import escalating
from coach.settings import Settings

_ids = itertools.count(1)
# What the rep reads for each case field and checklist item ("Got it: the contact, their title").
FIELD_LABELS = {
    "customer": "the customer",
    "contact": "the contact",
    "contact_name": "the contact",
    "contact_title": "their title",
    "contact_email": "their email",
    "manager_name": "your manager",
    "problem": "the problem",
    "customer_wants": "what they want",
    "tried": "what you tried",
    "business_impact": "what is at stake",
    "deadline": "the date that matters",
    "ask": "your ask",
    "proposed_next_steps": "next steps",
    "tried_yourself": "what you tried",
    "root_cause_understood": "the root cause",
    "communicated_transparently": "what you told the customer",
    "clear_ask": "your ask",
    "right_time": "the timing",
    "manager_briefed": "whether your manager knows",
    "days_open": "how long it has run",
    "leader_name": "the leader to bring in",
    "leader_title": "the leader's title",
    "authorised_commitments": "what you may offer",
    "signals": "how serious it is",
    "notes": "your notes",
}
# The first words of a turn that records facts, taken in turn so replies do not all open alike.
NOTED_OPENERS = ("Noted", "Got it", "Added to the case", "Thanks, I have added")
ESCALATION_QUESTION = re.compile(
    r"\b(?:should\s+i|do\s+i\s+need\s+to|is\s+it\s+time\s+to|when\s+(?:should|do)\s+i)\s+escalate\b",
    re.IGNORECASE,
)

READ_CHARS = 6_000  # a rep message; a pasted email goes to triage, which reads 30,000


def _call(name: str, **args: Any) -> AIMessage:
    call = ToolCall(name=name, args=args, id=f"offline_{next(_ids)}", type="tool_call")
    return AIMessage(content="", tool_calls=[call])


def _tool_args(u: Understanding, case: CaseFile | None = None) -> dict[str, Any]:
    args = {k: v for k, v in u.update.items() if k != "checklist"}
    args.update(u.update.get("checklist", {}))
    if u.signals:
        args["signals"] = u.signals
    replace = set(u.replace)
    if u.withdrawn:
        # "he called back and said forget the escalation": what they took back no longer holds;
        # what the same message says now ("forget the cancellation, but we want a credit") does
        args["signals"] = u.signals
        args["withdrawn"] = [s for s in escalating() if s not in u.signals]
        replace.add("signals")
    elif u.denied:
        # "sorry, she didn't say cancel": only what the rep says was never said goes
        held = case.signals if case is not None else []
        args["signals"] = [s for s in dict.fromkeys([*held, *u.signals]) if s not in u.denied]
        args["withdrawn"] = list(u.denied)
        replace.add("signals")
    if replace:
        args["replace"] = sorted(replace)
    return args


def case_summary(case: CaseFile) -> str:
    """The case file as a short markdown list; unknowns said plainly."""
    from coach.domain.casefile import CHECKLIST_QUESTIONS

    def show(value: Any) -> str:
        if isinstance(value, list):
            return "; ".join(value) if value else "not known yet"
        return str(value) if value not in ("", None) else "not known yet"

    lines = [
        f"- Customer: {show(case.customer)}"
        + (f" (contact: {case.contact})" if case.contact else ""),
        f"- Problem: {show(case.problem)}",
        f"- What they want: {show(case.customer_wants)}",
        f"- Tried so far: {show(case.tried)}",
        f"- Business impact: {show(case.business_impact)}",
        f"- Your ask: {show(case.ask)}",
        f"- Proposed next steps: {show(case.proposed_next_steps)}",
    ]
    if case.days_open is not None:
        lines.append(f"- Open for: {case.days_open} day(s)")
    if case.signals:
        lines.append("- Situation: " + ", ".join(s.replace("_", " ") for s in case.signals))
    answers = {True: "yes", False: "no", None: "not known yet"}
    lines.append("- Checklist: " + "; ".join(
        f"{q.split('?')[0].removeprefix('Have you ').removeprefix('Do you ')}: "
        f"{answers[getattr(case.checklist, item)]}"
        for item, q in CHECKLIST_QUESTIONS.items()
    ))  # fmt: skip
    lines.append('Anything wrong? Correct me, e.g. "actually the customer is ...".')
    return "\n".join(lines)


class OfflineChatModel(BaseChatModel):
    """The rule-driven coach; its reply templates live in `settings.prompts_dir`."""

    settings: Settings
    state: dict[str, Any] = Field(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "coach-offline"

    def __repr__(self) -> str:
        # LangChain describes the model to its callbacks on every turn by its repr; the state
        # holds the whole case and grows with the conversation, so it is left out (a 160-line
        # chat once spent most of its time printing it).
        return f"{type(self).__name__}(engine=offline)"

    def with_state(self, state: dict[str, Any]) -> OfflineChatModel:
        """This model, reading the conversation's state (case file, questions asked, drafts)."""
        return self.model_copy(update={"state": dict(state)})

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> OfflineChatModel:
        return self

    # -- deciding ---------------------------------------------------------------------------

    def decide(self, messages: list[BaseMessage]) -> AIMessage:
        state = self.state
        case = CaseFile.model_validate(state.get("case") or {})
        last_human = max(
            (i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1
        )
        full = messages[last_human].text if last_human >= 0 else ""
        # A message is kept whole, but the coach reads its first READ_CHARS characters (a pasted
        # email or draft goes to its tool whole): the work per turn stays bounded.
        text = full[:READ_CHARS]
        results: dict[str, dict[str, Any]] = {}
        for m in messages[last_human + 1 :]:
            if isinstance(m, ToolMessage) and m.name:
                try:
                    results[m.name] = json.loads(m.text)
                except json.JSONDecodeError:
                    results[m.name] = {"error": m.text}
        done = set(results)
        if not done:
            earlier = [
                m.text[:READ_CHARS] for m in messages[:last_human] if isinstance(m, HumanMessage)
            ]
            u = understand(text, case, list(state.get("pending") or []), earlier)
            if u.intent in ("email", "check") and len(full) > len(text):
                u.pasted = pasted_text(full)
            if u.intent == "email":
                return _call("triage_text", text=u.pasted)
            if u.intent == "check":
                kind = (
                    "customer"
                    if re.search(r"\b(?:customer|client|them)\b", text[:120], re.I)
                    else "any"
                )
                return _call("check_draft", text=u.pasted, kind=kind)
            if u.intent == "draft" and not (case.manager_name or u.update.get("manager_name")):
                # "draft my escalation note to olga": whom the brief greets is the rep's manager.
                from coach.chat.requests import addressed_name, read_request

                request = read_request(text, case)
                name = addressed_name(request.text, case)
                if request.draft == "brief" and name:
                    u.update["manager_name"] = name
            if u.has_update:
                return _call("update_case_file", **_tool_args(u, case))
        from coach.chat.extract import draft_kind, intent_of
        from coach.chat.requests import is_question, read_request

        intent = intent_of(text)
        if intent == "check":
            return self.compose(text, case, state, results)
        if "check_readiness" not in done:
            return _call("check_readiness")
        readiness = results["check_readiness"]
        request = read_request(text, case)
        if intent == "draft" and "draft" not in done:
            kind = request.draft or draft_kind(text, case)
            return _call("draft", kind=kind)
        if intent == "facts" and "search_playbook" not in done:
            if request.kind == "playbook":
                return _call("search_playbook", query=playbook_query(request.text, request.facts))
            asked_question = (
                is_question(text) and not ESCALATION_QUESTION.search(text) and request.kind is None
            )
            if asked_question:
                return _call("search_playbook", query=text[:500])
        drafted = set(state.get("drafted") or [])
        if (
            intent == "facts"
            and readiness.get("ready_for_brief")
            and "brief" not in drafted
            and ("draft" not in done)
        ):
            return _call("draft", kind="brief")
        return self.compose(text, case, state, results)

    # -- writing ----------------------------------------------------------------------------

    def compose(
        self, text: str, case: CaseFile, state: dict[str, Any], results: dict[str, dict[str, Any]]
    ) -> AIMessage:
        from coach.chat.extract import intent_of
        from coach.guardrails import check
        from coach.llm.prompts import render

        intent = intent_of(text)
        update = results.get("update_case_file") or {}
        readiness = results.get("check_readiness") or {}
        current = CaseFile.model_validate(update.get("case") or state.get("case") or {})
        corrected = [
            f"{CORRECTION_LABELS[k]} is now {v}"
            for k, v in (update.get("corrected") or {}).items()
            if k in CORRECTION_LABELS and v
        ]
        noted = []
        for key in update.get("noted", []):
            if key in (update.get("corrected") or {}):
                continue
            label = FIELD_LABELS.get(key, key.replace("_", " "))
            if label not in noted:
                noted.append(label)
        said = sum(isinstance(m, HumanMessage) for m in state.get("messages") or [])
        opener = NOTED_OPENERS[said % len(NOTED_OPENERS)]
        from coach.chat.requests import asks_about_escalating

        asks_verdict = bool(ESCALATION_QUESTION.search(text)) or (
            intent == "facts" and asks_about_escalating(text)
        )
        show_rec = bool(readiness.get("headline")) and (
            (
                bool(readiness.get("recommendation"))
                and (readiness.get("changed") or intent == "summary")
            )
            or asks_verdict
        )
        recommendation = None
        if show_rec:
            code = readiness.get("recommendation")
            recommendation = {
                "answer": _direct_answer(code, text) if asks_verdict else "",
                "headline": readiness["headline"],
                "reasons": readiness.get("reasons", []),
                "first_steps": readiness.get("first_steps", []),
                "missing": still_missing(readiness.get("checklist_open") or [])
                if asks_verdict and code != "do_not_escalate"
                else [],
            }
        new = set(readiness.get("new_warnings") or [])
        if "proposed_next_steps" not in (state.get("asked") or []):
            new.discard("no_plan")  # not a gotcha before the rep was asked for a plan
        shown_now_reasons = {r["rule"] for r in readiness.get("reasons", [])}
        warnings = [
            w for w in readiness.get("warnings", [])
            if w["code"] in new and w["code"] in _WORTH_WARNING
            and w["message"] not in shown_now_reasons
            and readiness.get("recommendation") is not None
        ]  # fmt: skip
        blame = (
            []
            if intent in ("email", "check")
            else [f for f in check(text, "any") if f.code == "blame"]
        )
        check_result = results.get("check_draft")
        passages = (results.get("search_playbook") or {}).get("passages") or []
        from coach.chat.requests import read_request

        request = read_request(text, current)
        question = request.text if request.kind == "playbook" else text
        passages = closest_first(question, passages)
        draft = results.get("draft")
        questions = readiness.get("questions") or []
        prompt_for_more = ""
        if not questions and intent == "facts" and not draft and readiness:
            if readiness.get("recommendation") == "escalate_now" and "brief" in (
                state.get("drafted") or []
            ):
                prompt_for_more = ('Ask me for "the customer email", "call prep" or '
                                   '"the follow-up plan" when you need them.')  # fmt: skip
            elif readiness.get("recommendation") == "escalate_now":
                prompt_for_more = ('When you are ready, ask me to "write the brief" for your '
                                   "manager; tell me anything that changes.")  # fmt: skip
            elif readiness.get("recommendation"):
                prompt_for_more = "Tell me anything that changes, or ask for a draft."
        sources = [f"{c['source']} > {c['section']}" for c in readiness.get("citations", [])[:3]]
        sources += [f"{p['source']} > {p['section']}" for p in passages[:2]]
        if draft:  # the draft follows these sections: cite them first
            sources = [f"{c['source']} > {c['section']}" for c in draft.get("citations", [])]
        triage = results.get("triage_text")
        if triage and triage.get("error"):
            triage = None
        reply = render(
            "agent/reply.md.j2",
            self.settings,
            noted=noted,
            corrected=corrected,
            opener=opener,
            triage=triage,
            summary=case_summary(current) if intent == "summary" else "",
            recommendation=recommendation,
            warnings=warnings,
            blame=blame,
            findings=None if check_result is None else check_result.get("findings", []),
            passages=passages if intent == "facts" else [],
            playbook_note=playbook_note(question, passages) if intent == "facts" else "",
            draft=draft,
            questions=questions,
            preparing=readiness.get("recommendation") == "escalate_now",
            prompt_for_more=prompt_for_more,
            sources=list(dict.fromkeys(sources)) if (show_rec or passages or draft) else [],
        )
        reply = re.sub(r"\n{3,}", "\n\n", reply).strip()
        if not reply:
            reply = ("Tell me what's happening with the customer: who it is, and what the problem "
                     "is. "
                     "You can also paste their email.")  # fmt: skip
        return AIMessage(content=reply, id=f"offline-{next(_ids)}")

    # -- BaseChatModel ---------------------------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.decide(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self.decide(messages)
        if message.tool_calls:
            chunks = [
                tool_call_chunk(name=c["name"], args=json.dumps(c["args"]), id=c["id"], index=i)
                for i, c in enumerate(message.tool_calls)
            ]
            yield ChatGenerationChunk(
                message=AIMessageChunk(content="", id=message.id, tool_call_chunks=chunks)
            )
            return
        for piece in re.findall(r"\S+\s*|\s+", message.text):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece, id=message.id))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk


_TOPIC = re.compile(
    r"\b(?:about|on|regarding|re|for|when|if)\s+(?P<topic>[^?.!]{3,80})", re.IGNORECASE
)
_TOPIC_STOP = {
    "the", "a", "an", "to", "them", "they", "their", "it", "this", "that", "what", "when", "how",
    "playbook", "say", "says", "does", "should", "we", "i", "my", "our", "down", "up", "with",
    "customer", "customers", "client", "is", "are", "be", "do", "and", "or", "of", "in", "on",
    "calm", "make", "get", "can", "could", "would", "any", "anything",
}  # fmt: skip


def _stems(text: str, skip: Collection[str] = ()) -> set[str]:
    return {
        w[:5]
        for w in re.findall(r"[a-z][a-z'-]+", text.lower())
        if len(w) >= 4 and w not in _TOPIC_STOP and w not in skip
    }


_FRAME_WORDS = {"playbook", "guidance", "should", "what", "does", "says", "tell", "give", "about"}


def playbook_query(asking: str, told: str) -> str:
    """What to search the playbook for: the question, with the situation the rep told in the
    same message when the question alone names no topic ("eng bug we can't fix this quarter,
    customer keeps asking for an ETA. playbook guidance?")."""
    if len(_stems(asking, _FRAME_WORDS)) < 2 and told:
        return f"{told} {asking}"[:500]
    # "What does the playbook say I should ...": the frame names no topic and pulls the search
    # towards the passages that quote templates.
    topic = _PLAYBOOK_FRAME.sub("", asking).strip()
    return (topic if len(topic.split()) >= 3 else asking)[:500]


_PLAYBOOK_FRAME = re.compile(
    r"^\W*(?:what|how)\s+(?:does|do|would)\s+(?:the|our)\s+play\s*book\s+(?:say|suggest|"
    r"recommend|tell\s+(?:me|us))(?:\s+(?:about|on|regarding))?\s*",
    re.IGNORECASE,
)


def closest_first(question: str, passages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The passages found, the one holding most of the question's own words first ("what should I
    give my manager when I brief them" is answered by "Brief your manager with: ..."); ties keep
    the retriever's order. One shared word ("call") is too little to overrule the retriever."""
    words = _stems(question, _FRAME_WORDS)
    if not words or len(passages) < 2:
        return passages

    def score(p: dict[str, Any]) -> int:
        found = _stems(f"{p.get('section', '')} {p.get('text', '')}")
        return len(words & found)

    scores = [score(p) for p in passages]
    if max(scores) < 2 or max(scores) <= scores[0]:
        return passages
    order = sorted(range(len(passages)), key=lambda i: -scores[i])
    return [passages[i] for i in order]


def playbook_note(question: str, passages: list[dict[str, Any]]) -> str:
    """Say whether the passages found answer the rep's question: "what does the playbook say
    about offering a discount?" is answered with the passage, or with "the playbook doesn't
    cover that" when none of its words about the topic are there."""
    if not passages:
        return ""
    m = _TOPIC.search(question)
    if not m:
        return "What the playbook says:"
    words = [
        w
        for w in re.findall(r"[a-z][a-z'-]+", m.group("topic").lower())
        if w not in _TOPIC_STOP and len(w) >= 4
    ]
    if not words:
        return "What the playbook says:"
    text = " ".join(str(p.get("text", "")) for p in passages[:2]).lower()
    found = [w for w in words if re.search(rf"\b{re.escape(w[:5])}", text)]
    topic = re.sub(r"^(?:i|we|you)\s+", "", m.group("topic").strip().rstrip("?"), flags=re.I)
    if len(found) * 2 < len(words):
        return (
            f"The playbook doesn't cover {topic} directly. The nearest passages are below; "
            "check with your manager before offering anything it doesn't mention."
        )
    return f"What the playbook says about {topic}:"


_TIMING = re.compile(r"\btoo\s+(?P<when>early|soon|late)\b", re.IGNORECASE)


def _direct_answer(code: str | None, question: str) -> str:
    """The rep asked whether to escalate: the answer in a word first, in the question's terms
    ("too early?" is answered "yes, too early" or "not too early")."""
    timing = _TIMING.search(question)
    when = timing.group("when").lower() if timing else ""
    if code == "escalate_now":
        if when in ("early", "soon"):
            return f"No, it is not too {when}: escalate now."
        if when == "late":
            return "It is not too late: escalate now."
        return "Yes: escalate now."
    if code == "not_yet":
        if when in ("early", "soon"):
            return f"Yes, it is too {when} to escalate: not yet. Prepare first."
        return "Not yet: prepare first, then escalate."
    if code == "do_not_escalate":
        if when in ("early", "soon"):
            return f"Yes, it is too {when}: not yet. Don't escalate this; it is yours to handle."
        return "No, not yet: don't escalate; this is yours to handle for now."
    return "I can't say yet: too little of the case is known."


# What each open checklist item still needs, as the rep would do it (Pre-Escalation Checklist).
_MISSING = {
    "tried_yourself": "what you have tried yourself to resolve it",
    "root_cause_understood": "the root cause of their frustration, not the symptoms",
    "communicated_transparently": "telling the customer plainly where things stand",
    "clear_ask": "a clear ask for leadership: a decision, an approval, or someone on a call",
    "manager_briefed": (
        "briefing your manager: the situation, what you tried, what you need and next steps"
    ),
}


def still_missing(open_items: list[str]) -> list[str]:
    """The checklist items still open, in the words of what to do about them."""
    return [_MISSING[i] for i in open_items if i in _MISSING]


# Warnings worth saying in the chat (the rest show in the brief and in `warnings`).
_WORTH_WARNING = {"too_early", "too_late", "no_plan", "manager_not_briefed", "not_communicated"}


_models: dict[Path, OfflineChatModel] = {}


def build_offline_model(settings: Settings) -> OfflineChatModel:
    """One offline model per prompts folder (it is stateless)."""
    model = _models.get(settings.prompts_dir)
    if model is None:
        model = OfflineChatModel(settings=settings)
        _models[settings.prompts_dir] = model
    return model
