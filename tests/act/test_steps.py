"""Each step kind against something that speaks its protocol."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from aiops.act.steps import REGISTRY, StepContext
from aiops.act.steps.base import StepOutcome
from aiops.model.policy_itsm import ChangePolicy, ShellCommand


def run(kind: str, args: dict, ctx: StepContext | None = None):  # type: ignore[no-untyped-def]
    k = REGISTRY[kind]
    ctx = ctx or StepContext()
    ctx.deadline = ctx.monotonic() + 10
    return k.run(k.args.model_validate(args), ctx)


def test_http_step_succeeds_on_expected_status(server) -> None:  # type: ignore[no-untyped-def]
    server.reply = lambda s: (202, {"accepted": True})
    out = run(
        "http",
        {"method": "POST", "url": server.url + "/x", "json": {"a": 1}, "expect_status": [202]},
    )
    assert out.ok and server.seen[0].json() == {"a": 1}
    server.reply = lambda s: (500, "no")
    assert not run("http", {"url": server.url + "/x"}).ok


@pytest.mark.parametrize(
    ("action", "path", "body"),
    [
        ("restart", "/sim/restart", {}),
        ("stop", "/sim/stop", {}),
        ("scale", "/sim/scale", {"instances": 3}),
        ("clear_fault", "/control/faults/disk-full", {"on": False}),
    ],
)
def test_sulu_step_calls_the_supervisor_api(server, action, path, body) -> None:  # type: ignore[no-untyped-def]
    args = {"action": action, "url": server.url, "instances": 3, "fault": "disk-full"}
    if action not in ("scale",):
        args.pop("instances")
    if action != "clear_fault":
        args.pop("fault")
    assert run("sulu", args).ok
    assert (server.seen[0].method, server.seen[0].path, server.seen[0].json()) == (
        "POST",
        path,
        body,
    )


def test_sulu_rollback_reverts_the_newest_change(server) -> None:  # type: ignore[no-untyped-def]
    changes = {
        "changes": [
            {"id": 1, "kind": "config", "summary": "config reloaded"},
            {"id": 2, "kind": "deploy", "summary": "deploy sulu 1.4.2 -> 1.5.0"},
        ]
    }
    server.reply = lambda s: (200, changes if s.method == "GET" else {"ok": True})
    out = run("sulu", {"action": "rollback", "url": server.url})
    assert out.ok and "change #2" in out.output
    assert server.seen[1].path == "/control/faults/error-burst"
    changes["changes"].append(
        {"id": 3, "kind": "deploy", "summary": "rollback sulu 1.5.0 -> 1.4.2"}
    )
    assert not run("sulu", {"action": "rollback", "url": server.url}).ok  # nothing left to revert


def test_sulu_step_without_a_supervisor_url_fails_clearly() -> None:
    out = run("sulu", {"action": "restart", "url": ""})
    assert not out.ok and "sim_url" in out.output


def test_shell_runs_only_allow_listed_programs_with_allowed_args(tmp_path: Path) -> None:
    pol = ChangePolicy(shell_commands={"echo": ShellCommand(path="/bin/echo", args=[r"[a-z]+"])})
    ok = run("shell", {"command": "echo", "args": ["hello"]}, StepContext(policy=pol))
    assert ok.ok and "hello" in ok.output
    bad = run("shell", {"command": "echo", "args": ["hi; rm -rf /"]}, StepContext(policy=pol))
    assert not bad.ok and "not allowed" in bad.output
    unknown = run("shell", {"command": "rm", "args": []}, StepContext(policy=pol))
    assert not unknown.ok and "not allow-listed" in unknown.output


def test_ecs_force_new_deployment_and_desired_count_through_boto3() -> None:
    client = boto3.client(
        "ecs", region_name="ap-northeast-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    resp = {
        "service": {
            "serviceName": "web",
            "desiredCount": 2,
            "runningCount": 2,
            "deployments": [{"id": "ecs-svc/1", "status": "PRIMARY"}],
        }
    }
    with Stubber(client) as stub:
        stub.add_response(
            "update_service",
            resp,
            {"cluster": "prod", "service": "web", "forceNewDeployment": True},
        )
        stub.add_response(
            "update_service", resp, {"cluster": "prod", "service": "web", "desiredCount": 4}
        )
        ctx = StepContext(boto3_client=lambda svc, region: client)
        assert run(
            "ecs", {"action": "force_new_deployment", "cluster": "prod", "service": "web"}, ctx
        ).ok
        assert run(
            "ecs",
            {
                "action": "set_desired_count",
                "cluster": "prod",
                "service": "web",
                "desired_count": 4,
            },
            ctx,
        ).ok
        stub.assert_no_pending_responses()


def test_ecs_client_error_is_a_failed_step() -> None:
    client = boto3.client(
        "ecs", region_name="ap-northeast-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    with Stubber(client) as stub:
        stub.add_client_error("update_service", "ServiceNotFoundException", "no such service")
        out = run(
            "ecs",
            {"action": "force_new_deployment", "cluster": "c", "service": "s"},
            StepContext(boto3_client=lambda s, r: client),
        )
    assert not out.ok and "ServiceNotFoundException" in out.output


def test_k8s_via_kubectl_runs_the_expected_commands(tmp_path: Path) -> None:
    log = tmp_path / "calls"
    fake = tmp_path / "kubectl"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {log}\necho done\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    base = {"name": "sulu", "namespace": "shop", "kubectl": str(fake)}
    assert run("k8s", {**base, "action": "rollout_restart"}).ok
    assert run("k8s", {**base, "action": "scale", "replicas": 3}).ok
    assert log.read_text().splitlines() == [
        "-n shop rollout restart deployment/sulu",
        "-n shop scale deployment/sulu --replicas=3",
    ]


def test_k8s_via_the_api_sends_the_patches_kubectl_would(server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("K8S_TOKEN", "t0k")
    base = {
        "name": "sulu",
        "namespace": "shop",
        "mode": "api",
        "api_url": server.url,
        "token_env": "K8S_TOKEN",
    }
    ctx = StepContext(wallclock=lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert run("k8s", {**base, "action": "rollout_restart"}, ctx).ok
    assert run("k8s", {**base, "action": "scale", "replicas": 2}).ok
    r, s = server.seen
    assert (r.method, r.path) == ("PATCH", "/apis/apps/v1/namespaces/shop/deployments/sulu")
    assert r.headers["content-type"] == "application/strategic-merge-patch+json"
    assert r.headers["authorization"] == "Bearer t0k"
    assert r.json()["spec"]["template"]["metadata"]["annotations"] == {
        "kubectl.kubernetes.io/restartedAt": "2026-01-02T03:04:05Z"
    }
    assert s.path.endswith("/deployments/sulu/scale")
    assert s.headers["content-type"] == "application/merge-patch+json"
    assert s.json() == {"spec": {"replicas": 2}}


def test_k8s_names_are_validated() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        REGISTRY["k8s"].args.model_validate({"action": "rollout_restart", "name": "x;rm -rf"})


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.t += s


def test_probe_verification_needs_the_condition_to_hold(server) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    ctx = StepContext(sleep=clock.sleep, monotonic=clock.monotonic)
    answers = iter([500, 200, 500] + [200] * 20)
    server.reply = lambda s: (next(answers), "x")
    out = run(
        "verify", {"probe": {"url": server.url, "hold_s": 3, "interval_s": 1, "within_s": 30}}, ctx
    )
    assert out.ok and out.detail["tries"] == 7  # 3 bad/good, then 4 in a row span 3 s
    server.reply = lambda s: (500, "x")
    clock2 = FakeClock()
    bad = run(
        "verify",
        {"probe": {"url": server.url, "within_s": 5}},
        StepContext(sleep=clock2.sleep, monotonic=clock2.monotonic),
    )
    assert not bad.ok and "did not hold" in bad.output


def test_a_probe_slower_than_max_latency_fails_even_with_200(server) -> None:  # type: ignore[no-untyped-def]
    """A fix for slow queries is verified by speed, not just by answers."""
    probe = {"url": server.url, "max_latency_s": 0.5, "hold_s": 3, "interval_s": 1,
             "within_s": 60}  # fmt: skip

    def verify(delays: list[float], **over: float) -> StepOutcome:
        clock, took = FakeClock(), iter(delays)

        def reply(_):  # type: ignore[no-untyped-def]
            clock.t += next(took)  # the request took this long on the step's clock
            return 200, "x"

        server.reply = reply
        ctx = StepContext(sleep=clock.sleep, monotonic=clock.monotonic)
        return run("verify", {"probe": {**probe, **over}}, ctx)

    out = verify([1.5, 1.5] + [0.05] * 20)  # slow twice, then fast: the fix took effect
    assert out.ok and out.detail["tries"] == 2 + 4  # the slow answers did not count
    bad = verify([1.5] * 100, within_s=10)
    assert not bad.ok and "(> 0.5 s)" in bad.output


class Points:
    def __init__(self, values: list[float], start: datetime) -> None:
        self.pts = [(start.timestamp() + i, v) for i, v in enumerate(values)]

    def points(self, name, labels, since):  # type: ignore[no-untyped-def]
        return [[p for p in self.pts if p[0] >= since.timestamp()]] if name == "m" else []


def test_metric_verification_judges_only_data_after_the_fix() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = FakeClock()
    src = Points([0.9] * 5 + [0.01] * 40, start - timedelta(seconds=5))
    ctx = StepContext(
        metrics=src, sleep=clock.sleep, monotonic=clock.monotonic, wallclock=lambda: start
    )
    out = run(
        "verify",
        {"metric": {"name": "m", "agg": "max", "op": "<", "threshold": 0.05, "window_s": 10}},
        ctx,
    )
    assert out.ok and out.detail["value"] == pytest.approx(0.01)
    none = run(
        "verify",
        {"metric": {"name": "other", "op": "<", "threshold": 1, "within_s": 3}},
        StepContext(metrics=src, sleep=clock.sleep, monotonic=clock.monotonic),
    )
    assert not none.ok and "no data" in none.output


def test_counter_increase_survives_a_reset() -> None:
    from aiops.act.steps.verify import aggregate

    assert aggregate("increase", [[(0, 5), (1, 7), (2, 1), (3, 4)]]) == 2 + 1 + 3
    assert aggregate("rate", [[(0, 0), (10, 20)]]) == 2.0
    assert aggregate("max", []) is None


def test_the_breaker_step_posts_the_state_and_needs_it(server) -> None:  # type: ignore[no-untyped-def]
    server.reply = lambda s: (200, {"ok": True, "open": True})
    out = run(
        "sulu", {"action": "breaker", "open": True}, StepContext(values={"sim_url": server.url})
    )
    assert out.ok and server.seen[-1].path == "/sim/breaker"
    assert server.seen[-1].json() == {"open": True}
    with pytest.raises(ValueError, match="breaker needs open"):
        run("sulu", {"action": "breaker"}, StepContext(values={"sim_url": server.url}))
