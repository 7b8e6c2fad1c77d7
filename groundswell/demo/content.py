# ruff: noqa: E501  (prose: a sentence reads better on one line than split to fit 100 columns)
"""The words of the demo: fictional people, organisations and projects, as plain data.

Everything here is invented for illustration. The organisations and people do not exist. Where a
contribution names a real programme (Shared Lives, KeyRing, Star Wards …) or links to a real public
source, it describes it only in general terms; any numbers are illustrative, not real statistics.

`loader.py` turns this into database rows through the real services. Contributions are referred to
by a `key` so that links, comments and failure demand's linked barrier can point at each other.
Dates are given as days before the day the demo is loaded, so phases are always live.
"""

from datetime import UTC, datetime

PASSWORD = "demo-password-1"

# "Running since" years for recent pilots, so "early days" stays true whenever the demo is loaded.
THIS_YEAR = datetime.now(tz=UTC).year

DEMO_LABEL = (
    "Demo content: this project, its organisations, members and contributions are invented "
    "to illustrate how Groundswell works. Any figures are illustrative."
)

STAFF = {
    "username": "demo-staff",
    "job": "site staff: verifies organisations, moderates (asked to set up two-factor first)",
    "email": "staff@example.org",
    "display_name": "Robin Hale (site staff)",
    "role": "other",
    "sector": "",
    "region": "",
    "bio": "Demo member. Looks after this Groundswell site: verifies organisations, moderates.",
    "pseudonym": "",
}

# role, sector and region use the values in groundswell/people/perspectives.py; `job` is only
# printed beside the log-in e-mails so someone trying the demo knows whose shoes they are in.
MEMBERS = [
    {
        "username": "helen",
        "job": "carers' charity chief officer",
        "email": "helen.marsh@example.org",
        "display_name": "Helen Marsh",
        "role": "manager",
        "sector": "voluntary",
        "region": "west_midlands",
        "bio": "Demo member. Chief officer of a carers' charity; cared for her father for six years.",
        "pseudonym": "",
    },
    {
        "username": "amara",
        "job": "family carer",
        "email": "amara.okafor@example.org",
        "display_name": "Amara Okafor",
        "role": "carer",
        "sector": "social_care",
        "region": "west_midlands",
        "bio": "Demo member. Cares for her mum, who has four home care visits a day.",
        "pseudonym": "",
    },
    {
        "username": "george",
        "job": "receives home care",
        "email": "george.whitfield@example.org",
        "display_name": "George Whitfield",
        "role": "service_user",
        "sector": "disability",
        "region": "south_west",
        "bio": "Demo member. Retired bus driver, wheelchair user, has had home care since 2019.",
        "pseudonym": "",
    },
    {
        "username": "bernie",
        "job": "home care worker",
        "email": "bernie.doyle@example.org",
        "display_name": "Bernadette Doyle",
        "role": "practitioner",
        "sector": "social_care",
        "region": "west_midlands",
        "bio": "Demo member. Home care worker on a mixed day and evening round.",
        "pseudonym": "Carer on the late round",
    },
    {
        "username": "tomasz",
        "job": "home care registered manager",
        "email": "tomasz.nowak@example.org",
        "display_name": "Tomasz Nowak",
        "role": "manager",
        "sector": "social_care",
        "region": "west_midlands",
        "bio": "Demo member. Registered manager of a home care cooperative.",
        "pseudonym": "",
    },
    {
        "username": "priya",
        "job": "council commissioner",
        "email": "priya.raman@example.org",
        "display_name": "Priya Raman",
        "role": "commissioner",
        "sector": "local_government",
        "region": "west_midlands",
        "bio": "Demo member. Commissions adult social care for a metropolitan council.",
        "pseudonym": "",
    },
    {
        "username": "kwame",
        "job": "social worker",
        "email": "kwame.asante@example.org",
        "display_name": "Kwame Asante",
        "role": "practitioner",
        "sector": "social_care",
        "region": "yorkshire",
        "bio": "Demo member. Senior social worker in an adult duty and assessment team.",
        "pseudonym": "Duty desk social worker",
    },
    {
        "username": "siobhan",
        "job": "housing officer",
        "email": "siobhan.kelly@example.org",
        "display_name": "Siobhan Kelly",
        "role": "practitioner",
        "sector": "housing",
        "region": "london",
        "bio": "Demo member. Housing options officer, eleven years on the front desk.",
        "pseudonym": "Housing officer, outer London",
    },
    {
        "username": "marcus",
        "job": "lived in temporary accommodation",
        "email": "marcus.bell@example.org",
        "display_name": "Marcus Bell",
        "role": "service_user",
        "sector": "housing",
        "region": "london",
        "bio": "Demo member. Spent 20 months in temporary accommodation with his two children.",
        "pseudonym": "",
    },
    {
        "username": "owen",
        "job": "housing charity manager",
        "email": "owen.price@example.org",
        "display_name": "Owen Price",
        "role": "manager",
        "sector": "housing",
        "region": "wales",
        "bio": "Demo member. Runs a housing charity's tenancy support and move-on services.",
        "pseudonym": "",
    },
    {
        "username": "ruth",
        "job": "researcher",
        "email": "ruth.adeyemi@example.org",
        "display_name": "Dr Ruth Adeyemi",
        "role": "researcher",
        "sector": "mental_health",
        "region": "yorkshire",
        "bio": "Demo member. Researches crisis care pathways; a former community psychiatric nurse.",
        "pseudonym": "",
    },
    {
        "username": "lena",
        "job": "mental-health nurse",
        "email": "lena.hughes@example.org",
        "display_name": "Lena Hughes",
        "role": "practitioner",
        "sector": "mental_health",
        "region": "yorkshire",
        "bio": "Demo member. Mental-health nurse in a crisis resolution and home treatment team.",
        "pseudonym": "Crisis team nurse",
    },
    {
        "username": "dan",
        "job": "police officer",
        "email": "dan.mercer@example.org",
        "display_name": "Dan Mercer",
        "role": "practitioner",
        "sector": "justice",
        "region": "yorkshire",
        "bio": "Demo member. Police constable on a response team.",
        "pseudonym": "Response PC",
    },
    {
        "username": "jo",
        "job": "peer supporter, lived experience of crisis care",
        "email": "jo.ellison@example.org",
        "display_name": "Jo Ellison",
        "role": "service_user",
        "sector": "mental_health",
        "region": "north_east",
        "bio": "Demo member. Peer supporter; has used crisis services more times than she'd like.",
        "pseudonym": "J from the coast",
    },
    {
        "username": "fatima",
        "job": "policy fellow",
        "email": "fatima.begum@example.org",
        "display_name": "Fatima Begum",
        "role": "policy",
        "sector": "local_government",
        "region": "london",
        "bio": "Demo member. Policy fellow working on health and care integration.",
        "pseudonym": "",
    },
]

