"""Entry point the Pulumi CLI runs for this plugin folder: `python <folder> <engine address>`.

Everything lives in the installed `kmsguard.provider`; this folder is taken off `sys.path` first so
its files can never shadow an import. `serve()` prints the port and serves until the engine stops it.
"""

import sys
from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != PLUGIN_DIR]

from kmsguard.provider.host import serve  # noqa: E402 - after the path is cleaned

serve()
