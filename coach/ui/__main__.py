"""`python -m coach.ui`: serve the web app (the same as `python app.py`)."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from coach.ui import main

main()
