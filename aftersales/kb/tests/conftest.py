"""A handful of articles about air conditioners and washing machines, in Chinese and English."""

import pytest

from aftersales.kb import services
from aftersales.kb.models import Audience, Kind
from aftersales.testing.factories import CategoryFactory, FaultCodeFactory, ProductFactory


@pytest.fixture
def appliances(db):
    return CategoryFactory(code="APPL", name="家电")


@pytest.fixture
def aircon(appliances):
    return CategoryFactory(code="AC", name="空调", parent=appliances)


@pytest.fixture
def washer(appliances):
    return CategoryFactory(code="WM", name="洗衣机", parent=appliances)


@pytest.fixture
def aircon_model(aircon):
    return ProductFactory(sku="KFR-35GW", name="壁挂式空调 KFR-35GW", category=aircon)


@pytest.fixture
def articles(manager, aircon, washer, aircon_model):
    e1 = FaultCodeFactory(category=aircon, code="E1", symptom="室内外机通讯故障")

    def write(**fields):
        return services.create_article(manager, publish=True, **fields)

    return {
        "not_cooling": write(
            title="空调不制冷怎么办", category=aircon, audience=Audience.PUBLIC,
            symptom="开机后出风不冷，制冷效果差", cause="滤网堵塞或缺少冷媒",
            steps="1. 清洗滤网\n2. 检查设定温度和模式\n3. 仍不制冷请报修检测冷媒",
        ),
        "e1": write(
            title="E1 故障码：室内外机通讯故障", category=aircon, fault_codes=[e1],
            symptom="显示屏显示 E1", cause="通讯线松动", steps="断电重启；检查连接线",
        ),
        "noise": write(
            title="空调噪音大", product=aircon_model, audience=Audience.PUBLIC,
            symptom="室外机噪音大，运行有异响", cause="安装支架松动", steps="紧固支架",
        ),
        "leak": write(
            title="洗衣机漏水", category=washer, audience=Audience.PUBLIC,
            symptom="洗衣机底部漏水", cause="进水管接头松动或排水管破损",
            steps="关闭水龙头，拧紧进水管接头，更换排水管", kind=Kind.GUIDE,
        ),
        "en_cooling": write(
            title="Air conditioner is not cooling", category=aircon, audience=Audience.PUBLIC,
            symptom="The unit runs but the air is not cold", cause="Dirty filter, low refrigerant",
            steps="Clean the filter. Set cooling mode. Call for a refrigerant check.",
        ),
        "en_leak": write(
            title="Washing machine leaks water", category=washer, audience=Audience.PUBLIC,
            symptom="Water on the floor under the washer", cause="Loose inlet hose",
            steps="Turn off the tap, tighten the inlet hose, replace a cracked drain hose.",
        ),
        "en_drum": write(
            title="Washing machine drum does not spin", category=washer,
            symptom="The drum stays still", cause="Belt worn", steps="Replace the belt.",
        ),
    }  # fmt: skip
