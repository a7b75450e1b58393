from django.apps import AppConfig


class CosviluppoConfig(AppConfig):
    name = "cosviluppo"
    verbose_name = "Cosviluppo"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deploy checks
