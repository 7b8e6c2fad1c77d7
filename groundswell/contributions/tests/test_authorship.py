"""Looking protected keys up in batches: the notices, the vote page and the data export do."""

import pytest

from groundswell.contributions import authorship


@pytest.mark.django_db
def test_stored_keys_are_found_across_batches(monkeypatch):
    monkeypatch.setattr(authorship, "_LOOKUP_CHUNK", 2)
    for object_id in (1, 3, 5):
        authorship.protected_key_store(object_kind="statement", object_id=object_id, user_id=7)
    keys = {
        object_id: authorship.protected_key(object_kind="statement", object_id=object_id, user_id=7)
        for object_id in range(1, 7)
    }

    found = authorship.protected_keys_stored(keys.values())

    assert found == {keys[1], keys[3], keys[5]}
    assert authorship.protected_keys_stored([]) == set()