# `admin` creates the organisation; `members` are invited by the admin and accept.
ORGANISATIONS = [
    {
        "name": "Millbeck Carers' Network",
        "kind": "charity",
        "admin": "helen",
        "members": ["amara"],
        "verified": True,
        "description": (
            "Demo organisation, invented for illustration.\n\n"
            "A local carers' charity: advice, carers' assessments support, a weekly drop-in and "
            "a phone line run by carers for carers."
        ),
    },
    {
        "name": "Hearthside Home Care Cooperative",
        "kind": "provider",
        "admin": "tomasz",
        "members": ["bernie"],
        "verified": False,
        "description": (
            "Demo organisation, invented for illustration.\n\n"
            "A worker-owned home care provider with around 90 care workers, paid for travel time "
            "and organised in small neighbourhood teams."
        ),
    },
    {
        "name": "Ashworth Metropolitan Borough Council",
        "kind": "council",
        "admin": "priya",
        "members": [],
        "verified": True,
        "description": (
            "Demo organisation, invented for illustration: there is no Ashworth borough.\n\n"
            "Adult social care commissioning and housing options for a metropolitan borough."
        ),
    },
    {
        "name": "Guild of Frontline Social Workers",
        "kind": "trade_body",
        "admin": "kwame",
        "members": [],
        "verified": False,
        "description": (
            "Demo organisation, invented for illustration.\n\n"
            "A professional network for social workers in practice: peer supervision circles, "
            "practice notes and a voice in national consultations."
        ),
    },
    {
        "name": "Eastmoor University Centre for Care Research",
        "kind": "university",
        "admin": "ruth",
        "members": ["fatima"],
        "verified": False,
        "description": (
            "Demo organisation, invented for illustration: Eastmoor University does not exist.\n\n"
            "Co-produced research on mental health, social care and the places they meet."
        ),
    },
    {
        "name": "Lanternway Housing Trust",
        "kind": "charity",
        "admin": "owen",
        "members": ["marcus"],
        "verified": False,
        "description": (
            "Demo organisation, invented for illustration.\n\n"
            "A housing charity offering tenancy sustainment, move-on support from temporary "
            "accommodation and a lived-experience advisory panel."
        ),
    },
]

