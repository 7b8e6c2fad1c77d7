"""Contribution services and selectors: every kind, attribution, comments, links, browsing."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from groundswell.contributions import selectors, services
from groundswell.contributions.kinds import all_kinds
from groundswell.contributions.models import (
    Comment,
    Contribution,
    ContributionLink,
    ProtectedAuthorKey,
)
from groundswell.contributions.tests import samples
from groundswell.projects.models import Participant
from groundswell.projects.services import participant_join
from groundswell.testing import factories

# Each kind: details as a browser posts them, and the details as they must be stored.
VALID = {
    "practice": (
        {
            "setting": "Swindon LIFE programme",
            "done_by": "Family coaches, with 15 local families",
            "since": "2009",
            "outcomes": "Fewer crises and fewer agencies at the door",
            "cost": "Cheaper than the services it replaced",
            "evidence_level": "evaluated",
        },
        {
            "setting": "Swindon LIFE programme",
            "done_by": "Family coaches, with 15 local families",
            "since": 2009,
            "outcomes": "Fewer crises and fewer agencies at the door",
            "cost": "Cheaper than the services it replaced",
            "evidence_level": "evaluated",
        },
    ),
    "barrier": (
        {
            "rule": "Time-and-task commissioning of home care",
            "reference": "Council home care framework, schedule 2",
            "reference_url": "https://example.org/framework.pdf",
            "frontline_effect": "Carers rush fifteen-minute visits",
            "workaround": "",
            "gaming": "Logging visits as complete before they end",
            "frequency": "daily",
            "affected": "Older people living alone",
        },
        {
            "rule": "Time-and-task commissioning of home care",
            "reference": "Council home care framework, schedule 2",
            "reference_url": "https://example.org/framework.pdf",
            "frontline_effect": "Carers rush fifteen-minute visits",
            "gaming": "Logging visits as complete before they end",
            "frequency": "daily",
            "affected": "Older people living alone",
        },
    ),
    "failure_demand": (
        {
            "category": "chasing",
            "count": "120",
            "period": "week",
            "root_cause": "Visits missed without anyone being told",
        },
        {
            "category": "chasing",
            "count": 120,
            "period": "week",
            "root_cause": "Visits missed without anyone being told",
        },
    ),
    "idea": (
        {"who_should_act": "Commissioners", "expected_benefit": "Time to talk, fewer calls"},
        {"who_should_act": "Commissioners", "expected_benefit": "Time to talk, fewer calls"},
    ),
    "evidence": (
        {
            "source_type": "study",
            "source": "Evaluation of Shared Lives, 2023",
            "provenance": "Independent evaluators; published report",
            "url": "https://example.org/evaluation",
            "quality": "moderate",
        },
        {
            "source_type": "study",
            "source": "Evaluation of Shared Lives, 2023",
            "provenance": "Independent evaluators; published report",
            "url": "https://example.org/evaluation",
            "quality": "moderate",
        },
    ),
    "story": (
        {"setting": "Home care in Northfield", "may_quote": "on"},
        {"setting": "Home care in Northfield", "may_quote": True},
    ),
    "question": (
        {"why_it_matters": "Nobody has asked carers what a visit is for"},
        {"why_it_matters": "Nobody has asked carers what a visit is for"},
    ),
}

# Free-text answers of each kind that full-text search must see.
FREE_TEXT = {
    "practice": ["setting", "done_by", "outcomes", "cost"],
    "barrier": ["rule", "reference", "frontline_effect", "gaming", "affected"],
    "failure_demand": ["root_cause"],
    "idea": ["who_should_act", "expected_benefit"],
    "evidence": ["source", "provenance"],
    "story": ["setting"],
    "question": ["why_it_matters"],
}

REQUIRED = [
    ("practice", "setting"),
    ("practice", "outcomes"),
    ("practice", "evidence_level"),
    ("barrier", "rule"),
    ("barrier", "frontline_effect"),
    ("failure_demand", "category"),
    ("failure_demand", "count"),
    ("failure_demand", "period"),
    ("failure_demand", "root_cause"),
    ("idea", "expected_benefit"),
    ("evidence", "source_type"),
    ("evidence", "source"),
    ("evidence", "provenance"),
    ("evidence", "quality"),
    ("question", "why_it_matters"),
]

NEXT_YEAR = str(date.today().year + 1)
WRONG = [
    ("practice", "since", "nineteen ninety"),
    ("practice", "since", "1899"),
    ("practice", "since", NEXT_YEAR),
    ("practice", "evidence_level", "proven"),
    ("barrier", "reference_url", "not a url"),
    ("barrier", "reference_url", "javascript:alert(1)"),
    ("barrier", "frequency", "hourly"),
    ("failure_demand", "count", "0"),
    ("failure_demand", "count", "-4"),
    ("failure_demand", "count", "lots"),
    ("failure_demand", "count", "2.5"),
    ("failure_demand", "category", "bad_luck"),
    ("failure_demand", "period", "fortnight"),
    ("failure_demand", "linked_barrier", "the big one"),
    ("evidence", "source_type", "rumour"),
    ("evidence", "quality", "excellent"),
    ("evidence", "url", "javascript:alert(1)"),
    ("evidence", "url", "not a url"),
]


def create(project, author, kind="story", details=None, **kwargs):
    kwargs.setdefault("title", f"A {kind} about home care")
    kwargs.setdefault("body", "What happened when the policy met practice.")
    if details is None:
        details = dict(VALID[kind][0])
    return services.contribution_create(
        project=project, author=author, kind=kind, details=details, **kwargs
    )


# every kind


def test_the_tests_cover_every_registered_kind():
    registered = {k.slug for k in all_kinds()}
    assert registered == set(VALID)
    required_in_forms = {
        (k.slug, name)
        for k in all_kinds()
        for name, field in k.details_form.base_fields.items()
        if field.required
    }
    assert required_in_forms == set(REQUIRED)


@pytest.mark.parametrize("kind", sorted(VALID))
def test_a_valid_contribution_of_each_kind_saves_its_details(project, practitioner, kind):
    posted, stored = VALID[kind]

    contribution = create(project, practitioner, kind, dict(posted), title="  Padded title ")

    saved = Contribution.objects.get(pk=contribution.pk)
    assert saved.kind == kind
    assert saved.title == "Padded title"
    assert saved.details == stored
    assert saved.status == "published"
    assert saved.project == project
    for field in FREE_TEXT[kind]:
        assert stored[field] in saved.search_text
    assert "Padded title" in saved.search_text
    assert Participant.objects.filter(project=project, user=practitioner).exists()


def test_an_unticked_checkbox_is_left_out_of_the_details(project, practitioner):
    contribution = create(project, practitioner, "story", {"setting": "A day centre"})

    assert Contribution.objects.get(pk=contribution.pk).details == {"setting": "A day centre"}


@pytest.mark.parametrize(("kind", "field"), REQUIRED)
def test_a_missing_required_field_is_named(project, practitioner, kind, field):
    details = dict(VALID[kind][0])
    del details[field]

    with pytest.raises(ValidationError) as excinfo:
        create(project, practitioner, kind, details)

    assert field in excinfo.value.message_dict
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("kind", sorted(VALID))
@pytest.mark.parametrize("field", ["title", "body"])
def test_every_kind_needs_a_title_and_a_body(project, practitioner, kind, field):
    with pytest.raises(ValidationError) as excinfo:
        create(project, practitioner, kind, **{field: "   "})

    assert field in excinfo.value.message_dict
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(("kind", "field", "value"), WRONG)
def test_a_wrong_value_is_refused(project, practitioner, kind, field, value):
    details = {**VALID[kind][0], field: value}

    with pytest.raises(ValidationError) as excinfo:
        create(project, practitioner, kind, details)

    assert field in excinfo.value.message_dict
    assert not Contribution.objects.exists()


def test_the_current_year_is_a_valid_start_year(project, practitioner):
    details = {**VALID["practice"][0], "since": str(timezone.localdate().year)}

    contribution = create(project, practitioner, "practice", details)

    assert contribution.details["since"] == timezone.localdate().year


def test_an_unknown_kind_is_refused(project, practitioner):
    with pytest.raises(ValidationError) as excinfo:
        create(project, practitioner, "manifesto", details={})

    assert "kind" in excinfo.value.message_dict


def test_sector_defaults_to_the_projects_then_the_authors(practitioner, service_user):
    with_sector = factories.ProjectFactory(sector="housing")
    without_sector = factories.ProjectFactory(sector="")

    assert create(with_sector, practitioner).sector == "housing"
    assert create(without_sector, practitioner).sector == "social_care"
    assert create(without_sector, service_user, sector="health").sector == "health"


# failure demand and its barrier


def test_failure_demand_can_name_a_barrier_in_the_same_project(project, practitioner):
    barrier = create(project, practitioner, "barrier")
    details = {**VALID["failure_demand"][0], "linked_barrier": str(barrier.pk)}

    demand = create(project, practitioner, "failure_demand", details)

    assert Contribution.objects.get(pk=demand.pk).details["linked_barrier"] == barrier.pk


@pytest.mark.parametrize(
    "target",
    ["other_project_barrier", "same_project_idea", "missing", "pending", "withdrawn", "removed"],
)
def test_failure_demand_linked_barrier_must_be_a_barrier_here(project, practitioner, target):
    if target == "other_project_barrier":
        linked = create(factories.ProjectFactory(), practitioner, "barrier").pk
    elif target == "same_project_idea":
        linked = create(project, practitioner, "idea").pk
    elif target in ("pending", "withdrawn", "removed"):
        barrier = create(project, practitioner, "barrier")
        Contribution.objects.filter(pk=barrier.pk).update(status=target)
        linked = barrier.pk
    else:
        linked = create(project, practitioner, "barrier").pk + 1000
    details = {**VALID["failure_demand"][0], "linked_barrier": str(linked)}

    with pytest.raises(ValidationError) as excinfo:
        create(project, practitioner, "failure_demand", details)

    assert "linked_barrier" in excinfo.value.message_dict
    assert not Contribution.objects.filter(kind="failure_demand").exists()


# evidence files


def _upload(name, size=200, content_type="application/octet-stream", data=None):
    return SimpleUploadedFile(name, b"x" * size if data is None else data, content_type)


ACCEPTED = {
    "study.pdf": samples.pdf_with_metadata,
    "figures.CSV": lambda: b"x" * 200,
    "scan.jpeg": samples.jpeg_with_gps,
    "notes.odt": samples.odf_with_creator,
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_evidence_accepts_an_allowed_file(project, practitioner, name):
    upload = _upload(name, data=ACCEPTED[name]())
    contribution = create(project, practitioner, "evidence", attachment=upload)

    saved = Contribution.objects.get(pk=contribution.pk)
    assert saved.attachment.name.startswith("evidence/")
    assert saved.attachment.name.endswith(name.rsplit(".", 1)[1].lower())
    assert saved.attachment.size > 0
    assert "file" not in saved.details


@pytest.mark.parametrize("name", ["payload.exe", "study.pdf.exe", "page.html", "logo.svg", "noext"])
def test_evidence_refuses_other_file_types(project, practitioner, name):
    with pytest.raises(ValidationError) as excinfo:
        create(project, practitioner, "evidence", attachment=_upload(name))

    assert "file" in excinfo.value.message_dict
    assert not Contribution.objects.exists()


def test_evidence_refuses_a_file_over_the_size_cap(project, practitioner, settings):
    settings.GROUNDSWELL_MAX_UPLOAD_BYTES = 100

    with pytest.raises(ValidationError) as excinfo:
        create(project, practitioner, "evidence", attachment=_upload("big.pdf", size=101))
    assert "file" in excinfo.value.message_dict
    assert not Contribution.objects.exists()

    at_cap = create(project, practitioner, "evidence", attachment=_upload("ok.csv", size=100))
    assert Contribution.objects.get(pk=at_cap.pk).attachment.size == 100


def test_a_kind_without_files_ignores_an_attachment(project, practitioner):
    contribution = create(project, practitioner, "story", attachment=_upload("photo.jpg"))

    assert not Contribution.objects.get(pk=contribution.pk).attachment


# attribution


def test_named_attribution_keeps_the_author(project, practitioner):
    contribution = create(project, practitioner, attribution="named")

    saved = Contribution.objects.get(pk=contribution.pk)
    assert saved.author == practitioner
    assert saved.pseudonym == ""
    assert saved.byline == "Priya Practitioner"
    assert (saved.author_role, saved.author_sector) == ("practitioner", "social_care")
    assert services.is_author(item=saved, user=practitioner)
    assert not services.is_author(item=saved, user=factories.UserFactory())


def test_pseudonymous_attribution_needs_a_pseudonym(project, practitioner):
    with pytest.raises(ValidationError) as excinfo:
        create(project, practitioner, attribution="pseudonymous")

    assert "attribution" in excinfo.value.message_dict
    assert not Contribution.objects.exists()


def test_pseudonymous_attribution_stores_the_pseudonym(project, practitioner):
    practitioner.pseudonym = "NightShift"
    practitioner.save(update_fields=["pseudonym"])

    contribution = create(project, practitioner, attribution="pseudonymous")

    saved = Contribution.objects.get(pk=contribution.pk)
    assert saved.pseudonym == "NightShift"
    assert saved.byline == "NightShift"
    assert "Priya" not in saved.byline
    assert services.is_author(item=saved, user=practitioner)


def test_an_unknown_attribution_is_refused(project, practitioner):
    with pytest.raises(ValidationError) as excinfo:
        create(project, practitioner, attribution="anonymous")

    assert "attribution" in excinfo.value.message_dict


def test_protected_attribution_keeps_no_author_and_only_the_day(
    project, practitioner, service_user, host_admin, staff
):
    keys_before = ProtectedAuthorKey.objects.count()
    for _ in range(4):  # enough fellow social care practitioners to show the perspective
        participant_join(
            project=project,
            user=factories.UserFactory(role="practitioner", sector="social_care"),
        )

    contribution = create(project, practitioner, attribution="protected")

    saved = Contribution.objects.get(pk=contribution.pk)
    assert saved.author is None
    assert saved.author_id is None
    assert saved.pseudonym == ""
    assert saved.byline == "Protected contributor"
    created = timezone.localtime(saved.created_at)
    assert created.date() == timezone.localdate()
    assert (created.hour, created.minute, created.second, created.microsecond) == (0, 0, 0, 0)
    # What the results are broken down by is kept; who wrote it is not.
    assert (saved.author_role, saved.author_sector) == ("practitioner", "social_care")
    assert ProtectedAuthorKey.objects.count() == keys_before + 1
    stored_key = ProtectedAuthorKey.objects.latest("pk").key
    assert str(practitioner.pk) not in stored_key.split(":")
    assert practitioner.username not in stored_key

    assert services.is_author(item=saved, user=practitioner)
    for other in (service_user, host_admin, staff, AnonymousUser()):
        assert not services.is_author(item=saved, user=other)


def test_a_protected_key_recognises_its_own_item_only(project, practitioner, service_user):
    mine = create(project, practitioner, attribution="protected")
    theirs = create(project, service_user, attribution="protected")

    assert services.is_author(item=mine, user=practitioner)
    assert not services.is_author(item=theirs, user=practitioner)
    assert services.is_author(item=theirs, user=service_user)
    assert not services.is_author(item=mine, user=service_user)


# permission to contribute


def test_contributing_outside_the_contribution_phases_is_refused(practitioner):
    drafting = factories.ProjectFactory(phases=[("gather", -20, -1), ("draft", 0, 10)])

    with pytest.raises(PermissionDenied):
        create(drafting, practitioner)

    assert not Contribution.objects.exists()
    assert not Participant.objects.filter(user=practitioner).exists()


def test_an_outsider_cannot_contribute_to_a_private_project(private_project, outsider):
    with pytest.raises(PermissionDenied):
        create(private_project, outsider)

    assert not Contribution.objects.exists()


# withdrawing


def test_the_author_can_withdraw_and_it_disappears(project, practitioner):
    contribution = create(project, practitioner, "barrier")

    services.contribution_withdraw(contribution=contribution, by=practitioner)

    assert Contribution.objects.get(pk=contribution.pk).status == "withdrawn"
    assert list(selectors.contributions_list(project=project)) == []
    assert selectors.kind_counts(project=project) == {}
    with pytest.raises(Http404):
        selectors.contribution_get(project=project, pk=contribution.pk)


@pytest.mark.parametrize("attribution", ["named", "protected"])
def test_nobody_but_the_author_can_withdraw(
    project, practitioner, service_user, host_admin, staff, attribution
):
    contribution = create(project, practitioner, attribution=attribution)

    for other in (service_user, host_admin, staff, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.contribution_withdraw(contribution=contribution, by=other)

    assert Contribution.objects.get(pk=contribution.pk).status == "published"


def test_the_author_of_a_protected_contribution_can_withdraw_it(project, practitioner):
    contribution = create(project, practitioner, attribution="protected")

    services.contribution_withdraw(contribution=contribution, by=practitioner)

    assert Contribution.objects.get(pk=contribution.pk).status == "withdrawn"


# comments


def test_comments_thread_one_level_deep(project, practitioner, service_user, outsider):
    contribution = create(project, practitioner)

    top = services.comment_create(contribution=contribution, author=service_user, body=" Yes ")
    reply = services.comment_create(
        contribution=contribution, author=outsider, body="Same here", parent=top
    )
    reply_to_reply = services.comment_create(
        contribution=contribution, author=practitioner, body="Thank you", parent=reply
    )

    assert top.parent is None
    assert top.body == "Yes"
    assert Comment.objects.get(pk=reply.pk).parent_id == top.pk
    assert Comment.objects.get(pk=reply_to_reply.pk).parent_id == top.pk
    assert list(top.replies.order_by("id")) == [reply, reply_to_reply]
    threads = list(selectors.comments_for(contribution=contribution))
    assert threads == [top]
    assert list(threads[0].replies.all()) == [reply, reply_to_reply]
    assert Contribution.objects.get(pk=contribution.pk).comment_count == 3


def test_commenting_makes_the_commenter_a_participant(project, practitioner, outsider):
    contribution = create(project, practitioner)
    assert not Participant.objects.filter(project=project, user=outsider).exists()

    services.comment_create(contribution=contribution, author=outsider, body="Seen it")

    assert Participant.objects.filter(project=project, user=outsider).count() == 1


def test_a_reply_must_stay_in_its_own_thread(project, practitioner, service_user):
    first = create(project, practitioner)
    second = create(project, practitioner)
    elsewhere = services.comment_create(contribution=first, author=service_user, body="Here")

    with pytest.raises(ValidationError) as excinfo:
        services.comment_create(
            contribution=second, author=service_user, body="There", parent=elsewhere
        )

    assert "parent" in excinfo.value.message_dict
    assert Contribution.objects.get(pk=second.pk).comment_count == 0
    assert not Comment.objects.filter(contribution=second).exists()


@pytest.mark.parametrize("status", ["hidden", "removed"])
@pytest.mark.parametrize("to_a_reply", [False, True])
def test_no_reply_goes_under_a_thread_nobody_can_see(
    project, practitioner, service_user, status, to_a_reply
):
    contribution = create(project, practitioner)
    top = services.comment_create(contribution=contribution, author=service_user, body="Top")
    reply = services.comment_create(
        contribution=contribution, author=practitioner, body="Reply", parent=top
    )
    Comment.objects.filter(pk=top.pk).update(status=status)
    services.contribution_comment_count_refresh(contribution_id=contribution.pk)

    with pytest.raises(ValidationError) as excinfo:
        services.comment_create(
            contribution=contribution,
            author=practitioner,
            body="Lost",
            parent=Comment.objects.get(pk=reply.pk if to_a_reply else top.pk),
        )

    assert "parent" in excinfo.value.message_dict
    assert not Comment.objects.filter(body="Lost").exists()
    assert Contribution.objects.get(pk=contribution.pk).comment_count == 0


def test_an_empty_comment_is_refused(project, practitioner):
    contribution = create(project, practitioner)

    with pytest.raises(ValidationError):
        services.comment_create(contribution=contribution, author=practitioner, body="   ")

    assert Contribution.objects.get(pk=contribution.pk).comment_count == 0


def test_a_protected_comment_keeps_no_author(project, practitioner, service_user):
    contribution = create(project, practitioner)

    comment = services.comment_create(
        contribution=contribution,
        author=service_user,
        body="It happened to me",
        attribution="protected",
    )

    saved = Comment.objects.get(pk=comment.pk)
    assert saved.author is None
    assert timezone.localtime(saved.created_at).hour == 0
    assert services.is_author(item=saved, user=service_user)
    assert not services.is_author(item=saved, user=practitioner)


def test_commenting_after_the_comment_phases_is_refused(practitioner, service_user):
    project = factories.ProjectFactory(phases=[("gather", -20, -10), ("publish", -9, 10)])
    contribution = factories.ContributionFactory(project=project, author=practitioner)

    with pytest.raises(PermissionDenied):
        services.comment_create(contribution=contribution, author=service_user, body="Late")

    assert Contribution.objects.get(pk=contribution.pk).comment_count == 0


# links


def test_a_link_joins_two_contributions_in_the_same_project(project, practitioner):
    idea = create(project, practitioner, "idea")
    evidence = create(project, practitioner, "evidence")

    link = services.link_create(
        source=evidence, target_id=idea.pk, relation="supports", by=practitioner, note=" Why "
    )

    assert (link.source, link.target, link.relation, link.note) == (
        evidence,
        idea,
        "supports",
        "Why",
    )
    links = selectors.contribution_links(contribution=idea)
    assert [lk.source for lk in links["incoming"]] == [evidence]
    assert links["outgoing"] == []


def test_a_link_to_another_projects_contribution_is_refused(project, practitioner):
    here = create(project, practitioner, "idea")
    there = create(factories.ProjectFactory(), practitioner, "idea")

    with pytest.raises(ValidationError) as excinfo:
        services.link_create(source=here, target_id=there.pk, relation="supports", by=practitioner)

    assert "target" in excinfo.value.message_dict
    assert not ContributionLink.objects.exists()


def test_a_contribution_cannot_link_to_itself(project, practitioner):
    idea = create(project, practitioner, "idea")

    with pytest.raises(ValidationError) as excinfo:
        services.link_create(source=idea, target_id=idea.pk, relation="supports", by=practitioner)

    assert "target" in excinfo.value.message_dict
    assert not ContributionLink.objects.exists()


def test_only_a_practice_can_be_replicated(project, practitioner):
    story = create(project, practitioner, "story")
    barrier = create(project, practitioner, "barrier")
    practice = create(project, practitioner, "practice")

    with pytest.raises(ValidationError) as excinfo:
        services.link_create(
            source=story, target_id=barrier.pk, relation="replicates", by=practitioner
        )
    assert "relation" in excinfo.value.message_dict

    link = services.link_create(
        source=story, target_id=practice.pk, relation="replicates", by=practitioner
    )
    assert list(ContributionLink.objects.all()) == [link]


def test_a_duplicate_link_is_refused(project, practitioner):
    idea = create(project, practitioner, "idea")
    barrier = create(project, practitioner, "barrier")
    services.link_create(source=idea, target_id=barrier.pk, relation="addresses", by=practitioner)

    with pytest.raises(ValidationError):
        services.link_create(
            source=idea, target_id=barrier.pk, relation="addresses", by=practitioner
        )
    assert ContributionLink.objects.count() == 1

    services.link_create(source=idea, target_id=barrier.pk, relation="contradicts", by=practitioner)
    assert ContributionLink.objects.count() == 2


def test_links_to_withdrawn_or_unknown_targets_are_refused(project, practitioner):
    idea = create(project, practitioner, "idea")
    gone = create(project, practitioner, "barrier")
    services.contribution_withdraw(contribution=gone, by=practitioner)

    for target_id in (gone.pk, gone.pk + 1000):
        with pytest.raises(ValidationError):
            services.link_create(
                source=idea, target_id=target_id, relation="addresses", by=practitioner
            )
    with pytest.raises(ValidationError) as excinfo:
        services.link_create(source=idea, target_id=gone.pk, relation="inspires", by=practitioner)
    assert "relation" in excinfo.value.message_dict
    assert not ContributionLink.objects.exists()


# listing, filtering and search


@pytest.fixture
def mixed(project, practitioner, service_user):
    return {
        "barrier": create(project, practitioner, "barrier", title="Fifteen-minute slots"),
        "story": create(project, service_user, "story", title="My carer never sits down"),
        "housing_story": create(
            project, service_user, "story", title="Moved again", sector="housing"
        ),
        "practice": create(project, practitioner, "practice", title="Shared Lives"),
    }


def _titles(qs):
    return sorted(c.title for c in qs)


def test_contributions_list_filters_by_kind_sector_and_role(project, mixed):
    assert _titles(selectors.contributions_list(project=project, kind="story")) == [
        "Moved again",
        "My carer never sits down",
    ]
    assert _titles(selectors.contributions_list(project=project, sector="housing")) == [
        "Moved again"
    ]
    assert _titles(selectors.contributions_list(project=project, author_role="practitioner")) == [
        "Fifteen-minute slots",
        "Shared Lives",
    ]
    assert _titles(
        selectors.contributions_list(
            project=project, kind="story", author_role="service_user", sector="social_care"
        )
    ) == ["My carer never sits down"]
    assert selectors.kind_counts(project=project) == {"barrier": 1, "story": 2, "practice": 1}


def test_contributions_list_is_newest_first_and_only_this_project(project, mixed, practitioner):
    create(factories.ProjectFactory(), practitioner, title="Somewhere else")

    listed = list(selectors.contributions_list(project=project))

    assert [c.pk for c in listed] == sorted((c.pk for c in mixed.values()), reverse=True)


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("The missed visit was never rebooked", "visits"),
        ("Visits are cut to fifteen minutes", "visit"),
        ("Nobody was visiting on Sundays", "visits"),
    ],
)
def test_search_matches_word_forms(project, practitioner, stored, query):
    match = create(project, practitioner, title=stored)
    create(project, practitioner, title="Paperwork before people")

    found = list(selectors.contributions_list(project=project, q=query))

    assert found == [match]


def test_search_looks_in_the_kinds_own_fields(project, practitioner):
    barrier = create(project, practitioner, "barrier", title="Short slots", body="Rushed.")
    create(project, practitioner, "idea", title="Longer slots", body="More time.")

    found = list(selectors.contributions_list(project=project, q="schedule"))

    assert found == [barrier]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"visit',
        "visit*",
        "*",
        "visit AND (",
        "AND (",
        "NEAR",
        "NEAR(visit care, 2)",
        "visit OR",
        "NOT visit",
        "-visit",
        "visit:care",
        "title:visit",
        "^visit",
        "visit & | ! <-> care",
        "(((",
        "')--",
        "%_\\",
        "carer's visit",
        "😀 visit",
    ],
)
def test_search_never_fails_on_odd_input(project, practitioner, query):
    create(project, practitioner, title="A missed visit")

    in_project = list(selectors.contributions_list(project=project, q=query))
    everywhere = list(selectors.contributions_list(user=practitioner, q=query))

    assert len(in_project) <= 1
    assert len(everywhere) <= 1


@pytest.mark.parametrize("query", ['"', "*", "(((", "   ", "-", "?!"])
def test_a_search_with_no_words_filters_nothing(project, practitioner, query):
    first = create(project, practitioner, title="A missed visit")
    second = create(project, practitioner, title="Paperwork")

    found = list(selectors.contributions_list(project=project, q=query))

    assert found == [second, first]


def test_search_still_finds_words_among_punctuation(project, practitioner):
    match = create(project, practitioner, title="A missed visit")
    create(project, practitioner, title="Paperwork")

    assert list(selectors.contributions_list(project=project, q='"missed visit"')) == [match]
    assert list(selectors.contributions_list(project=project, q="missed, visit!")) == [match]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Every word is needed, whatever punctuation is around it, on SQLite and PostgreSQL
        # alike: PostgreSQL read "-visit" as "without visit" and a hyphen as a phrase.
        ("care -visit", ["care visit"]),
        ("home-care", ["home care"]),
        ("care-leavers", ["care leavers"]),
        # The last word may be the start of one.
        ("vis", ["care visit"]),
        ("care lea", ["care leavers"]),
    ],
)
def test_search_reads_a_query_the_same_way_on_every_database(
    project, practitioner, query, expected
):
    for title in ("A missed care visit", "Moving on for care leavers", "Help at home: care"):
        create(project, practitioner, title=title, body="What happened.", details={})
    titles = {
        "care visit": "A missed care visit",
        "care leavers": "Moving on for care leavers",
        "home care": "Help at home: care",
    }

    found = [c.title for c in selectors.contributions_list(project=project, q=query)]

    assert found == [titles[e] for e in expected]


def test_browse_hides_private_projects_from_outsiders(
    project, private_project, practitioner, service_user, outsider, host_admin, staff
):
    public = create(project, practitioner, title="Public visit story")
    participant_join(project=private_project, user=service_user)
    private = create(private_project, service_user, title="Private visit story")

    def browse(user, q=""):
        return sorted(c.pk for c in selectors.contributions_list(user=user, q=q))

    for user in (AnonymousUser(), outsider):
        assert browse(user) == [public.pk]
        assert browse(user, q="visit") == [public.pk]
    both = sorted([public.pk, private.pk])
    for user in (service_user, host_admin, staff):
        assert browse(user) == both
        assert browse(user, q="visit") == both
    # Practitioner took part only in the public project.
    assert browse(practitioner) == [public.pk]


def test_withdrawn_contributions_are_hidden_everywhere(project, practitioner):
    kept = create(project, practitioner, title="A visit that went well")
    gone = create(project, practitioner, title="A visit I regret")
    services.contribution_withdraw(contribution=gone, by=practitioner)

    assert list(selectors.contributions_list(project=project)) == [kept]
    assert list(selectors.contributions_list(project=project, q="visit")) == [kept]
    assert list(selectors.contributions_list(user=practitioner)) == [kept]
    assert list(selectors.contributions_list(user=practitioner, q="regret")) == []
    assert selectors.kind_counts(project=project) == {"story": 1}


def test_links_to_withdrawn_contributions_are_not_shown(project, practitioner):
    idea = create(project, practitioner, "idea")
    barrier = create(project, practitioner, "barrier")
    services.link_create(source=idea, target_id=barrier.pk, relation="addresses", by=practitioner)

    services.contribution_withdraw(contribution=barrier, by=practitioner)

    assert selectors.contribution_links(contribution=idea) == {"outgoing": [], "incoming": []}


def test_protected_and_named_times_differ_only_for_protected(project, practitioner, today):
    named = create(project, practitioner, attribution="named")
    protected = create(project, practitioner, attribution="protected")

    assert timezone.localtime(protected.created_at).date() == today
    assert abs(timezone.now() - named.created_at) < timedelta(minutes=5)
