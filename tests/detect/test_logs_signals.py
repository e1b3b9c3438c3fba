from datetime import UTC, datetime, timedelta

from aiops.detect.logs import LogMiner, LogSignalConfig, LogSignalDetector
from aiops.model import Severity, Signal

T0 = datetime(2024, 1, 1, tzinfo=UTC)
FMT = "<Level> <Content>"


def feed(
    detector: LogSignalDetector, miner: LogMiner, lines: list[tuple[float, str]]
) -> list[Signal]:
    out: list[Signal] = []
    for offset_s, line in lines:
        at = T0 + timedelta(seconds=offset_s)
        out += detector.observe(miner.add(line, at=at), now=at)
    return out


def steady(seconds: int, every_s: float = 1.0) -> list[tuple[float, str]]:
    return [
        (i * every_s, f"INFO request {i} served in {i % 7} ms")
        for i in range(int(seconds / every_s))
    ]


def test_new_template_after_warm_up_is_signalled_with_its_text() -> None:
    miner, det = LogMiner(FMT), LogSignalDetector(series="app")
    lines = steady(600) + [(601, "ERROR disk /dev/sda1 is full")]
    signals = feed(det, miner, lines)
    assert [s.detector for s in signals] == ["log_new_template"]
    assert signals[0].severity is Severity.error
    assert "disk <*> is full" in signals[0].explanation
    assert signals[0].series == "app"


def test_no_new_template_signal_during_warm_up() -> None:
    miner, det = LogMiner(FMT), LogSignalDetector()
    lines = [(i, f"INFO kind{i % 5} thing happened") for i in range(100)]
    assert [s for s in feed(det, miner, lines) if s.detector == "log_new_template"] == []


def test_error_burst_fires_once_with_expected_and_observed() -> None:
    miner, det = LogMiner(FMT), LogSignalDetector()
    lines = steady(600) + [
        (600 + i * 0.5, f"ERROR timeout talking to db after {i} ms") for i in range(40)
    ]
    bursts = [s for s in feed(det, miner, lines) if s.detector == "log_error_burst"]
    assert len(bursts) == 1
    assert bursts[0].observed is not None and bursts[0].observed >= 10
    assert bursts[0].expected == 0.0
    assert "error lines" in bursts[0].explanation


def test_steady_error_rate_is_no_burst() -> None:
    miner, det = LogMiner(FMT), LogSignalDetector()
    lines = [(i * 10.0, f"ERROR retry {i} failed") for i in range(300)]
    assert [s for s in feed(det, miner, lines) if s.detector == "log_error_burst"] == []


def test_template_rate_rise_is_signalled() -> None:
    miner, det = LogMiner(FMT), LogSignalDetector(config=LogSignalConfig(bucket_s=60))
    calm = [(i * 6.0, f"INFO cache miss for key {i}") for i in range(100)]  # 10 per minute
    storm = [(600 + i * 0.5, f"INFO cache miss for key {i}") for i in range(240)]  # 120 per minute
    after = [(800.0, "INFO cache miss for key 1")]
    rates = [s for s in feed(det, miner, calm + storm + after) if s.detector == "log_rate_change"]
    assert rates, "a 12x rise must be noticed"
    assert rates[0].observed is not None and rates[0].expected is not None
    assert rates[0].observed > 4 * rates[0].expected
    assert "rose" in rates[0].explanation


def test_steady_template_rate_is_quiet() -> None:
    miner, det = LogMiner(FMT), LogSignalDetector()
    assert [s for s in feed(det, miner, steady(3600)) if s.detector == "log_rate_change"] == []


def test_line_without_time_uses_now() -> None:
    miner, det = (
        LogMiner(FMT),
        LogSignalDetector(config=LogSignalConfig(warmup_s=0, warmup_lines=0)),
    )
    det.observe(miner.add("INFO a 1"), now=T0)
    signals = det.observe(miner.add("INFO b c"), now=T0 + timedelta(seconds=5))
    assert signals[0].at == T0 + timedelta(seconds=5)
