"""Demo knowledge base: eight articles for the demo catalogue (空调 not cooling, E1/E6 codes,
洗衣机 leaking and E1, a water heater guide, and two English ones). Safe to run twice (the
second run adds nothing). Called from nowhere yet: `core.demo.load_demo` may call
`load(actor)` (a manager) after it has made the catalogue and its fault codes."""

from django.db import transaction

from aftersales.catalog.models import Category, FaultCode
from aftersales.kb import services
from aftersales.kb.models import Article, Audience, Kind

# (category code, title, symptom, cause, steps, audience, kind, fault codes)
ARTICLES = [
    ("AC", "空调不制冷、出风不凉怎么办", "开机后出风不冷，房间温度降不下来",
     "滤网脏堵、模式或温度设置不当、缺少冷媒（缺氟）",
     "1. 确认遥控器为制冷模式，设定温度低于室温\n2. 取出滤网用清水冲洗，晾干后装回\n"
     "3. 检查室外机是否运转、周围是否通风\n4. 仍不制冷请报修，由工程师检测冷媒压力",
     Audience.PUBLIC, Kind.TROUBLESHOOTING, ["F0"]),
    ("AC", "空调显示 E1 故障码", "空调显示E1，开机几分钟后停机", "室内温度传感器故障或接触不良",
     "1. 断电 5 分钟后重新开机\n2. 仍显示 E1：检查室内温度传感器插头，测量阻值\n"
     "3. 阻值异常更换温度传感器（P-AC-SENSOR），试机",
     Audience.INTERNAL, Kind.TROUBLESHOOTING, ["E1"]),
    ("AC", "空调 E6 通讯故障处理", "面板闪烁 E6，空调无法启动", "室内外机通讯线松动、氧化或接错",
     "1. 断电检查室内外机通讯线接头\n2. 重新压接紧固，确认接线顺序\n3. 上电试机",
     Audience.INTERNAL, Kind.TROUBLESHOOTING, ["E6"]),
    ("WASHER", "洗衣机漏水怎么办", "洗衣机底部或进水管处漏水",
     "进水管接头松动、排水管破损或门封老化",
     "1. 关闭水龙头并断电\n2. 拧紧进水管两端接头\n3. 检查排水管有无破损\n"
     "4. 门封处漏水请报修更换门封",
     Audience.PUBLIC, Kind.TROUBLESHOOTING, []),
    ("WASHER", "洗衣机不进水（E1）", "洗衣机不进水，显示 E1", "水龙头未开、水压低或进水阀滤网堵塞",
     "1. 确认水龙头已打开、未停水\n2. 关水后拆下进水管，清洗进水阀滤网\n3. 装回后重新启动",
     Audience.PUBLIC, Kind.TROUBLESHOOTING, ["E1"]),
    ("HEATER", "热水器出问题时先做什么", "热水器不出热水、漏水或有异味",
     "多种原因，先保证安全",
     "1. 有燃气味：立即关闭燃气阀，开窗通风，不要开关电器\n2. 漏水：关闭进水阀并断电\n"
     "3. 不出热水：检查电源、燃气阀和水压\n4. 以上处理后仍有问题请报修",
     Audience.PUBLIC, Kind.GUIDE, []),
    ("AC", "Air conditioner is not cooling", "The unit runs but the air is not cold",
     "Dirty filter, wrong mode or temperature, low refrigerant",
     "1. Set cooling mode and a temperature below the room's\n2. Wash the filter and let it dry\n"
     "3. Check that the outdoor unit runs\n4. Still warm: request a visit",
     Audience.PUBLIC, Kind.TROUBLESHOOTING, []),
    ("WASHER", "Washing machine leaks water", "Water on the floor under the washer",
     "Loose inlet hose, cracked drain hose or worn door seal",
     "1. Turn off the tap and unplug the machine\n2. Tighten both ends of the inlet hose\n"
     "3. Check the drain hose for cracks\n4. A leaking door seal needs a visit",
     Audience.PUBLIC, Kind.TROUBLESHOOTING, []),
]  # fmt: skip


@transaction.atomic
def load(actor) -> dict:
    """Make the demo articles (once), published. `actor`: a service manager."""
    if Article.objects.exists():
        return {"created": 0}
    categories = {c.code: c for c in Category.objects.filter(code__in={a[0] for a in ARTICLES})}
    created = 0
    for code, title, symptom, cause, steps, audience, kind, codes in ARTICLES:
        category = categories.get(code)
        if category is None:
            continue
        services.create_article(
            actor, title=title, category=category, symptom=symptom, cause=cause, steps=steps,
            audience=audience, kind=kind, publish=True,
            fault_codes=FaultCode.objects.filter(category=category, code__in=codes),
        )  # fmt: skip
        created += 1
    return {"created": created}
