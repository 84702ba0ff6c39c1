"""The build: executing the notebooks (runner, engine), collecting their verdicts, the exports, the book
and its PDF, the link check and the Sphinx extension. The pipeline module ties them together."""
