"""Log detection: raw lines -> templates (`LogMiner`) -> Signals (`LogSignalDetector`).

In: log lines (str or bytes), with their time when known. Out: `ParsedLine` per line
(template id, template with `<*>` for variables, level, params) and `aiops.model.Signal`s
for a new template, a template's rate changing, and a burst of error lines.
"""

from aiops.detect.logs.header import Layout, detect_layout
from aiops.detect.logs.masking import mask_token, normalize_template
from aiops.detect.logs.signals import LogSignalConfig, LogSignalDetector
from aiops.detect.logs.templates import LogMiner, MinerStats, ParsedLine, Template

__all__ = [
    "Layout",
    "LogMiner",
    "LogSignalConfig",
    "LogSignalDetector",
    "MinerStats",
    "ParsedLine",
    "Template",
    "detect_layout",
    "mask_token",
    "normalize_template",
]
