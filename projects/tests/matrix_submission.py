ROWS: dict = {}


def build(data):
    pass
