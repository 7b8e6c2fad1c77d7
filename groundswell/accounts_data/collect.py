"""Finding everything that belongs to a member, protected items included.

Protected items store no author: the only way to find a member's own is to recompute the keyed
hash for each protected item and look the keys up (contributions.authorship). That costs one
HMAC per protected item on the site; it runs only in the background export and on deletion.
"""

from dataclasses import dataclass, field

from django.db.models import Model

from groundswell.contributions.authorship import protected_key, protected_keys_stored
from groundswell.contributions.models import Attribution, Comment, Contribution
from groundswell.deliberation.models import Idea, Statement

# object_kind (as authorship.py names it) -> model: every kind of item that can be protected.
ATTRIBUTED: dict[str, type[Model]] = {
    "contribution": Contribution,
    "comment": Comment,
    "statement": Statement,
    "idea": Idea,
}


@dataclass
class ProtectedItems:
    """The member's protected items, by kind, and the keys that tie them to the member."""

    ids: dict[str, list[int]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)


def protected_items_of(*, user_id: int) -> ProtectedItems:
    found = ProtectedItems()
    for kind, model in ATTRIBUTED.items():
        candidates = {
            protected_key(object_kind=kind, object_id=pk, user_id=user_id): pk
            for pk in model.objects.filter(attribution=Attribution.PROTECTED)
            .values_list("pk", flat=True)
            .iterator()
        }
        stored = protected_keys_stored(candidates)
        found.keys.extend(key for key in candidates if key in stored)
        found.ids[kind] = sorted(candidates[key] for key in stored)
    return found
