"""The playbook, prompts, glossary and eval sets that ship inside the package.

In a checkout these are links to the top-level `knowledge/`, `prompts/` and `evals/`; a wheel
carries copies, so an installed coach finds them with no path settings (importlib.resources).
"""
