"""Opinion analysis for Groundswell: pure Python (numpy, scipy, scikit-learn), no Django.

Input is a sparse vote matrix (:class:`VoteMatrix`: participants x statements, +1 agree,
-1 disagree, 0 pass, missing cells not stored). :func:`analyse` returns an
:class:`AnalysisResult` with:

* **Opinion groups**, as Pol.is finds them (Small et al., "Polis: Scaling Deliberation by
  Mapping High Dimensional Opinion Spaces", 2021; compdemocracy/polis ``math/``): participants
  with at least 7 votes (or all statements, if fewer; topped up to the 15 most active) are
  projected onto the first two principal components of the mean-imputed, centred vote matrix,
  scaled by sqrt(statements / votes) so sparse voters are not pulled to the centre; k-means
  makes ~100 base clusters, whose centres (weighted by size) are grouped by k-means for
  k = 2..5, k chosen by silhouette. Because centring turns every missing cell into a zero, the
  PCA runs as block power iteration on the sparse matrix itself.
* **Representative statements** per group (Pol.is repness): smoothed agree / disagree rates
  compared with the rest of the participants by proportion tests, kept when significant at 90%.
* **Group-informed consensus**: the product over groups of (agree + 1) / (seen + 2).
* **Perspective bridging**: the lowest smoothed agree rate across declared perspectives
  (e.g. practitioners, service users, policy people).
* **Latent bridging**, after Community Notes' note ranking (Wojcik et al., "Birdwatch", 2022):
  vote ≈ μ + b_participant + b_statement + f_participant · f_statement fitted by alternating
  least squares, intercepts regularised 5x more than factors; b_statement is the score.

:func:`bradley_terry` ranks items from pairwise comparisons with standard errors, and
:func:`read_polis_export` reads Pol.is export folders. Passing ``previous=`` to
:func:`analyse` warm-starts an update from an earlier result. Everything is vectorised and
deterministic for a given ``seed``.
"""

from groundswell.analysis.bridging import (
    LatentBridging,
    PerspectiveBridging,
    latent_bridging,
    perspective_bridging,
)
from groundswell.analysis.clustering import Clustering, cluster_participants, select_participants
from groundswell.analysis.consensus import Consensus, group_informed_consensus, select_consensus
from groundswell.analysis.matrix import AGREE, DISAGREE, PASS, VoteMatrix
from groundswell.analysis.pairwise import Comparison, PairwiseRanking, bradley_terry
from groundswell.analysis.pca import Projection
from groundswell.analysis.pipeline import (
    AnalysisOptions,
    AnalysisResult,
    BridgingScore,
    Group,
    analyse,
)
from groundswell.analysis.polis_io import PolisConversation, PolisFormatError, read_polis_export
from groundswell.analysis.repness import GroupStatementStats, RepresentativeStatement

__all__ = [
    "AGREE",
    "DISAGREE",
    "PASS",
    "AnalysisOptions",
    "AnalysisResult",
    "BridgingScore",
    "Clustering",
    "Comparison",
    "Consensus",
    "Group",
    "GroupStatementStats",
    "LatentBridging",
    "PairwiseRanking",
    "PerspectiveBridging",
    "PolisConversation",
    "PolisFormatError",
    "Projection",
    "RepresentativeStatement",
    "VoteMatrix",
    "analyse",
    "bradley_terry",
    "cluster_participants",
    "group_informed_consensus",
    "latent_bridging",
    "perspective_bridging",
    "read_polis_export",
    "select_consensus",
    "select_participants",
]
