"""Push adapters: payloads senders POST to us -> `Event`s / `Sample`s.

Each adapter is pure (the caller passes `now`) and all-or-nothing: it returns every
item of a request or raises `aiops.errors.InvalidInput` listing every bad field.

| adapter        | payload                                   | out                 |
|----------------|-------------------------------------------|---------------------|
| alertmanager   | Prometheus Alertmanager webhook, version 4 | Event per alert     |
| cloudwatch     | SNS HTTP delivery of a CloudWatch alarm    | SnsResult (0-1 Event) |
| otlp           | OTLP/HTTP JSON logs / metrics              | Event per record / Samples |
"""

from aiops.sources.push.alertmanager import translate_alertmanager
from aiops.sources.push.cloudwatch import SnsResult, translate_sns
from aiops.sources.push.otlp import translate_otlp_logs, translate_otlp_metrics
from aiops.sources.push.otlp_values import base64_to_hex_id, hex_to_base64_id
from aiops.sources.push.sns_signature import CertLoader, SnsVerifier, is_sns_url, string_to_sign

__all__ = [
    "CertLoader",
    "SnsResult",
    "SnsVerifier",
    "base64_to_hex_id",
    "hex_to_base64_id",
    "is_sns_url",
    "string_to_sign",
    "translate_alertmanager",
    "translate_otlp_logs",
    "translate_otlp_metrics",
    "translate_sns",
]