HOME_CARE = {
    "key": "home_care",
    "question": "What would make home care visits work for the people who receive them?",
    "kind": "policy_statement",
    "visibility": "public",
    "sector": "social_care",
    "host": "Millbeck Carers' Network",
    "creator": "helen",
    "description": (
        f"{DEMO_LABEL}\n\n"
        "Home care is commissioned by the minute and delivered by the task. People who receive "
        "it, their families and the care workers who provide it tell us the result too often "
        "misses what matters: a conversation, a meal eaten at a sensible time, the same face.\n\n"
        "We are gathering practices that already work, the rules that get in the way and the "
        "failure demand they cause, so that a policy statement to commissioners can rest on "
        "experience rather than assumption."
    ),
    # (phase kind, first day, last day), in days relative to today.
    "phases": [
        ("define", -40, -22),
        ("gather", -21, 21),
        ("deliberate", 22, 42),
        ("draft", 43, 63),
        ("crowd_check", 64, 77),
        ("publish", 78, 90),
    ],
    "targets": {
        "service_user": 40,
        "carer": 40,
        "practitioner": 60,
        "manager": 15,
        "commissioner": 10,
        "researcher": 5,
    },
    "contributions": [
        {
            "key": "q_outcomes",
            "kind": "question",
            "author": "helen",
            "attribution": "named",
            "days_ago": 36,
            "title": "What would it take to commission home care for outcomes, not minutes?",
            "body": (
                "Every contract we have seen counts minutes and tasks. Nobody counts whether "
                "the person had a good day. What would a contract look like if it started "
                "from what the person wants their support to achieve?"
            ),
            "details": {
                "why_it_matters": (
                    "If we cannot say what 'working' means for the person, every fix will be "
                    "another way of counting minutes."
                ),
            },
            "comments": [
                {
                    "author": "priya",
                    "body": (
                        "From the commissioning side: we'd need outcomes we can check without "
                        "a form that eats half the visit. Happy to share what we've tried."
                    ),
                },
                {
                    "author": "george",
                    "body": "Start by asking us. Mine would be: help me get out twice a week.",
                    "reply_to": 0,
                },
            ],
        },
        {
            "key": "q_continuity",
            "kind": "question",
            "author": "amara",
            "attribution": "named",
            "days_ago": 33,
            "title": "Why does my mum see eleven different carers a month?",
            "body": (
                "Mum has dementia. Every new face means starting again: where the tea is, how "
                "she likes her hair, that she gets frightened if the door is knocked loudly."
            ),
            "details": {
                "why_it_matters": (
                    "Continuity is what makes care feel like care. It also stops mistakes, "
                    "because a regular carer notices when something has changed."
                ),
            },
            "comments": [
                {
                    "author": "bernie",
                    "attribution": "pseudonymous",
                    "body": (
                        "Rotas are built around gaps in the schedule, not around people. We hate "
                        "it too."
                    ),
                },
            ],
        },
        {
            "key": "b_15min",
            "kind": "barrier",
            "author": "bernie",
            "attribution": "pseudonymous",
            "days_ago": 19,
            "title": "Fifteen-minute time-and-task visits",
            "body": (
                "Visits are commissioned in 15-minute blocks against a task list: 'prompt "
                "medication, prepare snack, assist with toileting'. Fifteen minutes does not "
                "cover doing any of it with dignity, let alone a conversation."
            ),
            "details": {
                "rule": (
                    "Home care commissioned and paid in 15-minute units against a fixed "
                    "task list, with pay based on electronic call monitoring"
                ),
                "reference": (
                    "Local home care framework service specification (time-and-task "
                    "schedule); see Care and support statutory guidance, chapter 4"
                ),
                "reference_url": (
                    "https://www.gov.uk/government/publications/care-act-statutory-guidance/"
                    "care-and-support-statutory-guidance"
                ),
                "frontline_effect": (
                    "We rush, people are left on the commode while we write notes, and a "
                    "lunch call can land at 10:45 because that's where the gap is."
                ),
                "workaround": (
                    "Carers stay over and don't log it, or drop a task and record it as declined."
                ),
                "unintended_consequences": (
                    "Unpaid overtime, carers leaving the job, and people refusing care because "
                    "it feels like a conveyor belt."
                ),
                "gaming": (
                    "Care plans get written to fit the schedule: 'does not require assistance "
                    "to eat' because there's no time to give it."
                ),
                "frequency": "daily",
                "affected": "People receiving home care, family carers, care workers",
            },
            "comments": [
                {
                    "author": "tomasz",
                    "body": (
                        "We moved away from this a few years ago (see the practice on "
                        "neighbourhood teams). It cost more per hour and less per person."
                    ),
                },
                {
                    "author": "priya",
                    "body": (
                        "Fair challenge. Our framework still says 15-minute units. It was "
                        "written to control spend, not to describe care."
                    ),
                },
                {
                    "author": "george",
                    "body": "Fifteen minutes to get me up, washed and dressed. It doesn't happen.",
                    "reply_to": 1,
                },
                {
                    "author": "kwame",
                    "body": (
                        "We see the reassessments this causes: the plan says 15 minutes, the "
                        "need says 45, and the review lands on my desk."
                    ),
                },
            ],
        },
        {
            "key": "b_travel",
            "kind": "barrier",
            "author": "tomasz",
            "attribution": "named",
            "days_ago": 17,
            "title": "Travel time is not paid, so rounds are built to be impossible",
            "body": (
                "The hourly rate covers contact time only. Travel between visits is unpaid for "
                "the provider, so rotas schedule visits back to back across town."
            ),
            "details": {
                "rule": "Hourly rate paid for contact minutes only; travel and rota gaps unfunded",
                "reference": (
                    "Council home care price schedule, contact-time rate; compare Care and "
                    "support statutory guidance, chapter 4"
                ),
                "reference_url": "https://www.gov.uk/government/publications/care-act-statutory-guidance/care-and-support-statutory-guidance",
                "frontline_effect": (
                    "Every visit starts late and ends early. The last call of the evening is "
                    "the one that gets squeezed."
                ),
                "workaround": "Carers clip minutes from each visit to make up the drive.",
                "unintended_consequences": (
                    "Care workers effectively paid below the minimum wage once travel is "
                    "counted; high turnover."
                ),
                "gaming": (
                    "Monitoring logs show on-time arrivals because carers log in from the driveway."
                ),
                "frequency": "daily",
                "affected": "Care workers, providers, people on evening and rural rounds",
            },
            "comments": [
                {
                    "author": "bernie",
                    "attribution": "protected",
                    "body": "Logging in from the driveway: guilty. Everyone does it.",
                },
                {
                    "author": "priya",
                    "body": "This is one we can change in the next uplift. Noted.",
                },
            ],
        },
        {
            "key": "fd_missed",
            "kind": "failure_demand",
            "author": "helen",
            "attribution": "named",
            "days_ago": 14,
            "linked_barrier": "b_15min",
            "title": "Repeat calls chasing a missed or late home-care visit",
            "body": (
                "Our carers' line logs calls by reason. The largest single reason is family "
                "carers ringing to find out whether a visit is coming, then ringing the agency, "
                "then the council. Illustrative figures from a typical month on our line."
            ),
            "details": {
                "category": "chasing",
                "count": 60,
                "period": "month",
                "root_cause": (
                    "Rotas with no slack: one late visit cascades through the round and "
                    "nobody tells the person waiting."
                ),
            },
            "comments": [
                {
                    "author": "amara",
                    "body": "I make at least two of these a week. Each one is half an hour.",
                },
                {
                    "author": "tomasz",
                    "body": (
                        "We had the same on our office phones until we gave each team its own "
                        "number and a text when running late."
                    ),
                },
                {
                    "author": "helen",
                    "body": "That's worth writing up as a practice if you have time.",
                    "reply_to": 1,
                },
            ],
        },
        {
            "key": "fd_meds",
            "kind": "failure_demand",
            "author": "kwame",
            "attribution": "pseudonymous",
            "days_ago": 11,
            "linked_barrier": "b_15min",
            "title": "Emergency reviews after medication visits are missed",
            "body": (
                "Missed or rushed medication visits lead to falls or confusion, then an urgent "
                "social care review or a hospital admission. Illustrative figures from one "
                "duty team."
            ),
            "details": {
                "category": "correction",
                "count": 8,
                "period": "month",
                "root_cause": (
                    "Medication prompts squeezed into short visits with no time to check the "
                    "tablets were actually taken."
                ),
            },
            "comments": [],
        },
        {
            "key": "p_neighbourhood",
            "kind": "practice",
            "author": "tomasz",
            "attribution": "named",
            "days_ago": 18,
            "title": "Small neighbourhood teams that plan their own visits",
            "body": (
                "Teams of eight to ten care workers each cover a few streets and agree visit "
                "times directly with the people they support. Inspired by self-managing "
                "community nursing teams; the council pays a block rate per team."
            ),
            "details": {
                "setting": "Hearthside Home Care Cooperative, two wards in the north of the borough",
                "done_by": "Care workers with a coordinator, paid for travel time",
                "since": 2021,
                "outcomes": (
                    "Most people now see three or four regular carers; missed-visit calls fell "
                    "sharply; staff turnover dropped."
                ),
                "cost": (
                    "Higher hourly rate; lower cost per person overall because fewer crises "
                    "and reviews (our own monitoring)."
                ),
                "evidence_level": "monitored",
            },
            "comments": [
                {
                    "author": "amara",
                    "body": "Can we have this where mum lives, please.",
                },
                {
                    "author": "ruth",
                    "body": (
                        "Would you be open to an independent evaluation? Your monitoring data "
                        "looks like a good starting point."
                    ),
                },
                {
                    "author": "tomasz",
                    "body": "Yes, very happy to talk.",
                    "reply_to": 1,
                },
            ],
        },
        {
            "key": "p_shared_lives",
            "kind": "practice",
            "author": "helen",
            "attribution": "named",
            "days_ago": 16,
            "title": "Shared Lives day support instead of a lunchtime call",
            "body": (
                "Shared Lives matches people who need support with approved carers who share "
                "their home and family life. Some of our members now spend two days a week "
                "with a Shared Lives carer instead of having a rushed lunchtime visit."
            ),
            "details": {
                "setting": "Shared Lives scheme run with the council, across the borough",
                "done_by": "Approved Shared Lives carers, matched and supported by a scheme worker",
                "since": 2016,
                "outcomes": (
                    "People report less loneliness and more to talk about; family carers get a "
                    "proper break."
                ),
                "cost": "Comparable to the home care it replaces on those days.",
                "evidence_level": "evaluated",
            },
            "comments": [
                {
                    "author": "george",
                    "body": "I did a day with a Shared Lives carer who restores old bikes. Best day of my month.",
                },
            ],
        },
        {
            "key": "p_teams_adopted",
            "kind": "practice",
            "author": "priya",
            "attribution": "named",
            "days_ago": 6,
            "title": "Neighbourhood teams piloted in a second area of the borough",
            "body": (
                "After seeing the cooperative's results we funded a second provider to work the "
                "same way in one ward. Early days, but the same pattern is showing."
            ),
            "details": {
                "setting": "One ward in the south of Ashworth, second provider",
                "done_by": "Commissioning team with the provider's care workers",
                "since": THIS_YEAR,
                "outcomes": "Fewer missed visits and complaints in the first months.",
                "cost": "Block payment per team; same overall budget for the ward.",
                "evidence_level": "anecdotal",
            },
            "comments": [],
        },
        {
            "key": "i_outcomes",
            "kind": "idea",
            "author": "priya",
            "attribution": "named",
            "days_ago": 9,
            "title": "Commission home care for outcomes, paid per neighbourhood team",
            "body": (
                "Replace 15-minute time-and-task units with a block payment per neighbourhood "
                "team, an outcome plan agreed with each person, and paid travel time."
            ),
            "details": {
                "who_should_act": "Council commissioners, with providers and people who use home care",
                "expected_benefit": (
                    "Fewer missed visits and chasing calls, steadier staffing, and visits "
                    "planned around what the person wants to achieve."
                ),
            },
            "comments": [
                {
                    "author": "tomasz",
                    "body": "We'd sign up tomorrow.",
                },
                {
                    "author": "bernie",
                    "attribution": "protected",
                    "body": (
                        "Only if the block payment actually reaches care workers' pay. "
                        "Otherwise it's the same squeeze with a new name."
                    ),
                },
                {
                    "author": "priya",
                    "body": "Agreed: we'd want pay and travel time written into the contract.",
                    "reply_to": 1,
                },
                {
                    "author": "fatima",
                    "body": (
                        "Worth drafting this with the ethical care commitments many councils "
                        "have already signed up to."
                    ),
                },
            ],
        },
        {
            "key": "i_text",
            "kind": "idea",
            "author": "amara",
            "attribution": "named",
            "days_ago": 5,
            "title": "A text to the person and carer when a visit is running late",
            "body": "A simple message with the new time. No app, no log-in.",
            "details": {
                "who_should_act": "Home care providers",
                "expected_benefit": "Most chasing calls would never need to be made.",
            },
            "comments": [],
        },
        {
            "key": "e_nice",
            "kind": "evidence",
            "author": "ruth",
            "attribution": "named",
            "days_ago": 15,
            "title": "NICE guideline on home care says visits should be long enough to do the job",
            "body": (
                "The NICE guideline on home care for older people recommends that visits are "
                "long enough to provide support without rushing, and that people get "
                "continuity of care workers."
            ),
            "details": {
                "source_type": "document",
                "source": (
                    "NICE guideline NG21, Home care: delivering personal care and practical "
                    "support to older people living in their own homes (2015)"
                ),
                "provenance": (
                    "National guidance from NICE, developed by a guideline committee from "
                    "published evidence and expert testimony; read on the NICE website."
                ),
                "url": "https://www.nice.org.uk/guidance/ng21",
                "quality": "high",
            },
            "comments": [
                {
                    "author": "priya",
                    "body": "Useful: this gives us cover to change the specification.",
                },
            ],
        },
        {
            "key": "e_survey",
            "kind": "evidence",
            "author": "helen",
            "attribution": "named",
            "days_ago": 8,
            "title": "Carers' drop-in survey: continuity matters more than punctuality",
            "body": (
                "We asked carers at our drop-in what they would change first. Seeing the same "
                "care workers came top, ahead of visit times. Illustrative figures only: a "
                "small, self-selected group."
            ),
            "details": {
                "source_type": "testimony",
                "source": "Millbeck Carers' Network drop-in survey, spring",
                "provenance": (
                    "Paper questionnaire filled in by carers at four drop-in sessions, "
                    "collated by our volunteers. Not a random sample."
                ),
                "quality": "low",
            },
            "comments": [],
        },
        {
            "key": "e_contradicts",
            "kind": "evidence",
            "author": "fatima",
            "attribution": "named",
            "days_ago": 4,
            "title": "Block contracts can hide unmet need if nobody checks outcomes",
            "body": (
                "Earlier block contracts were abandoned partly because nobody could see what "
                "the money bought. Outcome plans need light-touch checking, or the same "
                "problem returns."
            ),
            "details": {
                "source_type": "document",
                "source": (
                    "Care and support statutory guidance, chapter 4 (market shaping and "
                    "commissioning), with notes from past local commissioning reviews"
                ),
                "provenance": (
                    "Statutory guidance published by the Department of Health and Social Care "
                    "on gov.uk, read alongside our own notes from past commissioning reviews."
                ),
                "url": "https://www.gov.uk/government/publications/care-act-statutory-guidance/care-and-support-statutory-guidance",
                "quality": "moderate",
            },
            "comments": [
                {
                    "author": "tomasz",
                    "body": "Fair. We publish our visit and outcome data to the council monthly.",
                },
            ],
        },
        {
            "key": "s_george",
            "kind": "story",
            "author": "george",
            "attribution": "named",
            "days_ago": 20,
            "title": "The morning I waited in bed until eleven",
            "body": (
                "My call is meant to be at eight. That morning nobody came until gone eleven. "
                "I lay there needing the toilet, watching the clock, not wanting to ring my "
                "daughter at work again. When the carer came she was in tears herself: three "
                "of her calls had been added overnight. I don't blame her. I blame whoever "
                "thinks you can plan a person's morning in fifteen minutes."
            ),
            "details": {"setting": "Home care in a market town", "may_quote": True},
            "comments": [
                {"author": "amara", "body": "Thank you for writing this down, George."},
                {
                    "author": "bernie",
                    "attribution": "pseudonymous",
                    "body": "I've been that carer. It stays with you.",
                },
            ],
        },
        {
            "key": "s_protected",
            "kind": "story",
            "author": "bernie",
            "attribution": "protected",
            "days_ago": 12,
            "title": "What I leave out of the notes",
            "body": (
                "I write 'all tasks completed' because the system won't let me close the call "
                "otherwise. What I don't write: that Mrs D wanted to tell me about her "
                "husband's funeral and I had to leave mid-sentence. That I came back on my "
                "break. That I can't keep doing that and stay well myself."
            ),
            "details": {"setting": "An evening home care round", "may_quote": True},
            "comments": [
                {
                    "author": "helen",
                    "body": "This is exactly why we asked for protected contributions. Thank you.",
                },
            ],
        },
    ],
    # (source key, relation, target key, note)
    "links": [
        ("i_outcomes", "addresses", "b_15min", "Replaces time-and-task units."),
        ("i_outcomes", "addresses", "b_travel", "Travel time paid within the block."),
        ("i_text", "addresses", "fd_missed", ""),
        ("e_nice", "supports", "i_outcomes", "National guidance backs longer, consistent visits."),
        ("e_survey", "supports", "p_neighbourhood", "Continuity is what carers ask for first."),
        ("e_contradicts", "contradicts", "i_outcomes", "Block contracts need outcome checks."),
        ("p_teams_adopted", "replicates", "p_neighbourhood", "Adopted in a second ward."),
        ("s_george", "supports", "b_15min", ""),
        ("fd_meds", "supports", "b_15min", ""),
    ],
}

