"""The role x action x phase permission matrix, in one table.

The table below is written out by hand from the design: who may see, contribute to, comment on,
edit and moderate public and private projects in each phase. It is checked against `can()`, the
door `project_get_for_user`, and for some phases the real pages.
"""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from groundswell.contributions.models import Comment, Contribution
from groundswell.projects.models import Phase
from groundswell.projects.permissions import Action, can, project_get_for_user
from groundswell.projects.services import participant_join
from groundswell.testing import factories

ACTIONS = ["view", "contribute", "comment", "edit", "moderate"]

# Y: allowed, -: refused.
# visibility role     phase        view  contribute  comment  edit  moderate
MATRIX = """
public   anonymous   before       Y     -           -        -     -
public   anonymous   define       Y     -           -        -     -
public   anonymous   gather       Y     -           -        -     -
public   anonymous   deliberate   Y     -           -        -     -
public   anonymous   draft        Y     -           -        -     -
public   anonymous   crowd_check  Y     -           -        -     -
public   anonymous   publish      Y     -           -        -     -
public   anonymous   follow_up    Y     -           -        -     -
public   anonymous   after        Y     -           -        -     -
public   outsider    before       Y     -           -        -     -
public   outsider    define       Y     Y           Y        -     -
public   outsider    gather       Y     Y           Y        -     -
public   outsider    deliberate   Y     Y           Y        -     -
public   outsider    draft        Y     -           Y        -     -
public   outsider    crowd_check  Y     -           Y        -     -
public   outsider    publish      Y     -           -        -     -
public   outsider    follow_up    Y     -           -        -     -
public   outsider    after        Y     -           -        -     -
public   member      before       Y     -           -        -     -
public   member      define       Y     Y           Y        -     -
public   member      gather       Y     Y           Y        -     -
public   member      deliberate   Y     Y           Y        -     -
public   member      draft        Y     -           Y        -     -
public   member      crowd_check  Y     -           Y        -     -
public   member      publish      Y     -           -        -     -
public   member      follow_up    Y     -           -        -     -
public   member      after        Y     -           -        -     -
public   host_admin  before       Y     -           -        Y     Y
public   host_admin  define       Y     Y           Y        Y     Y
public   host_admin  gather       Y     Y           Y        Y     Y
public   host_admin  deliberate   Y     Y           Y        Y     Y
public   host_admin  draft        Y     -           Y        Y     Y
public   host_admin  crowd_check  Y     -           Y        Y     Y
public   host_admin  publish      Y     -           -        Y     Y
public   host_admin  follow_up    Y     -           -        Y     Y
public   host_admin  after        Y     -           -        Y     Y
public   staff       before       Y     -           -        Y     Y
public   staff       define       Y     Y           Y        Y     Y
public   staff       gather       Y     Y           Y        Y     Y
public   staff       deliberate   Y     Y           Y        Y     Y
public   staff       draft        Y     -           Y        Y     Y
public   staff       crowd_check  Y     -           Y        Y     Y
public   staff       publish      Y     -           -        Y     Y
public   staff       follow_up    Y     -           -        Y     Y
public   staff       after        Y     -           -        Y     Y
private  anonymous   before       -     -           -        -     -
private  anonymous   define       -     -           -        -     -
private  anonymous   gather       -     -           -        -     -
private  anonymous   deliberate   -     -           -        -     -
private  anonymous   draft        -     -           -        -     -
private  anonymous   crowd_check  -     -           -        -     -
private  anonymous   publish      -     -           -        -     -
private  anonymous   follow_up    -     -           -        -     -
private  anonymous   after        -     -           -        -     -
private  outsider    before       -     -           -        -     -
private  outsider    define       -     -           -        -     -
private  outsider    gather       -     -           -        -     -
private  outsider    deliberate   -     -           -        -     -
private  outsider    draft        -     -           -        -     -
private  outsider    crowd_check  -     -           -        -     -
private  outsider    publish      -     -           -        -     -
private  outsider    follow_up    -     -           -        -     -
private  outsider    after        -     -           -        -     -
private  member      before       Y     -           -        -     -
private  member      define       Y     Y           Y        -     -
private  member      gather       Y     Y           Y        -     -
private  member      deliberate   Y     Y           Y        -     -
private  member      draft        Y     -           Y        -     -
private  member      crowd_check  Y     -           Y        -     -
private  member      publish      Y     -           -        -     -
private  member      follow_up    Y     -           -        -     -
private  member      after        Y     -           -        -     -
private  host_admin  before       Y     -           -        Y     Y
private  host_admin  define       Y     Y           Y        Y     Y
private  host_admin  gather       Y     Y           Y        Y     Y
private  host_admin  deliberate   Y     Y           Y        Y     Y
private  host_admin  draft        Y     -           Y        Y     Y
private  host_admin  crowd_check  Y     -           Y        Y     Y
private  host_admin  publish      Y     -           -        Y     Y
private  host_admin  follow_up    Y     -           -        Y     Y
private  host_admin  after        Y     -           -        Y     Y
private  staff       before       Y     -           -        Y     Y
private  staff       define       Y     Y           Y        Y     Y
private  staff       gather       Y     Y           Y        Y     Y
private  staff       deliberate   Y     Y           Y        Y     Y
private  staff       draft        Y     -           Y        Y     Y
private  staff       crowd_check  Y     -           Y        Y     Y
private  staff       publish      Y     -           -        Y     Y
private  staff       follow_up    Y     -           -        Y     Y
private  staff       after        Y     -           -        Y     Y
"""


