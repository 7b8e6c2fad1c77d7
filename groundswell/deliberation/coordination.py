"""Between the database and groundswell.analysis.coordination: the host's report of likely
coordinated voting in one project. Only members' votes count (imported Pol.is voters have no
account, hence no account age)."""

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import scipy.sparse as sp

from groundswell.analysis.coordination import DAY, find_coordinated_rings
from groundswell.deliberation.models import MEMBER_VOTER, Vote
from groundswell.people.models import User
from groundswell.projects.models import Project

# What the report treats as new, short and alike; shown on the page so hosts can judge it.
SETTINGS = {
    "max_age_days": 7.0,
    "window_seconds": DAY,
    "min_agreement": 0.9,
    "min_shared": 5,
    "min_size": 5,
}


@dataclass(frozen=True)
class RingMember:
    username: str
    account_age_days: int  # at their first vote in the project


@dataclass(frozen=True)
class RingReport:
    members: list[RingMember]
    first_vote: datetime
    last_vote: datetime
    similarity: float
    shared_statements: int

    @property
    def size(self) -> int:
        return len(self.members)


def coordination_report(*, project: Project) -> list[RingReport]:
    rows = (
        Vote.objects.filter(project=project, voter__startswith=MEMBER_VOTER)
        .values_list("voter", "statement_id", "value", "created_at")
        .order_by()
    )
    voter_index: dict[str, int] = {}
    statement_index: dict[int, int] = {}
    r, c, v = [], [], []
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    for voter, statement_id, value, created_at in rows.iterator(chunk_size=20_000):
        i = voter_index.setdefault(voter, len(voter_index))
        j = statement_index.setdefault(statement_id, len(statement_index))
        r.append(i)
        c.append(j)
        v.append(value)
        t = created_at.timestamp()
        first[i] = min(first.get(i, t), t)
        last[i] = max(last.get(i, t), t)
    if not voter_index:
        return []
    user_ids = {voter: int(voter[1:]) for voter in voter_index if voter[1:].isdigit()}
    accounts = User.objects.filter(pk__in=user_ids.values()).values_list(
        "pk", "date_joined", "username"
    )
    joined, names = {}, {}
    for pk, date_joined, username in accounts:
        joined[pk], names[pk] = date_joined, username
    n = len(voter_index)
    ages = np.full(n, np.inf)  # a vote whose account is gone counts as old: never flagged
    by_row: dict[int, int] = {}
    for voter, i in voter_index.items():
        pk = user_ids.get(voter)
        if pk in joined:
            ages[i] = (first[i] - joined[pk].timestamp()) / DAY
            by_row[i] = pk
    votes = sp.csr_matrix(
        (np.asarray(v, dtype=np.float64), (np.asarray(r), np.asarray(c))),
        shape=(n, len(statement_index)),
    )
    rings = find_coordinated_rings(
        votes=votes,
        account_age_days=ages,
        first_vote_at=np.array([first[i] for i in range(n)]),
        last_vote_at=np.array([last[i] for i in range(n)]),
        **SETTINGS,
    )
    return [
        RingReport(
            members=[
                RingMember(username=names[by_row[i]], account_age_days=int(max(ages[i], 0)))
                for i in ring.members
            ],
            first_vote=datetime.fromtimestamp(ring.window_start, tz=UTC),
            last_vote=datetime.fromtimestamp(ring.window_end, tz=UTC),
            similarity=ring.similarity,
            shared_statements=ring.shared_statements,
        )
        for ring in rings
    ]
