from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse

from groundswell.people.perspectives import Region, Role, Sector


class User(AbstractUser):
    """A member. The username is the public handle the member chose at sign-up."""

    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField("short bio", max_length=600, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    region = models.CharField(max_length=20, choices=Region.choices, blank=True)
    pseudonym = models.CharField(
        max_length=40,
        blank=True,
        help_text="Shown instead of your name on pseudonymous contributions.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pseudonym"],
                condition=~models.Q(pseudonym=""),
                name="people_user_pseudonym_unique",
            )
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("people:profile", kwargs={"username": self.username})
