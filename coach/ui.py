"""The Gradio app. Handlers are plain functions, testable without a server; gradio is imported
inside functions so the core never needs it."""

from __future__ import annotations

import argparse
import html
from typing import Any

from coach.settings import Settings, get_settings


def search_playbook(query: str, k: int = 5) -> tuple[str, list[dict[str, Any]]]:
    """Markdown for the page and the JSON the CLI prints, for one search."""
    if not query or not query.strip():
        return "Type a question about an escalation, for example *the customer wants my manager*.", []
    from coach.retrieval import get_retriever

    hits = get_retriever().search(query, k=int(k))
    if not hits:
        return "No playbook passage matches that question.", []
    parts = [
        f"### {i}. {html.escape(h.section)}\n<small>{h.source} · {h.kind} · score {h.score:.3f}</small>\n\n{h.text}"
        for i, h in enumerate(hits, 1)
    ]
    return "\n\n".join(parts), [h.as_json() for h in hits]


def build_app(settings: Settings | None = None) -> Any:
    import gradio as gr

    settings = settings or get_settings()
    with gr.Blocks(title="Escalation Coach") as demo:
        gr.Markdown(f"# Escalation Coach\n**Mode:** {settings.mode_label}")
        with gr.Row():
            query = gr.Textbox(label="Ask the playbook", placeholder="The client says they'll walk. Do I loop in my boss?", scale=4)
            k = gr.Slider(1, 10, value=5, step=1, label="Passages")
        button = gr.Button("Search", variant="primary")
        results = gr.Markdown()
        raw = gr.JSON(visible=False)
        button.click(search_playbook, [query, k], [results, raw], api_name="search")
        query.submit(search_playbook, [query, k], [results, raw], api_name=False)
    return demo


def main(argv: list[str] | None = None) -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description="Serve the Escalation Coach web app.")
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    args = parser.parse_args(argv)
    from coach.retrieval import get_retriever

    get_retriever(settings)  # build the index before the first request
    build_app(settings).launch(server_name=args.host, server_port=args.port, show_api=False)
