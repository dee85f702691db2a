"""LangChain adapters around the hybrid retriever, for the agent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.tools import BaseTool, tool
from pydantic import ConfigDict

if TYPE_CHECKING:
    from coach.retrieval import HybridRetriever


class PlaybookRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any
    k: int = 4

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [
            Document(
                page_content=h.text,
                metadata={
                    "source": h.source,
                    "section": h.section,
                    "kind": h.kind,
                    "score": h.score,
                },
            )
            for h in self.retriever.search(query, k=self.k)
        ]


def playbook_search_tool(retriever: HybridRetriever, k: int = 4) -> BaseTool:
    @tool("search_playbook")
    def search_playbook(query: str) -> str:
        """Search the team's escalation playbook. Use it before giving advice, and cite the
        section names it returns. The query should describe the situation or question in a few
        words, for example "customer threatening to cancel" or "what to tell my manager"."""
        hits = retriever.search(query, k=k)
        if not hits:
            return "No playbook passage matches."
        return "\n\n".join(f"[{h.section}] ({h.source})\n{h.text}" for h in hits)

    return search_playbook
