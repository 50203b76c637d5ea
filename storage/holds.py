"""The holds repository: times proposals hold tentatively while they wait for Confirm."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Hold, Stage
from storage.repositories import _aware


class Holds:
    """Time proposals hold tentatively (see storage.models.Hold)."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, hold: Hold) -> Hold:
        self.session.add(hold)
        self.session.flush()
        return hold

    def of_stage(self, stage_id: int) -> list[Hold]:
        """The stage's holds still `held` (expired or not)."""
        return list(
            self.session.exec(
                select(Hold)
                .where(Hold.stage_id == stage_id)
                .where(Hold.status == "held")
                .order_by(Hold.start_at, Hold.id)
            )
        )

    def live(self, now: datetime) -> list[tuple[Hold, Stage]]:
        """Every hold that still counts, with its stage: `held`, not yet expired, and its
        stage's proposal still waiting (a hold a stage left behind does not count)."""
        rows = self.session.exec(
            select(Hold, Stage)
            .join(Stage, col(Stage.id) == Hold.stage_id)
            .where(Hold.status == "held")
            .where(Hold.expires_at > now)
            .where(Stage.status == "proposed")
            .order_by(Hold.id)
        )
        return list(rows.all())

    def overdue(self, now: datetime) -> list[Hold]:
        """`held` rows whose lifetime has run out: to be marked expired."""
        return list(
            self.session.exec(
                select(Hold)
                .where(Hold.status == "held")
                .where(Hold.expires_at <= now)
                .order_by(Hold.stage_id, Hold.id)
            )
        )

    def expiries(self, stage_ids: Iterable[int] | None = None) -> dict[int, datetime]:
        """When each stage's `held` rows run out (the earliest of them), per stage."""
        query = (
            select(Hold.stage_id, func.min(Hold.expires_at))
            .where(Hold.status == "held")
            .group_by(Hold.stage_id)
        )
        if stage_ids is not None:
            query = query.where(col(Hold.stage_id).in_(list(stage_ids)))
        return {stage_id: _aware(when) for stage_id, when in self.session.exec(query).all()}

    def get(self, hold_id: int) -> Hold | None:
        return self.session.get(Hold, hold_id)
