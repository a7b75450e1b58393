"""People who use the portal. Organisation roles live in associations.Membership."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person, identified by e-mail address.

    `municipal_role` marks the municipality's own people (programme officers and
    evaluators); members of associations, NGOs and funders get their roles from
    their memberships instead.
    """

    class MunicipalRole(models.TextChoices):
        NONE = "", _("none")
        OFFICER = "officer", _("programme officer")
        EVALUATOR = "evaluator", _("evaluator")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    municipal_role = models.CharField(
        _("municipal role"), max_length=16, choices=MunicipalRole.choices, blank=True, default=""
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=[("it", "Italiano"), ("en", "English")], default="it"
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Can log into the administration site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo account"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(municipal_role__in=["", "officer", "evaluator"]),
                name="user_municipal_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_programme_officer(self) -> bool:
        return self.is_active and (self.municipal_role == self.MunicipalRole.OFFICER or self.is_superuser)

    @property
    def is_evaluator(self) -> bool:
        return self.is_active and self.municipal_role == self.MunicipalRole.EVALUATOR
