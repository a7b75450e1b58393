import json
import pytest
from django.test import override_settings
from cosviluppo.demo import demo_load
from calls.models import Call
from associations.models import Organisation
from browser_tests.helpers import visit

@pytest.mark.django_db(transaction=True)
def test_explore(page):
    import time
    t=time.monotonic()
    with override_settings(DEBUG=True):
        demo_load()
    print("load", time.monotonic()-t)
    call = Call.objects.filter(status="open").first()
    org = Organisation.objects.verified().first()
    from axe_playwright_python.sync_playwright import Axe
    out = {}
    for lang in ("it", "en"):
        if lang == "en":
            page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.context._impl_obj._options.get("baseURL") if False else page.url}])
        for path in ["/", "/calls/", f"/calls/{call.code}/", "/associations/", f"/associations/{org.pk}/", "/accounts/login/", "/accounts/signup/", "/accessibilita/"]:
            t=time.monotonic()
            visit(page, path)
            r = Axe().run(page)
            out[lang+path] = [(v["id"], v["impact"], v["help"], [ (n["target"], n["html"][:200], n.get("failureSummary","")[:300]) for n in v["nodes"][:5]]) for v in r.response["violations"]]
            print(lang, path, time.monotonic()-t)
    open("/tmp/axe_explore.json","w").write(json.dumps(out, indent=1, ensure_ascii=False))
