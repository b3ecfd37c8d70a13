"""The demo articles load once on the demo catalogue and answer the demo questions."""

from aftersales.kb import demo
from aftersales.kb.models import Article
from aftersales.kb.search import search
from aftersales.testing.factories import CategoryFactory, FaultCodeFactory


def test_demo_articles_load_once_and_are_found(db, manager):
    aircon = CategoryFactory(code="AC", name="空调")
    CategoryFactory(code="WASHER", name="洗衣机")
    CategoryFactory(code="HEATER", name="热水器")
    FaultCodeFactory(category=aircon, code="E1", symptom="室温传感器故障")
    assert demo.load(manager) == {"created": 8}
    assert demo.load(manager) == {"created": 0}
    assert search(Article.objects.all(), "空调不制冷")[0].title == "空调不制冷、出风不凉怎么办"
    assert search(Article.objects.all(), "洗衣机 漏水")[0].title == "洗衣机漏水怎么办"
    assert search(Article.objects.all(), "空调 E1 故障码")[0].title == "空调显示 E1 故障码"
    assert search(Article.objects.all(), "leaks water")[0].title == "Washing machine leaks water"
