import factory

from reports.models import ReportRun


class ReportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportRun

    kind = ReportRun.Kind.FUNDING
    format = ReportRun.Format.CSV
    requested_by = factory.SubFactory("accounts.tests.factories.UserFactory")