def _rows():
    for line in MATRIX.strip().splitlines():
        visibility, role, phase, *cells = line.split()
        assert len(cells) == len(ACTIONS), line
        allowed = frozenset(a for a, cell in zip(ACTIONS, cells, strict=True) if cell == "Y")
        yield pytest.param(visibility, role, phase, allowed, id=f"{visibility}-{role}-{phase}")


ROWS = list(_rows())

# Every phase of the core loop, ten days each; "before" and "after" put today outside them all.
PHASES = ["define", "gather", "deliberate", "draft", "crowd_check", "publish", "follow_up"]
# The phases in which the real pages are also requested.
HTTP_PHASES = {"before", "gather", "draft", "after"}


def _phases_around_today(state: str) -> list[tuple[str, int, int]]:
    if state == "before":
        first = 5
    elif state == "after":
        first = -5 - 10 * len(PHASES)
    else:
        first = -5 - 10 * PHASES.index(state)
    return [(kind, first + 10 * i, first + 10 * i + 9) for i, kind in enumerate(PHASES)]


def _current_kind(project) -> str | None:
    today = timezone.localdate()
    current = [p.kind for p in Phase.objects.filter(project=project) if p.is_current(today)]
    assert len(current) <= 1
    return current[0] if current else None


def _login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(
        reverse("account_login") + "?next="
    )


def _expected_status(role: str, allowed: frozenset, action: str, *, login_first: bool) -> str:
    if login_first and role == "anonymous":
        return "login"
    if "view" not in allowed:
        return "404"
    return "ok" if action in allowed else "403"


def _check(response, expected: str, ok_status: int) -> None:
    if expected == "login":
        assert _login_redirect(response), (response.status_code, response.get("Location"))
    elif expected == "404":
        assert response.status_code == 404
    elif expected == "403":
        assert response.status_code == 403
    else:
        assert response.status_code == ok_status, response.status_code


@pytest.mark.parametrize("host", ["organisation", "person"])
@pytest.mark.parametrize(("visibility", "role", "phase", "allowed"), ROWS)
def test_permission_matrix(
    client,
    host,
    visibility,
    role,
    phase,
    allowed,
    host_org,
    host_admin,
    practitioner,
    outsider,
    staff,
):
    if host == "organisation":
        project = factories.ProjectFactory(
            host_organisation=host_org,
            created_by=host_admin,
            visibility=visibility,
            phases=_phases_around_today(phase),
        )
        # Belonging to the hosting organisation without being its admin grants nothing.
        factories.MembershipFactory(organisation=host_org, user=outsider, is_admin=False)
    else:
        project = factories.ProjectFactory(
            host_user=host_admin,
            created_by=host_admin,
            visibility=visibility,
            phases=_phases_around_today(phase),
        )
    assert _current_kind(project) == (None if phase in {"before", "after"} else phase)
    participant_join(project=project, user=practitioner)
    user = {
        "anonymous": AnonymousUser(),
        "outsider": outsider,
        "member": practitioner,
        "host_admin": host_admin,
        "staff": staff,
    }[role]

    # can()
    for action in Action:
        assert can(user=user, action=action, project=project) == (action.value in allowed), action

    # The door: 404 where the project may not even be seen, 403 for a refused action.
    for action in Action:
        if "view" not in allowed:
            with pytest.raises(Http404):
                project_get_for_user(slug=project.slug, user=user, action=action)
        elif action.value in allowed:
            assert project_get_for_user(slug=project.slug, user=user, action=action) == project
        else:
            with pytest.raises(PermissionDenied):
                project_get_for_user(slug=project.slug, user=user, action=action)

    if phase not in HTTP_PHASES:
        return
    if role != "anonymous":
        client.force_login(user)
    existing = factories.ContributionFactory(project=project, author=host_admin)

    def expect(action, *, login_first=True):
        return _expected_status(role, allowed, action, login_first=login_first)

    _check(client.get(project.get_absolute_url()), expect("view", login_first=False), 200)
    _check(client.get(existing.get_absolute_url()), expect("view", login_first=False), 200)
    create_url = reverse("contributions:create", args=[project.slug, "story"])
    _check(client.get(create_url), expect("contribute"), 200)
    _check(client.get(reverse("projects:edit", args=[project.slug])), expect("edit"), 200)

    response = client.post(
        reverse("contributions:comment", args=[project.slug, existing.pk]),
        {"body": "I have seen this too.", "attribution": "named"},
    )
    _check(response, expect("comment"), 302)
    expected_comments = 1 if expect("comment") == "ok" else 0
    assert Comment.objects.filter(contribution=existing).count() == expected_comments

    response = client.post(
        create_url,
        {
            "title": "The visit that was cut short",
            "body": "Fifteen minutes is not enough to help someone wash.",
            "attribution": "named",
            "setting": "Home care",
        },
    )
    _check(response, expect("contribute"), 302)
    created = Contribution.objects.filter(project=project).exclude(pk=existing.pk)
    if expect("contribute") == "ok":
        [contribution] = created
        assert contribution.author == user
        assert response.url == contribution.get_absolute_url()
    else:
        assert not created.exists()


