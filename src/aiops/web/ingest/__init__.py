"""Push endpoints. Each: authenticate → read a bounded body → translate → pipeline.

A rejected request is answered with the one error body, counted in
`aiops_ingest_rejected_total{source,reason}`, and stores nothing.
"""
