"""Sources: adapters that bring data in and translate it, never decide.

`aiops.sources.pull` polls targets (scrape, Prometheus API, log files, probes,
CloudWatch); `aiops.sources.push` receives what senders post. Both hand
`aiops.model.Sample` / `aiops.model.Event` to the normalize path.
"""
