"""`python -m guidebuilder`."""

from .cli import app

app(prog_name="guidebuilder")
