"""What a panel costs in relaxed rules, and the cheapest way to seat one.

A panel's cost counts, per soft rule, the people it relaxes that rule for: (repeats, people
over their weekly cap, held slots). ``rank`` orders costs: no repeat beats any repeat; then no
one over their cap beats anyone over it; then the fewest repeats, the fewest over the cap and
the fewest held slots. Held time (another proposal's tentative hold) gives way first, the
weekly cap next, the repeat rule of PROCESS.md last.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.planning.model import Hold, Interviewer

Cost = tuple[int, int, int]
ZERO: Cost = (0, 0, 0)
Rank = tuple[float, ...]


def rank(cost: Cost) -> Rank:
    """How much a panel relaxes, for comparison: lower is better."""
    repeats, over, held = cost
    return (repeats > 0, over > 0, repeats, over, held)


# Limits a search's rank must stay below: anything at all; nothing relaxed.
NO_LIMIT: Rank = (math.inf,)
STRICT_LIMIT = rank((0, 0, 1))
# The best a panel that relaxes anything can do: one held slot.
LEAST_RELAXED = rank((0, 0, 1))


def add(a: Cost, b: Cost) -> Cost:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def least(costs: Sequence[Cost]) -> Cost:
    """The least of each rule, separately: a lower bound on any one of them."""
    return (min(c[0] for c in costs), min(c[1] for c in costs), min(c[2] for c in costs))


@dataclass(frozen=True)
class Option:
    """One person for one block, and which soft rules taking them there relaxes."""

    person: Interviewer
    role: str
    repeat: bool  # sat on an earlier stage of this loop
    over: bool  # at their weekly cap with booked interviews alone
    holds: tuple[Hold, ...] = ()  # other proposals' tentative time they would give up
    held_cap: bool = False  # at their cap once the interviews others hold are confirmed

    @property
    def cost(self) -> Cost:
        return (int(self.repeat), int(self.over), int(bool(self.holds) or self.held_cap))


def cheapest(
    options: Sequence[Sequence[Option]], least_of: Sequence[Cost], limit: Rank
) -> tuple[Cost, list[Option]] | None:
    """A different person for every block, relaxing the least, if that ranks below `limit`.

    ``options[i]`` are block i's people, cheapest first and otherwise in load-spread order;
    ``least_of[i]`` is the least block i can cost. A branch-and-bound: among panels that cost
    the same, the first found wins, so the best-spread people go where the template lists them.
    """
    # floors[i]: the least the blocks from i on can cost, a lower bound for pruning.
    floors: list[Cost] = [ZERO] * (len(options) + 1)
    for index in reversed(range(len(options))):
        floors[index] = add(floors[index + 1], least_of[index])
    best: list[tuple[Cost, list[Option]]] = []
    chosen: list[Option] = []
    used: set[int] = set()

    def fill(index: int, cost: Cost) -> bool:
        """Extend the panel; True once nothing can do better."""
        nonlocal limit
        if index == len(options):
            best[:] = [(cost, list(chosen))]
            limit = rank(cost)
            return limit <= rank(floors[0])
        for option in options[index]:
            if option.person.id in used:
                continue
            so_far = add(cost, option.cost)
            if rank(add(so_far, floors[index + 1])) >= limit:
                continue
            used.add(option.person.id)
            chosen.append(option)
            done = fill(index + 1, so_far)
            chosen.pop()
            used.discard(option.person.id)
            if done:
                return True
        return False

    fill(0, ZERO)
    return best[0] if best else None
