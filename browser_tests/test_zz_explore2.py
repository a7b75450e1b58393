import pytest
from browser_tests.helpers import visit

@pytest.mark.django_db(transaction=True)
def test_explore(page):
    from axe_playwright_python.sync_playwright import Axe
    visit(page, "/calls/")
    r = Axe().run(page, options={"resultTypes": ["violations", "passes", "incomplete"]})
    print("passes", len(r.response["passes"]), "incomplete", [(i["id"], len(i["nodes"])) for i in r.response["incomplete"]], "violations", len(r.response["violations"]))
    print(page.locator("html").get_attribute("lang"), page.title())
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<p id=x>low</p><img src=/x.png>'); document.getElementById('x').className='text-white'")
    r = Axe().run(page)
    print([(v["id"], v["impact"]) for v in r.response["violations"]])
