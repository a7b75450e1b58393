from calls.tests.factories import CallFactory
from cosviluppo.tests.matrix_roles import everyone


def build(data):
    data["call"] = CallFactory()


ROWS = {
    "calls:list": (None, "get", everyone(200)),
    "calls:detail": (lambda data: {"code": data["call"].code}, "get", everyone(200)),
}