TEMPORARY_ACCOMMODATION = {
    "key": "temporary_accommodation",
    "question": "How can temporary accommodation stop making homelessness worse for families?",
    "kind": "consultation_response",
    "visibility": "public",
    "sector": "housing",
    "host": "Lanternway Housing Trust",
    "creator": "owen",
    "description": (
        f"{DEMO_LABEL}\n\n"
        "Families are spending longer in temporary accommodation, often far from school, work "
        "and family. We are building a consultation response from the experience of people who "
        "have lived in it and the officers who place them.\n\n"
        "Contributions are still open while we deliberate on the statements gathered so far."
    ),
    "phases": [
        ("define", -70, -50),
        ("gather", -49, -8),
        ("deliberate", -7, 21),
        ("draft", 22, 45),
        ("publish", 46, 60),
    ],
    "targets": {
        "service_user": 50,
        "practitioner": 40,
        "manager": 10,
        "commissioner": 5,
        "policy": 5,
    },
    "contributions": [
        {
            "key": "q_distance",
            "kind": "question",
            "author": "owen",
            "attribution": "named",
            "days_ago": 62,
            "title": "What should count as 'suitable' when a family is placed out of area?",
            "body": (
                "The law asks whether accommodation is suitable. In practice the question "
                "asked is whether anything is available tonight."
            ),
            "details": {
                "why_it_matters": (
                    "Distance from school, work and family decides whether a placement "
                    "stabilises a family or starts the next crisis."
                ),
            },
            "comments": [
                {
                    "author": "siobhan",
                    "attribution": "pseudonymous",
                    "body": "Most nights, 'suitable' means 'the only room we could find'.",
                },
            ],
        },
        {
            "key": "q_voice",
            "kind": "question",
            "author": "marcus",
            "attribution": "named",
            "days_ago": 55,
            "title": "Who checks on families once they're placed?",
            "body": "After the first week nobody asked how we were doing. Whose job is that?",
            "details": {
                "why_it_matters": "Problems that could be fixed early turn into emergencies.",
            },
            "comments": [],
        },
        {
            "key": "b_nrpf",
            "kind": "barrier",
            "author": "siobhan",
            "attribution": "pseudonymous",
            "days_ago": 45,
            "title": "'No recourse to public funds' shuts families out of help",
            "body": (
                "Families with a 'no recourse to public funds' condition are not eligible for "
                "homelessness assistance in most cases, so they bounce between children's "
                "services, charities and the housing desk."
            ),
            "details": {
                "rule": "No recourse to public funds condition attached to immigration status",
                "reference": "Immigration and Asylum Act 1999, section 115",
                "reference_url": "https://www.legislation.gov.uk/ukpga/1999/33/section/115",
                "frontline_effect": (
                    "I have to tell a mother with a baby that I can't help, then ring "
                    "children's services and hope."
                ),
                "workaround": (
                    "Support under children's legislation, charity night shelters, sofa "
                    "surfing with friends."
                ),
                "unintended_consequences": (
                    "Families stay in overcrowded or unsafe places rather than ask for help."
                ),
                "gaming": (
                    "Cases passed between departments so that no single team's figures show "
                    "the family."
                ),
                "frequency": "weekly",
                "affected": "Families with NRPF conditions, housing and children's services staff",
            },
            "comments": [
                {
                    "author": "kwame",
                    "body": "Same from the children's services side. Nobody owns these families.",
                },
                {
                    "author": "fatima",
                    "body": (
                        "A joint protocol between housing and children's services is the "
                        "usual fix; we could collect examples that work."
                    ),
                },
                {
                    "author": "siobhan",
                    "attribution": "pseudonymous",
                    "body": "Please. Ours is twelve years old.",
                    "reply_to": 1,
                },
            ],
        },
        {
            "key": "b_clock",
            "kind": "barrier",
            "author": "siobhan",
            "attribution": "protected",
            "days_ago": 40,
            "title": "Moves between placements restart the six-week clock",
            "body": (
                "Families with children should not be in bed and breakfast for more than six "
                "weeks. Moving a family to another B&B-type room, or re-labelling the annexe, "
                "restarts the count in some areas' records."
            ),
            "details": {
                "rule": "Six-week limit on B&B placements for families with children",
                "reference": (
                    "Homelessness (Suitability of Accommodation) (England) Order 2003, article 4"
                ),
                "reference_url": "https://www.legislation.gov.uk/uksi/2003/3326/contents/made",
                "frontline_effect": (
                    "Families move every few weeks, lose their school run and their GP, "
                    "and never reach the top of any list."
                ),
                "workaround": "Officers ring round for anything self-contained, however far away.",
                "unintended_consequences": "Children changing school mid-year; missed health visits.",
                "gaming": (
                    "Moving people between placements or lists so that a waiting-time clock "
                    "restarts and the breach never shows."
                ),
                "frequency": "monthly",
                "affected": "Families with children in emergency accommodation",
            },
            "comments": [
                {
                    "author": "marcus",
                    "body": "We moved four times in the first five months. Nobody told us why.",
                },
                {
                    "author": "owen",
                    "body": "This needs to be in the response in plain words.",
                },
            ],
        },
        {
            "key": "b_one_offer",
            "kind": "barrier",
            "author": "owen",
            "attribution": "named",
            "days_ago": 30,
            "title": "One-offer policies end the duty if a family refuses",
            "body": (
                "A single offer of a private rented tenancy, often miles away, ends the "
                "council's duty if refused, even where the offer would mean leaving a job."
            ),
            "details": {
                "rule": "Final offer of suitable accommodation discharges the main housing duty",
                "reference": "Housing Act 1996, Part 7, section 193",
                "reference_url": "https://www.legislation.gov.uk/ukpga/1996/52/section/193",
                "frontline_effect": "Families accept offers they cannot sustain, fearing the alternative.",
                "workaround": "Reviews and appeals, with help from advice agencies.",
                "unintended_consequences": "Tenancies fail within a year and families present again.",
                "gaming": "Offers timed to clear cases before the quarter's figures are counted.",
                "frequency": "weekly",
                "affected": "Families in temporary accommodation",
            },
            "comments": [],
        },
        {
            "key": "fd_chasing",
            "kind": "failure_demand",
            "author": "siobhan",
            "attribution": "pseudonymous",
            "days_ago": 35,
            "linked_barrier": "b_clock",
            "title": "Calls asking 'where am I on the list?'",
            "body": (
                "A large share of calls to our housing desk are families asking about their "
                "place on the register or the date of their next move. Illustrative figures "
                "from one week's tally."
            ),
            "details": {
                "category": "chasing",
                "count": 120,
                "period": "week",
                "root_cause": (
                    "Nobody tells families what is happening or why they were moved, so they ring."
                ),
            },
            "comments": [
                {"author": "marcus", "body": "I was one of those calls, most weeks."},
            ],
        },
        {
            "key": "fd_represent",
            "kind": "failure_demand",
            "author": "owen",
            "attribution": "named",
            "days_ago": 28,
            "linked_barrier": "b_one_offer",
            "title": "Families presenting as homeless again after a tenancy fails",
            "body": (
                "Repeat homelessness applications from families whose first move-on tenancy "
                "broke down. Illustrative figures from our tenancy support caseload."
            ),
            "details": {
                "category": "rereferral",
                "count": 30,
                "period": "year",
                "root_cause": (
                    "Offers made to close the case rather than to fit the family's work, "
                    "school and support."
                ),
            },
            "comments": [],
        },
        {
            "key": "p_keyring",
            "kind": "practice",
            "author": "owen",
            "attribution": "named",
            "days_ago": 42,
            "title": "KeyRing-style networks for people moving on from temporary accommodation",
            "body": (
                "Modelled on KeyRing's living support networks: people who have moved on live "
                "near each other, with a volunteer who lives locally and a support worker, "
                "and help each other out."
            ),
            "details": {
                "setting": "Lanternway move-on tenancies, three neighbourhoods",
                "done_by": "Community living volunteers and a tenancy support worker",
                "since": 2019,
                "outcomes": "Tenancies last longer; people say they feel less alone after moving.",
                "cost": "One support worker per network of around ten people.",
                "evidence_level": "monitored",
            },
            "comments": [
                {
                    "author": "marcus",
                    "body": "I'm in one of these now. Knowing someone on the street helps.",
                },
            ],
        },
        {
            "key": "p_life",
            "kind": "practice",
            "author": "fatima",
            "attribution": "named",
            "days_ago": 38,
            "title": "Families design the help: lessons from the Swindon LIFE programme",
            "body": (
                "The Swindon LIFE programme was designed with local families who had many "
                "services involved and little changing. Families chose a small team who "
                "stayed with them and who could bend the rules to solve the real problem."
            ),
            "details": {
                "setting": "Swindon; families facing multiple disadvantages",
                "done_by": "Small teams of frontline workers working alongside families",
                "since": 2009,
                "outcomes": (
                    "Families describe feeling in control; workers spend time on the "
                    "family rather than on referrals between services."
                ),
                "cost": "Reported as lower than the cost of repeated crisis responses.",
                "evidence_level": "evaluated",
            },
            "comments": [
                {
                    "author": "siobhan",
                    "attribution": "pseudonymous",
                    "body": "'Bend the rules to solve the real problem' is the bit we're missing.",
                },
            ],
        },
        {
            "key": "p_panel",
            "kind": "practice",
            "author": "marcus",
            "attribution": "named",
            "days_ago": 25,
            "title": "A lived-experience panel reviews placement letters",
            "body": (
                "Four of us who have lived in temporary accommodation rewrote the letters "
                "families receive: what the placement is, how long, who to call, what happens "
                "next."
            ),
            "details": {
                "setting": "Lanternway Housing Trust with a council housing options team",
                "done_by": "Lived-experience advisory panel and housing officers",
                "since": THIS_YEAR - 2,
                "outcomes": "Fewer confused calls; families know who their officer is.",
                "cost": "Panel members paid for their time; a few days a year.",
                "evidence_level": "anecdotal",
            },
            "comments": [],
        },
        {
            "key": "i_protocol",
            "kind": "idea",
            "author": "fatima",
            "attribution": "named",
            "days_ago": 20,
            "title": "A joint housing and children's services protocol for NRPF families",
            "body": (
                "One named lead, one assessment, shared records and a shared budget line so "
                "families with no recourse are not passed between teams."
            ),
            "details": {
                "who_should_act": "Councils' housing and children's services directors",
                "expected_benefit": "Families get help in days rather than weeks; no one falls between teams.",
            },
            "comments": [
                {"author": "kwame", "body": "Yes. And name the lead in the first letter."},
            ],
        },
        {
            "key": "i_officer",
            "kind": "idea",
            "author": "marcus",
            "attribution": "named",
            "days_ago": 6,
            "title": "Every family in temporary accommodation has a named officer who calls them",
            "body": "A call every fortnight, even if there's no news. Especially then.",
            "details": {
                "who_should_act": "Housing options teams",
                "expected_benefit": "Far fewer chasing calls, and problems spotted before they become crises.",
            },
            "comments": [
                {
                    "author": "siobhan",
                    "attribution": "pseudonymous",
                    "body": "We'd need caseloads that allow it, but I'd love to.",
                },
                {
                    "author": "owen",
                    "body": "The calls you'd save would pay for much of it.",
                    "reply_to": 0,
                },
            ],
        },
        {
            "key": "e_stats",
            "kind": "evidence",
            "author": "fatima",
            "attribution": "named",
            "days_ago": 50,
            "title": "Official statistics on households in temporary accommodation",
            "body": (
                "The government publishes quarterly statutory homelessness statistics, "
                "including households in temporary accommodation by type and whether they are "
                "placed in another area. Useful for context; read the latest release directly."
            ),
            "details": {
                "source_type": "dataset",
                "source": "Statutory homelessness statistics, England (quarterly releases)",
                "provenance": (
                    "Official statistics compiled from local authority returns, published "
                    "on gov.uk."
                ),
                "url": "https://www.gov.uk/government/collections/homelessness-statistics",
                "quality": "high",
            },
            "comments": [],
        },
        {
            "key": "e_code",
            "kind": "evidence",
            "author": "siobhan",
            "attribution": "pseudonymous",
            "days_ago": 33,
            "title": "The Homelessness Code of Guidance on suitability and location",
            "body": (
                "The Code of Guidance sets out what councils must consider about the location "
                "of accommodation, including schooling and employment."
            ),
            "details": {
                "source_type": "document",
                "source": "Homelessness code of guidance for local authorities, chapter 17",
                "provenance": "Statutory guidance from the housing ministry, published on gov.uk.",
                "url": "https://www.gov.uk/guidance/homelessness-code-of-guidance-for-local-authorities",
                "quality": "high",
            },
            "comments": [],
        },
        {
            "key": "s_marcus",
            "kind": "story",
            "author": "marcus",
            "attribution": "named",
            "days_ago": 52,
            "title": "Two hours each way to school",
            "body": (
                "We were placed in a room forty miles away. My daughter kept her school place "
                "because I wouldn't let her lose that too. Two buses and a train each way. I "
                "lost my job because I couldn't do the hours and the school run. The room had "
                "one kettle and a microwave for the four of us, no table. We ate on the bed."
            ),
            "details": {"setting": "Out-of-area emergency accommodation", "may_quote": True},
            "comments": [
                {"author": "owen", "body": "Thank you, Marcus. This is the heart of the response."},
                {
                    "author": "siobhan",
                    "attribution": "protected",
                    "body": "I placed families in that kind of room last week. I'm sorry.",
                },
            ],
        },
        {
            "key": "s_protected",
            "kind": "story",
            "author": "marcus",
            "attribution": "protected",
            "days_ago": 46,
            "title": "What the complaint would have cost us",
            "body": (
                "I never complained about the damp. I was scared that if I made a fuss we'd "
                "be moved again, or told we'd made ourselves intentionally homeless."
            ),
            "details": {"setting": "A hostel annexe", "may_quote": True},
            "comments": [],
        },
    ],
    "links": [
        ("i_protocol", "addresses", "b_nrpf", "One lead, one assessment."),
        ("i_officer", "addresses", "fd_chasing", ""),
        ("p_panel", "addresses", "fd_chasing", "Clearer letters, fewer calls."),
        ("e_code", "supports", "q_distance", "Location is already part of suitability."),
        ("e_stats", "supports", "b_clock", "Context on placements, including out of area."),
        ("s_marcus", "supports", "q_distance", ""),
        ("p_life", "supports", "i_protocol", "A team that stays with the family."),
        ("s_protected", "contradicts", "p_panel", "Letters alone don't make it safe to complain."),
    ],
}

