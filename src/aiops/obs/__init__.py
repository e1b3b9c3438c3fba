"""Observability of aiops itself: its Prometheus metrics and its structured logs."""
