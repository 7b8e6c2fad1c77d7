"""What the published results must not tell: who is which mark on the opinion map."""

import random
import re

from groundswell.deliberation import analysis, services
from groundswell.deliberation.models import AnalysisSnapshot
from groundswell.testing import factories


def test_the_opinion_map_lists_its_marks_in_no_order_of_who_they_are(client, project, host_admin):
    """Each mark is one participant. Were the marks listed in the order of the members' accounts
    (the analysis reads voters sorted by their key, "u<member id>"), whoever knows who voted,
    and roughly when each signed up, could tell which mark and so which group is whose; for a
    group of one, that person's votes. The page and the API list them by position instead."""
    analysis._PREVIOUS.clear()
    statements = [
        services.statement_create(project=project, author=host_admin, text=f"Point {i}")
        for i in range(8)
    ]
    rng = random.Random(7)
    for _ in range(14):
        voter = factories.UserFactory(role="practitioner")
        for statement in statements:
            services.vote_cast(statement=statement, user=voter, value=rng.choice([-1, 0, 1]))
    analysis.analysis_recompute(project_id=project.pk)

    stored = AnalysisSnapshot.objects.get(project=project).result["points"]
    assert len(stored) == 14
    # As computed, one row per voter in the order of their keys: not yet sorted by position.
    assert stored != sorted(stored)

    published = client.get(f"/api/v1/projects/{project.slug}/results").json()["points"]
    assert published == sorted(stored)

    # The page draws one SVG layer per group colour, each with its marks in the order given.
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    layers = re.findall(r"<g fill=[^>]*>(.*?)</g>", page)
    xs = [[float(x) for x in re.findall(r'<circle cx="([^"]+)"', layer)] for layer in layers]
    assert sum(len(layer) for layer in xs) == 14
    assert all(layer == sorted(layer) for layer in xs)
