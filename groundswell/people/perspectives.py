"""What a member declares about where they stand: role, sector, region.

Results are broken down by these, and bridging agreement is measured across them.
"""

from django.db import models


class Role(models.TextChoices):
    SERVICE_USER = "service_user", "Service user"
    CARER = "carer", "Carer or family member"
    PRACTITIONER = "practitioner", "Frontline practitioner"
    MANAGER = "manager", "Manager"
    COMMISSIONER = "commissioner", "Commissioner"
    ORGANISATION = "organisation", "Works for a charity, provider or council"
    POLICY = "policy", "Policy professional"
    RESEARCHER = "researcher", "Researcher"
    JOURNALIST = "journalist", "Journalist"
    FUNDER = "funder", "Funder"
    CAMPAIGNER = "campaigner", "Campaigner"
    OTHER = "other", "Other"


class Sector(models.TextChoices):
    SOCIAL_CARE = "social_care", "Social care"
    HEALTH = "health", "Health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    HOUSING = "housing", "Housing and homelessness"
    EDUCATION = "education", "Education"
    CHILDREN = "children", "Children and families"
    JUSTICE = "justice", "Policing and justice"
    WELFARE = "welfare", "Welfare and employment"
    DISABILITY = "disability", "Disability"
    LOCAL_GOVERNMENT = "local_government", "Local government"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East England"
    NORTH_WEST = "north_west", "North West England"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East England"
    SOUTH_WEST = "south_west", "South West England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"
    OUTSIDE_UK = "outside_uk", "Outside the UK"


class LivedExperience(models.TextChoices):
    """Special-category data (health, disability): kept only with explicit consent.

    Never shown to anyone else, never exported except in the member's own "download my data",
    never copied onto contributions and, for now, not used in any count or result.
    """

    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT = "prefer_not", "I'd rather not say"


# A protected item shows its author's role, and their sector, only when at least this many of
# the project's participants (the author included) share it: a perspective held by one or two
# people in a project would name them. Five, as in the usual small-cell rule for published counts.
PROTECTED_PERSPECTIVE_CROWD = 5
