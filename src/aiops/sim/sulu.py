"""`python -m aiops.sim.sulu --port P --data-dir D --external-url U`: one sulu instance."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import disable_created_metrics

from aiops.sim.app import create_app
from aiops.sim.process import base_args, serve
from aiops.sim.service import SuluSettings


def main(argv: list[str] | None = None) -> None:
    parser = base_args("sulu: the dummy content service")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--external-url", required=True)
    parser.add_argument("--instance", default="sulu-0")
    parser.add_argument("--pool-size", type=int, default=4)
    parser.add_argument("--pool-timeout-s", type=float, default=3.0)
    parser.add_argument("--external-timeout-s", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    a = parser.parse_args(argv)
    settings = SuluSettings(
        data_dir=a.data_dir,
        external_url=a.external_url.rstrip("/"),
        port=a.port,
        instance=a.instance,
        pool_size=a.pool_size,
        pool_timeout_s=a.pool_timeout_s,
        external_timeout_s=a.external_timeout_s,
        seed=a.seed,
    )
    # No `_created` series: plain counters, as most exporters.
    disable_created_metrics()  # type: ignore[no-untyped-call]
    serve(lambda stop: create_app(settings, stop), a.port, a.parent_pid)


if __name__ == "__main__":
    main()
