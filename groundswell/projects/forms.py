from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.dateformat import format as date_format

from groundswell.organisations.selectors import organisations_administered_by
from groundswell.people.perspectives import Role, Sector
from groundswell.projects.models import PHASE_ORDER, PhaseKind, Project, ProjectKind, Visibility
from groundswell.projects.services import CODE_EXPIRY_TOO_LATE, MAX_CODE_DAYS, PhasePlan

# Every role a member can declare, as the people counted against a target. A target for a
# role left off this form was deleted whenever the host saved the project (saving sets all the
# targets), and a researcher-led project could not aim for researchers.
TARGET_LABELS = {
    Role.SERVICE_USER: "Service users",
    Role.CARER: "Carers or family members",
    Role.PRACTITIONER: "Frontline practitioners",
    Role.MANAGER: "Managers",
    Role.COMMISSIONER: "Commissioners",
    Role.ORGANISATION: "Staff of charities, providers or councils",
    Role.POLICY: "Policy professionals",
    Role.RESEARCHER: "Researchers",
    Role.JOURNALIST: "Journalists",
    Role.FUNDER: "Funders",
    Role.CAMPAIGNER: "Campaigners",
    Role.OTHER: "Others",
}
TARGET_ROLES = list(TARGET_LABELS)
# A date picker only accepts ISO dates; the en-GB default format (27/11/2026) would blank it.
DATE_PICKER = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Weeks each phase lasts in the suggested plan a new project starts with.
DEFAULT_WEEKS = {"define": 1, "gather": 4, "deliberate": 2, "draft": 2, "crowd_check": 1}


def default_phase_starts(today=None) -> dict[str, object]:
    day = today or timezone.localdate()
    starts = {}
    for kind, weeks in DEFAULT_WEEKS.items():
        starts[kind] = day
        day = day + timedelta(weeks=weeks)
    return {"starts": starts, "ends_on": day - timedelta(days=1)}


class ProjectForm(forms.Form):
    question = forms.CharField(
        max_length=200,
        label="The question",
        help_text=(
            "What do you want to find out? For example: what would make home care visits work?"
        ),
    )
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    kind = forms.ChoiceField(label="What will the project produce?", choices=ProjectKind.choices)
    host = forms.ChoiceField(label="Host")
    visibility = forms.ChoiceField(
        choices=Visibility.choices, widget=forms.RadioSelect, initial=Visibility.PUBLIC
    )
    sector = forms.ChoiceField(choices=[("", "Any / several"), *Sector.choices], required=False)
    ends_on = forms.DateField(
        label="Last phase ends on",
        widget=DATE_PICKER,
        help_text="The date the final phase you chose closes.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.organisations = list(organisations_administered_by(user=user))
        self.fields["host"].choices = [
            ("self", "Myself"),
            *((f"org:{o.pk}", o.name) for o in self.organisations),
        ]
        for kind in PHASE_ORDER:
            self.fields[f"phase_{kind}"] = forms.DateField(
                label=f"{PhaseKind(kind).label} starts on",
                required=False,
                widget=DATE_PICKER,
            )
        for role in TARGET_ROLES:
            self.fields[f"target_{role}"] = forms.IntegerField(
                label=TARGET_LABELS[role], required=False, min_value=0, max_value=100_000
            )
        if not self.is_bound and "ends_on" not in self.initial:
            plan = default_phase_starts()
            for kind, day in plan["starts"].items():
                self.initial.setdefault(f"phase_{kind}", day)
            self.initial["ends_on"] = plan["ends_on"]

    def phase_fields(self):
        return [self[f"phase_{kind}"] for kind in PHASE_ORDER]

    def target_fields(self):
        return [self[f"target_{role}"] for role in TARGET_ROLES]

    def clean_host(self):
        value = self.cleaned_data["host"]
        if value == "self":
            return None
        by_key = {f"org:{o.pk}": o for o in self.organisations}
        if value not in by_key:
            raise forms.ValidationError("Choose yourself or an organisation you administer.")
        return by_key[value]

    def clean(self):
        cleaned = super().clean()
        starts = [(k, cleaned.get(f"phase_{k}")) for k in PHASE_ORDER if cleaned.get(f"phase_{k}")]
        ends_on = cleaned.get("ends_on")
        if not starts:
            # Beside the first date as well as in the summary, so it is seen where it is fixed;
            # not when a date was typed but is not one (that field says so already).
            if not any(f"phase_{k}" in self.errors for k in PHASE_ORDER):
                self.add_error(
                    f"phase_{PHASE_ORDER[0]}", "Give a start date for at least one phase."
                )
            return cleaned
        if ends_on is None:
            return cleaned
        plans = []
        for (kind, start), nxt in zip(starts, [*starts[1:], None], strict=True):
            # Compare before subtracting: a day before 1 January of year 1 does not exist.
            if nxt and nxt[1] <= start:
                self.add_error(
                    f"phase_{nxt[0]}",
                    "Each phase must start after the one before it, in the order shown.",
                )
                return cleaned
            if not nxt and ends_on < start:
                self.add_error(
                    "ends_on",
                    f"The last phase ({PhaseKind(kind).label}) starts on"
                    f" {date_format(start, 'j F Y')}: choose that day or a later one.",
                )
                return cleaned
            end = nxt[1] - timedelta(days=1) if nxt else ends_on
            plans.append(PhasePlan(kind=kind, starts_on=start, ends_on=end))
        cleaned["phases"] = plans
        cleaned["targets"] = {
            role.value: cleaned.get(f"target_{role}") or 0 for role in TARGET_ROLES
        }
        return cleaned

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        initial = {
            "question": project.question,
            "description": project.description,
            "kind": project.kind,
            "visibility": project.visibility,
            "sector": project.sector,
            "host": f"org:{project.host_organisation_id}"
            if project.host_organisation_id
            else "self",
        }
        phases = list(project.phases.all())
        for phase in phases:
            initial[f"phase_{phase.kind}"] = phase.starts_on
        if phases:
            initial["ends_on"] = max(p.ends_on for p in phases)
        for target in project.targets.all():
            initial[f"target_{target.role}"] = target.target
        return initial


class InviteLinkForm(forms.Form):
    note = forms.CharField(max_length=120, required=False, label="Note to yourself (who it is for)")
    max_uses = forms.IntegerField(
        min_value=1, max_value=10_000, initial=50, label="How many people can use it"
    )
    days = forms.IntegerField(
        min_value=1, max_value=365, initial=30, label="Days before it expires"
    )


def _in_a_month():
    return timezone.localdate() + timedelta(days=30)


class InviteCodesForm(forms.Form):
    count = forms.IntegerField(
        min_value=1,
        max_value=200,
        initial=20,
        label="How many codes",
        help_text="Each code lets one person join. Up to 200 at a time.",
    )
    expires_on = forms.DateField(
        label="Codes work until",
        widget=DATE_PICKER,
        initial=_in_a_month,
        help_text="They stop working at the end of this day, at most a year from today.",
    )
    note = forms.CharField(
        max_length=120, required=False, label="Note to yourself (who they are for)"
    )

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("Choose today or a later date.")
        if day > timezone.localdate() + timedelta(days=MAX_CODE_DAYS):
            raise forms.ValidationError(CODE_EXPIRY_TOO_LATE)
        return day


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        label="Your invitation code",
        help_text="Ten letters and numbers. Capitals or small letters both work.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