CRISIS = {
    "key": "crisis",
    "question": "What should happen when someone in mental health crisis asks for help at 2am?",
    "kind": "research_report",
    "visibility": "private",
    "sector": "mental_health",
    "host": "Eastmoor University Centre for Care Research",
    "creator": "ruth",
    "description": (
        f"{DEMO_LABEL}\n\n"
        "A private forum for people who use and work in crisis services (nurses, police, "
        "social workers, peer supporters) to say what actually happens, without their "
        "employer reading over their shoulder. Members join by invitation link. Protected "
        "contributions show no author to anyone, including the research team."
    ),
    "phases": [
        ("define", -30, -15),
        ("gather", -14, 28),
        ("deliberate", 29, 49),
        ("draft", 50, 70),
    ],
    "targets": {
        "service_user": 20,
        "carer": 10,
        "practitioner": 30,
        "researcher": 3,
    },
    "invite_note": "Crisis care practitioners and people with lived experience",
    "participants": ["lena", "dan", "jo", "kwame", "fatima", "amara"],
    "contributions": [
        {
            "key": "q_who",
            "kind": "question",
            "author": "ruth",
            "attribution": "named",
            "days_ago": 26,
            "title": "Whose job is a mental health crisis at 2am?",
            "body": (
                "Police, ambulance, crisis team, A&E and the crisis line all see part of it. "
                "Who is meant to own it?"
            ),
            "details": {
                "why_it_matters": (
                    "When nobody owns the crisis, the person is passed around at the worst "
                    "moment of their life."
                ),
            },
            "comments": [
                {
                    "author": "dan",
                    "attribution": "pseudonymous",
                    "body": "At 2am it's us, by default, whether or not it should be.",
                },
                {
                    "author": "lena",
                    "attribution": "pseudonymous",
                    "body": "We'd take more if we had the staff to go out at night.",
                    "reply_to": 0,
                },
            ],
        },
        {
            "key": "b_line_target",
            "kind": "barrier",
            "author": "lena",
            "attribution": "protected",
            "days_ago": 12,
            "title": "Crisis line targets reward short calls",
            "body": (
                "Our crisis line is measured on the share of calls answered within a target "
                "time. Long calls push the queue over target, so call handlers are nudged to "
                "close calls and 'signpost'."
            ),
            "details": {
                "rule": "Crisis line performance target: calls answered within a set time",
                "reference": (
                    "Local crisis line service specification, key performance indicators; "
                    "compare the Crisis Care Concordat"
                ),
                "reference_url": "https://www.gov.uk/government/publications/mental-health-crisis-care-agreement",
                "frontline_effect": (
                    "People who need twenty minutes get five and a leaflet, then ring back "
                    "later in a worse state."
                ),
                "workaround": "Staff ring people back off the system after their shift.",
                "unintended_consequences": "Repeat calls, 999 calls and A&E attendances.",
                "gaming": "Calls closed and reopened as new calls so the answer-time figure looks good.",
                "frequency": "daily",
                "affected": "People in crisis, crisis line staff, police and ambulance services",
            },
            "comments": [
                {
                    "author": "jo",
                    "attribution": "pseudonymous",
                    "body": "I've had the leaflet call. Twice in one night.",
                },
                {
                    "author": "ruth",
                    "body": (
                        "Thank you for posting this protected. We will not try to work out "
                        "which service it is."
                    ),
                },
            ],
        },
        {
            "key": "b_136",
            "kind": "barrier",
            "author": "dan",
            "attribution": "protected",
            "days_ago": 10,
            "title": "Officers wait hours with people in A&E under section 136",
            "body": (
                "When the health-based place of safety is full, we wait in A&E with the "
                "person, sometimes for most of a shift. Neither of us should be there."
            ),
            "details": {
                "rule": "Section 136 detention; place of safety must be a health setting where possible",
                "reference": "Mental Health Act 1983, section 136",
                "reference_url": "https://www.legislation.gov.uk/ukpga/1983/20/section/136",
                "frontline_effect": (
                    "Two officers off the street for hours, and a frightened person held in a "
                    "busy corridor."
                ),
                "workaround": "Informal handovers to ward staff when someone will take them.",
                "unintended_consequences": "People detained who would have gone voluntarily with the right support.",
                "gaming": "Detentions recorded under other powers so the place-of-safety figures look better.",
                "frequency": "weekly",
                "affected": "People in crisis, police officers, A&E staff",
            },
            "comments": [
                {
                    "author": "lena",
                    "attribution": "pseudonymous",
                    "body": "Our side: the suite is often full of people waiting for a bed that doesn't exist.",
                },
            ],
        },
        {
            "key": "b_dna",
            "kind": "barrier",
            "author": "kwame",
            "attribution": "pseudonymous",
            "days_ago": 13,
            "title": "Cases closed after missed appointments",
            "body": (
                "A rule that closes a case after two missed appointments, applied to people "
                "in crisis who are least able to keep appointments."
            ),
            "details": {
                "rule": "Discharge after two 'did not attend' appointments",
                "reference": "Community mental health team access and discharge policy, section 6",
                "frontline_effect": "People are discharged just when they most need follow-up.",
                "workaround": "Practitioners book 'welfare visits' that don't count as appointments.",
                "unintended_consequences": "Re-referral into a new waiting list, starting from the back.",
                "gaming": (
                    "Closing cases to hit a caseload or waiting-time target; a new referral "
                    "restarts the waiting-time clock."
                ),
                "frequency": "weekly",
                "affected": "People with severe mental illness; carers; GPs",
            },
            "comments": [
                {
                    "author": "amara",
                    "body": "This happened to my brother. He didn't open his post for months.",
                },
            ],
        },
        {
            "key": "fd_rereferral",
            "kind": "failure_demand",
            "author": "kwame",
            "attribution": "pseudonymous",
            "days_ago": 9,
            "linked_barrier": "b_dna",
            "title": "Re-referral after a case closed too early",
            "body": (
                "People referred back within weeks of discharge, usually via a crisis. "
                "Illustrative figures from one team's duty log."
            ),
            "details": {
                "category": "rereferral",
                "count": 15,
                "period": "month",
                "root_cause": "Discharge for missed appointments without checking why they were missed.",
            },
            "comments": [],
        },
        {
            "key": "fd_repeat",
            "kind": "failure_demand",
            "author": "dan",
            "attribution": "pseudonymous",
            "days_ago": 7,
            "linked_barrier": "b_line_target",
            "title": "Repeat 999 calls after the crisis line couldn't help",
            "body": (
                "Calls where the person says they already rang the crisis line that night. "
                "Illustrative figures from a few weeks of our control room notes."
            ),
            "details": {
                "category": "repeat",
                "count": 25,
                "period": "week",
                "root_cause": "The first contact was ended before the need was met.",
            },
            "comments": [
                {
                    "author": "lena",
                    "attribution": "protected",
                    "body": "And we get them back at 6am via A&E.",
                },
            ],
        },
        {
            "key": "fd_signpost",
            "kind": "failure_demand",
            "author": "jo",
            "attribution": "pseudonymous",
            "days_ago": 5,
            "linked_barrier": "b_line_target",
            "title": "Sent to A&E, sent back to the GP, sent back to A&E",
            "body": "Every door said it was the other door. Illustrative count from my own diary.",
            "details": {
                "category": "signposting",
                "count": 4,
                "period": "week",
                "root_cause": "No service would take responsibility out of hours.",
            },
            "comments": [],
        },
        {
            "key": "p_star_wards",
            "kind": "practice",
            "author": "lena",
            "attribution": "pseudonymous",
            "days_ago": 11,
            "title": "Star Wards ideas on our crisis house and ward",
            "body": (
                "Star Wards collected ideas from patients and staff to make inpatient stays "
                "more therapeutic. We adopted several: daily activity led by patients, protected "
                "time for one-to-one talk, and a welcome pack written by former patients."
            ),
            "details": {
                "setting": "Acute ward and crisis house, one mental health trust",
                "done_by": "Ward nurses, occupational therapists and peer supporters",
                "since": 2018,
                "outcomes": "Fewer incidents on the ward; people say they felt listened to.",
                "cost": "Mostly staff time reorganised; small activity budget.",
                "evidence_level": "monitored",
            },
            "comments": [
                {
                    "author": "jo",
                    "attribution": "pseudonymous",
                    "body": "The welcome pack made a real difference to me.",
                },
            ],
        },
        {
            "key": "p_retain",
            "kind": "practice",
            "author": "fatima",
            "attribution": "named",
            "days_ago": 8,
            "title": "Keeping people in work through a crisis: the RETAIN approach",
            "body": (
                "The Richmond Fellowship's RETAIN programme supported people at risk of losing "
                "their job because of their mental health, working with them and their "
                "employer early. Losing work is often the start of the next crisis."
            ),
            "details": {
                "setting": "Employment support for people with mental health problems",
                "done_by": "Employment specialists working with the person and their employer",
                "since": 2010,
                "outcomes": "People kept jobs they would otherwise have lost.",
                "cost": "Short, focused support; cheaper than support after job loss.",
                "evidence_level": "evaluated",
            },
            "comments": [],
        },
        {
            "key": "p_street_triage",
            "kind": "practice",
            "author": "dan",
            "attribution": "pseudonymous",
            "days_ago": 6,
            "title": "A nurse in the car: street triage on Friday and Saturday nights",
            "body": (
                "A mental-health nurse rides with a police officer on the busiest nights and "
                "can see the person there and then, check records and arrange care."
            ),
            "details": {
                "setting": "One police division with the local mental health trust",
                "done_by": "Mental-health nurse and police officer together",
                "since": 2022,
                "outcomes": "Fewer section 136 detentions on those nights; quicker help.",
                "cost": "A nurse's shift two nights a week, shared by police and NHS.",
                "evidence_level": "monitored",
            },
            "comments": [
                {
                    "author": "lena",
                    "attribution": "pseudonymous",
                    "body": "We run the same on weekdays now, thanks to your team's data.",
                },
            ],
        },
        {
            "key": "p_triage_adopted",
            "kind": "practice",
            "author": "lena",
            "attribution": "pseudonymous",
            "days_ago": 3,
            "title": "Street triage extended to weekday evenings",
            "body": "We copied the Friday and Saturday scheme for three weekday evenings.",
            "details": {
                "setting": "Neighbouring police division and crisis team",
                "done_by": "Crisis team nurses with response officers",
                "since": THIS_YEAR,
                "outcomes": "Early signs are the same as the original scheme.",
                "cost": "Funded from the crisis team budget for a pilot period.",
                "evidence_level": "anecdotal",
            },
            "comments": [],
        },
        {
            "key": "i_one_door",
            "kind": "idea",
            "author": "jo",
            "attribution": "pseudonymous",
            "days_ago": 4,
            "title": "One night-time door that owns the crisis until it is handed on in person",
            "body": (
                "Whoever answers first keeps the person until another service has actually "
                "taken them on, not just been told about them."
            ),
            "details": {
                "who_should_act": "Mental health trusts, police forces, ambulance services and commissioners",
                "expected_benefit": "No more being passed between doors in the middle of the night.",
            },
            "comments": [
                {
                    "author": "dan",
                    "attribution": "pseudonymous",
                    "body": "Handover in person would change my nights completely.",
                },
                {
                    "author": "ruth",
                    "body": "This is already one of the strongest threads; we'll test it in deliberation.",
                },
            ],
        },
        {
            "key": "i_measure",
            "kind": "idea",
            "author": "ruth",
            "attribution": "named",
            "days_ago": 2,
            "title": "Measure crisis lines by whether the caller got what they needed",
            "body": "Replace answer-time targets with a short follow-up call to a sample of callers.",
            "details": {
                "who_should_act": "Commissioners of crisis lines",
                "expected_benefit": "Staff free to stay on the line; fewer repeat calls and 999 calls.",
            },
            "comments": [],
        },
        {
            "key": "e_concordat",
            "kind": "evidence",
            "author": "ruth",
            "attribution": "named",
            "days_ago": 14,
            "title": "The Crisis Care Concordat commits services to respond together",
            "body": (
                "The national agreement sets out how police, health and social care should "
                "work together for people in mental health crisis."
            ),
            "details": {
                "source_type": "document",
                "source": "Mental Health Crisis Care Concordat (2014)",
                "provenance": "National agreement published on gov.uk, signed by national bodies.",
                "url": "https://www.gov.uk/government/publications/mental-health-crisis-care-agreement",
                "quality": "moderate",
            },
            "comments": [],
        },
        {
            "key": "e_testimony",
            "kind": "evidence",
            "author": "lena",
            "attribution": "protected",
            "days_ago": 5,
            "title": "Night-shift log: most calls needed more than the script allowed",
            "body": (
                "A personal tally over several night shifts of calls where the caller needed "
                "longer than the target allowed. Illustrative only: one person's notes."
            ),
            "details": {
                "source_type": "testimony",
                "source": "Own shift notes, crisis line, several night shifts",
                "provenance": "Kept by the contributor; no identifying details recorded.",
                "quality": "very_low",
            },
            "comments": [],
        },
        {
            "key": "s_jo",
            "kind": "story",
            "author": "jo",
            "attribution": "pseudonymous",
            "days_ago": 20,
            "title": "The officer who sat on the kerb with me",
            "body": (
                "The best help I had in a crisis wasn't from a mental health service. It was a "
                "police officer who sat down on the kerb next to me and asked what would help. "
                "He waited with me until the nurse came. He didn't have to."
            ),
            "details": {"setting": "A seaside town, late at night", "may_quote": True},
            "comments": [
                {"author": "dan", "attribution": "protected", "body": "Reading this made my week."},
                {
                    "author": "amara",
                    "body": "That is what a good night service looks like.",
                },
            ],
        },
    ],
    "links": [
        ("i_one_door", "addresses", "q_who", ""),
        ("i_measure", "addresses", "b_line_target", "Measure the outcome, not the answer time."),
        ("e_testimony", "supports", "b_line_target", ""),
        (
            "e_concordat",
            "supports",
            "i_one_door",
            "Services already committed to respond together.",
        ),
        ("p_triage_adopted", "replicates", "p_street_triage", "Adopted on weekday evenings too."),
        ("p_street_triage", "addresses", "b_136", "Fewer detentions on triage nights."),
        ("s_jo", "supports", "p_street_triage", ""),
        (
            "fd_signpost",
            "contradicts",
            "e_concordat",
            "The commitment is not what happens at night.",
        ),
    ],
}

