from groundswell.core.pagecache import page_cache_bump
from groundswell.people.models import User

PROFILE_FIELDS = ("display_name", "bio", "role", "sector", "region", "pseudonym")


def profile_update(*, user: User, **fields) -> User:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=list(fields))
    # Names appear in bylines and as hosts everywhere; roles in the participation tables.
    page_cache_bump(scope="site")
    return user
