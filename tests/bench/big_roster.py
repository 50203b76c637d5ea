"""A roster of any size for the benches: the sample organisation plus generated people
(mostly engineers, some directors, partners and leaders) on its two teams, in four zones."""

from __future__ import annotations

import random

from loopbot.demo.sandbox import sample_roster_csv

ZONES = ["America/New_York", "America/Los_Angeles", "Europe/Berlin", "Europe/London"]
KINDS = [
    ("engineer", "coding;system_design;technical_discussion", 16),
    ("engineer;senior_engineer", "coding;system_design;technical_discussion", 4),
    ("director", "partnership", 1),
    ("partner", "partnership", 1),
    ("leader", "partnership", 1),
]


def roster_csv(people: int, seed: int = 1) -> str:
    """The sample roster topped up to `people` rows."""
    rng = random.Random(seed)
    sample = sample_roster_csv().strip().splitlines()
    lines = list(sample)
    weights = [weight for _, _, weight in KINDS]
    for n in range(max(people - (len(sample) - 1), 0)):
        roles, types, _ = rng.choices(KINDS, weights)[0]
        team = rng.choice(["payments", "streaming", "payments;streaming"])
        lines.append(
            f"U0GEN{n:05d},Person {n},p{n}@example.com,{roles},{team},{types},"
            f"{rng.choice(ZONES)},09:00-17:00,Mon-Fri,{rng.randint(3, 6)}"
        )
    return "\n".join(lines) + "\n"