PROJECTS = [HOME_CARE, TEMPORARY_ACCOMMODATION, CRISIS]
CRISIS_FORUM_KEY = CRISIS["key"]

# Verified-role badges, confirmed by site staff: (member, role, kind of employer). They show on
# the members' named and pseudonymous writing, never on protected items.
VERIFIED_ROLES = [
    ("bernie", "Home care worker", "provider"),
    ("kwame", "Registered social worker", "council"),
    ("lena", "Registered mental-health nurse", "council"),
]

# One comment a host hid, so the public moderation log has an entry to show.
MODERATED_COMMENT = {
    "project": HOME_CARE["key"],
    "on": "Why does my mum see eleven different carers a month?",
    "author": "george",
    "body": (
        "The one who came last Tuesday, Jo Smith from the agency on Market Street, should be "
        "sacked. She was twenty minutes late and rude to my wife."
    ),
    "reported_by": "bernie",
    "reason": "personal",
    "host": "helen",
    "decision": (
        "It names a care worker. Please describe what happened without naming anyone: the late "
        "visit itself is exactly what this project wants to hear about."
    ),
}


# Deliberation in the temporary accommodation project: statements to vote on, and ideas to
# compare. Voting patterns are generated (see loader._deliberation) so that practitioners and
# people with lived experience split on some statements and agree on others.
DELIBERATION = {
    "project": "temporary_accommodation",
    "statements": [
        # (text, who tends to agree: "all", "lived" experience, "staff", or "split")
        ("Families should never be placed more than an hour from their children's school.", "all"),
        ("A named officer should stay with a family from placement to settled home.", "all"),
        (
            "Bed and breakfast placements for families should end after six weeks, no exceptions.",
            "lived",
        ),
        ("Out-of-area placements are sometimes the only safe option.", "staff"),
        (
            "Councils should pay for travel to school while a family is in temporary accommodation.",
            "all",
        ),
        ("Inspection of temporary accommodation should be unannounced.", "lived"),
        ("Officers need more discretion over who counts as intentionally homeless.", "staff"),
        (
            "Families should be able to refuse an unsuitable offer without losing their place.",
            "lived",
        ),
        ("Targets for moving families on drive placements into worse housing.", "split"),
        ("Every placement should come with a working cooker and a fridge.", "all"),
        ("Temporary accommodation budgets should be ring-fenced for prevention.", "staff"),
        ("People who have lived in temporary accommodation should inspect it.", "lived"),
    ],
    "ideas": [
        "Guarantee school travel for every child in temporary accommodation",
        "One named officer per family from day one",
        "Unannounced inspections, with residents on the team",
        "End family B&B placements after six weeks",
        "A cooking and laundry standard for every placement",
        "Ring-fence money for prevention before crisis",
    ],
}

# A real Pol.is conversation, imported as it was published. Its statements and votes are not
# demo content; the project around them is.
LONDON_YOUTH_POLICING = {
    "key": "london_youth_policing",
    "folder": "london.youth.policing",
    "question": "How should policing in London change, in young people's own words?",
    "kind": "research_report",
    "visibility": "public",
    "sector": "justice",
    "host": "Eastmoor University Centre for Care Research",
    "creator": "ruth",
    "description": (
        "The project is demo content around real data: the statements and votes are a real "
        "Pol.is conversation held in 2022 with young Londoners about policing, imported "
        "unchanged.\n\n"
        "Data gathered using the Polis software (compdemocracy.org/polis) and sub-licensed "
        "under CC BY 4.0 with attribution to The Computational Democracy Project. More about "
        "how it was collected: "
        "https://compdemocracy.org/case-studies/2022-london-youth-policing"
    ),
    "phases": [("gather", -60, -30), ("deliberate", -29, 30), ("draft", 31, 60)],
    "targets": {"service_user": 100, "practitioner": 20, "policy": 5},
    # Shown with the statements and results and kept in the data download, as CC BY asks.
    "licence": "Sub-licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/) "
    "with attribution to The Computational Democracy Project.",
}