def test_the_matrix_covers_every_combination():
    combos = {(p.values[0], p.values[1], p.values[2]) for p in ROWS}
    roles = {"anonymous", "outsider", "member", "host_admin", "staff"}
    phases = {"before", "after", *PHASES}
    assert len(ROWS) == len(combos) == 2 * len(roles) * len(phases)
    assert {c[1] for c in combos} == roles
    assert {c[2] for c in combos} == phases


def test_the_phase_plans_put_today_where_the_table_says():
    for state in ["before", "after", *PHASES]:
        spans = _phases_around_today(state)
        current = [kind for kind, first, last in spans if first <= 0 <= last]
        assert current == ([] if state in {"before", "after"} else [state])
        assert all(a[2] < b[1] for a, b in itertools.pairwise(spans))


def test_an_admin_of_another_organisation_is_not_a_host(host_org, host_admin, outsider):
    other = factories.OrganisationFactory(name="Elsewhere Trust")
    factories.MembershipFactory(organisation=other, user=outsider, is_admin=True)
    project = factories.ProjectFactory(
        host_organisation=host_org, created_by=host_admin, visibility="private"
    )

    assert not can(user=outsider, action=Action.EDIT, project=project)
    with pytest.raises(Http404):
        project_get_for_user(slug=project.slug, user=outsider, action=Action.EDIT)


def test_an_unknown_project_is_404_for_everyone(staff):
    for user in (AnonymousUser(), staff):
        with pytest.raises(Http404):
            project_get_for_user(slug="no-such-project", user=user)


def test_a_private_project_joined_by_invitation_opens_up(private_project, outsider):
    with pytest.raises(Http404):
        project_get_for_user(slug=private_project.slug, user=outsider)

    participant_join(project=private_project, user=outsider)

    assert project_get_for_user(slug=private_project.slug, user=outsider) == private_project
    assert (
        project_get_for_user(slug=private_project.slug, user=outsider, action=Action.CONTRIBUTE)
        == private_project
    )
    with pytest.raises(PermissionDenied):
        project_get_for_user(slug=private_project.slug, user=outsider, action=Action.EDIT)


def test_phase_dates_are_inclusive(host_org, host_admin, practitioner):
    today = timezone.localdate()
    ends_today = factories.ProjectFactory(
        host_organisation=host_org, phases=[("gather", -10, 0), ("draft", 1, 10)]
    )
    starts_today = factories.ProjectFactory(
        host_organisation=host_org, phases=[("define", -10, -1), ("draft", 0, 10)]
    )

    assert can(user=practitioner, action=Action.CONTRIBUTE, project=ends_today)
    assert not can(user=practitioner, action=Action.CONTRIBUTE, project=starts_today)
    tomorrow = today + timedelta(days=1)
    assert not can(user=practitioner, action=Action.CONTRIBUTE, project=ends_today, today=tomorrow)


def test_the_door_remembers_the_role_it_found_for_that_member_until_they_join(
    project, outsider, practitioner, django_assert_num_queries
):
    from groundswell.projects.permissions import ProjectRole, project_role

    found = project_get_for_user(slug=project.slug, user=outsider, action=Action.CONTRIBUTE)
    # A service's own check on the same project asks the database nothing more...
    with django_assert_num_queries(0):
        assert project_role(user=outsider, project=found) == ProjectRole.OUTSIDER
    # ...but only for the member the door looked up for.
    with django_assert_num_queries(2):  # host-admin membership, then participation
        assert project_role(user=practitioner, project=found) == ProjectRole.OUTSIDER

    participant_join(project=found, user=outsider)

    assert project_role(user=outsider, project=found) == ProjectRole.MEMBER
