"""Fault injection: errors, latency, timeouts and lost answers on chosen calls.

A rule matches a network and a method (``*`` for any); ``count`` limits it to the next N
matching calls, which makes a test deterministic. A *dropped* answer means the call is done
(the post exists) but the client gets a 504 instead of the result, the way a proxy in front
of a network answers when the backend was slow.
"""

import random
from dataclasses import asdict, dataclass, fields


@dataclass
class Fault:
    network: str = "*"
    method: str = "*"
    error_rate: float = 0.0
    error: str | int | None = None  # a network's error code; its usual server error if unset
    latency_ms: int = 0
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    drop_rate: float = 0.0
    count: int | None = None
    longpoll_failed: int | None = None  # VK long poll: answer failed=1/2/3

    @classmethod
    def from_dict(cls, data: dict) -> "Fault":
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**data)

    def matches(self, network: str, method: str) -> bool:
        return self.network in ("*", network) and self.method in ("*", method)


@dataclass
class Decision:
    latency: float = 0.0
    action: str | None = None  # error, timeout, drop, longpoll
    fault: Fault | None = None


class Faults:
    def __init__(self, seed: int = 42):
        self.rules: list[Fault] = []
        self.random = random.Random(f"{seed}:faults")

    def add(self, fault: Fault):
        self.rules.append(fault)

    def reset(self):
        self.rules.clear()

    def describe(self) -> list[dict]:
        return [asdict(rule) for rule in self.rules]

    def decide(self, network: str, method: str) -> Decision:
        decision = Decision()
        if not self.rules:
            return decision
        for rule in list(self.rules):
            if not rule.matches(network, method):
                continue
            decision.latency = max(decision.latency, rule.latency_ms / 1000)
            action = None
            if rule.longpoll_failed and method == "longpoll":
                action = "longpoll"
            elif rule.timeout_rate and self.random.random() < rule.timeout_rate:
                action = "timeout"
            elif rule.drop_rate and self.random.random() < rule.drop_rate:
                action = "drop"
            elif rule.error_rate and self.random.random() < rule.error_rate:
                action = "error"
            # A counted rule is used up by the calls it acted on (or merely slowed down).
            used = action or (rule.latency_ms and not (rule.error_rate or rule.drop_rate))
            if used and rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
            if action and decision.action is None:
                decision.action, decision.fault = action, rule
        return decision
