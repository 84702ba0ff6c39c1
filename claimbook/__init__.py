"""claimbook: the shared, tested logic of the fact-check book.

The notebooks stay narratives; what they share lives here: the claims register (`claims`), the data
catalog and loader (`data`), notebook parameters (`params`), the verdict scale and rules (`verdicts`),
the figure style (`figures`), the runner (`runner`) and the command line (`cli`).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ClaimbookError(Exception):
    """A problem the user can fix; its message is one plain sentence, shown without a traceback."""
