"""Figures for operators, in Prometheus' text format (GET /metrics in webhook mode).

Kept in this process (each instance exposes its own; Prometheus sums them): questions by answer kind,
updates by type, duplicate deliveries, errors, reply latency as a histogram, and gauges read when
scraped (catalogue size and age, rows waiting for the database).
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter
from collections.abc import Callable

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)


def _labels(**labels: str) -> str:
    if not labels:
        return ""
    body = ",".join(f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
                    for k, v in sorted(labels.items()))
    return "{" + body + "}"


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counters: Counter[tuple[str, str]] = Counter()  # (name, rendered labels) -> value
        self._bucket_counts = [0] * (len(BUCKETS) + 1)
        self._sum = 0.0
        self._count = 0
        self.gauges: dict[str, Callable[[], float]] = {}
        self.help = {
            "bot_questions_total": "Questions answered, by answer kind",
            "bot_updates_total": "Updates received, by type",
            "bot_duplicate_updates_total": "Deliveries of an update already handled (Telegram retries)",
            "bot_errors_total": "Errors while handling an update",
            "bot_reply_seconds": "Time from receiving a question to its reply being sent",
        }

    def inc(self, name: str, value: float = 1, **labels: str) -> None:
        with self._lock:
            self.counters[(name, _labels(**labels))] += value

    def observe(self, seconds: float) -> None:
        with self._lock:
            self._bucket_counts[bisect.bisect_left(BUCKETS, seconds)] += 1
            self._sum += seconds
            self._count += 1

    def gauge(self, name: str, read: Callable[[], float], help_: str) -> None:
        self.gauges[name] = read
        self.help[name] = help_

    def value(self, name: str, **labels: str) -> float:
        with self._lock:
            return self.counters[(name, _labels(**labels))]

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            counters = sorted(self.counters.items())
            buckets, total, count = list(self._bucket_counts), self._sum, self._count
        names = sorted({n for (n, _), _v in counters} | {"bot_errors_total", "bot_questions_total"})
        for name in names:
            lines += [f"# HELP {name} {self.help.get(name, name)}", f"# TYPE {name} counter"]
            rows = [(lab, v) for (n, lab), v in counters if n == name] or [("", 0)]
            lines += [f"{name}{lab} {v:g}" for lab, v in rows]
        lines += ["# HELP bot_reply_seconds " + self.help["bot_reply_seconds"], "# TYPE bot_reply_seconds histogram"]
        running = 0
        for bound, n in zip((*BUCKETS, float("inf")), buckets, strict=True):
            running += n
            le = "+Inf" if bound == float("inf") else f"{bound:g}"
            lines.append(f'bot_reply_seconds_bucket{{le="{le}"}} {running}')
        lines += [f"bot_reply_seconds_sum {total:.6f}", f"bot_reply_seconds_count {count}"]
        for name, read in sorted(self.gauges.items()):
            try:
                value = float(read())
            except Exception:  # a gauge that cannot be read is left out, not a failed scrape
                continue
            lines += [f"# HELP {name} {self.help[name]}", f"# TYPE {name} gauge", f"{name} {value:g}"]
        return "\n".join(lines) + "\n"
