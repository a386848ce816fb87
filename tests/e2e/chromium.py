"""Debian's chromium, as the browser tests and the screenshot script launch it.

Nothing here downloads a browser (never `playwright install`): chromium comes from the system.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# The machine may have no internet: without these flags chromium stalls on its own network calls.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = (
    f"{CHROMIUM} is missing: Tether's browser tests drive Debian's chromium. Install it with "
    "`apt-get update && apt-get install -y chromium` (never `playwright install`), "
    "or export TETHER_SKIP_E2E=1 to skip the browser tests."
)


class ChromiumMissing(RuntimeError):
    pass


def launch(playwright):
    """A headless, offline chromium; ChromiumMissing says how to install it when it is absent."""
    if not CHROMIUM.exists():
        raise ChromiumMissing(MISSING)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
