"""The catalog, service network and staff the generated data draws on.

They carry their own codes (SIM-…, sim-…), so they live next to the demo's and are
reused when the command runs again. Written directly with the ORM: none of them has
rules beyond its fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aftersales.accounts.models import Team, User
from aftersales.accounts.roles import Role
from aftersales.catalog.models import Category, FaultCode, FaultKind, Product
from aftersales.field.models import ServiceCenter, Technician

H, S, OP = FaultKind.HARDWARE, FaultKind.SOFTWARE, FaultKind.OPERATION

# (code, name, share of units sold, needs a visit when it fails, seasonal)
CATEGORIES = [
    ("SIM-AC", "空调", 0.26, True, True),
    ("SIM-FRIDGE", "冰箱", 0.16, True, False),
    ("SIM-WASHER", "洗衣机", 0.18, True, False),
    ("SIM-HEATER", "热水器", 0.12, True, False),
    ("SIM-TV", "电视", 0.10, True, False),
    ("SIM-PHONE", "手机", 0.18, False, False),
]
# (sku, name, category, requires installation)
PRODUCTS = [
    ("SIM-KFR-26", "云川 大1匹 变频壁挂式空调", "SIM-AC", True),
    ("SIM-KFR-35", "云川 1.5匹 一级能效 壁挂式空调", "SIM-AC", True),
    ("SIM-KFR-72", "云川 3匹 立柜式空调", "SIM-AC", True),
    ("SIM-BCD-218", "云川 218升 三门冰箱", "SIM-FRIDGE", False),
    ("SIM-BCD-470", "云川 470升 对开门冰箱", "SIM-FRIDGE", False),
    ("SIM-XQB80", "云川 8公斤 波轮洗衣机", "SIM-WASHER", False),
    ("SIM-XQG100", "云川 10公斤 滚筒洗衣机", "SIM-WASHER", True),
    ("SIM-JSQ16", "云川 16升 燃气热水器", "SIM-HEATER", True),
    ("SIM-DSZF60", "云川 60升 电热水器", "SIM-HEATER", True),
    ("SIM-TV55", "云川 55英寸 4K 电视", "SIM-TV", False),
    ("SIM-TV75", "云川 75英寸 Mini LED 电视", "SIM-TV", True),
    ("SIM-Y10", "云川 Y10 5G手机", "SIM-PHONE", False),
    ("SIM-Y10P", "云川 Y10 Pro 5G手机", "SIM-PHONE", False),
]
# (category, code, kind, component, symptom, relative frequency)
FAULT_CODES = [
    ("SIM-AC", "E1", H, "压缩机", "不制冷", 8),
    ("SIM-AC", "E2", H, "室外风机", "外机不转", 4),
    ("SIM-AC", "E3", H, "主控板", "开机无反应", 3),
    ("SIM-AC", "E4", H, "排水", "室内机漏水", 5),
    ("SIM-AC", "F1", H, "冷媒", "缺氟制冷差", 6),
    ("SIM-AC", "U1", OP, "遥控器", "遥控失灵", 2),
    ("SIM-FRIDGE", "R1", H, "压缩机", "冷藏不制冷", 5),
    ("SIM-FRIDGE", "R2", H, "门封", "门封不严结霜", 3),
    ("SIM-FRIDGE", "R3", H, "风扇电机", "噪音大", 4),
    ("SIM-FRIDGE", "R4", OP, "温控", "温度设置不当", 2),
    ("SIM-WASHER", "W1", H, "排水泵", "不排水", 6),
    ("SIM-WASHER", "W2", H, "轴承", "脱水噪音大", 4),
    ("SIM-WASHER", "W3", H, "门锁", "门锁报警", 3),
    ("SIM-WASHER", "W4", OP, "安装", "机身晃动", 2),
    ("SIM-HEATER", "H1", H, "点火器", "不点火", 6),
    ("SIM-HEATER", "H2", H, "水流传感器", "水温忽冷忽热", 4),
    ("SIM-HEATER", "H3", H, "加热管", "不加热", 3),
    ("SIM-TV", "T1", H, "背光", "有声无图", 5),
    ("SIM-TV", "T2", H, "主板", "无法开机", 3),
    ("SIM-TV", "T3", S, "系统", "系统卡顿", 4),
    ("SIM-PHONE", "P1", H, "屏幕", "屏幕碎裂", 6),
    ("SIM-PHONE", "P2", H, "电池", "电池不耐用", 5),
    ("SIM-PHONE", "P3", S, "系统", "频繁重启", 4),
    ("SIM-PHONE", "P4", H, "充电口", "无法充电", 3),
]
# (city, province, SLA tier, share of customers)
CITIES = [
    ("北京", "北京市", "tier1", 9),
    ("上海", "上海市", "tier1", 9),
    ("广州", "广东省", "tier1", 7),
    ("深圳", "广东省", "tier1", 7),
    ("杭州", "浙江省", "tier2", 5),
    ("南京", "江苏省", "tier2", 4),
    ("成都", "四川省", "tier2", 5),
    ("武汉", "湖北省", "tier2", 4),
    ("西安", "陕西省", "tier2", 3),
    ("苏州", "江苏省", "tier2", 3),
    ("天津", "天津市", "tier2", 3),
    ("重庆", "重庆市", "tier2", 4),
    ("长沙", "湖南省", "other", 3),
    ("郑州", "河南省", "other", 3),
    ("合肥", "安徽省", "other", 2),
    ("济南", "山东省", "other", 2),
    ("福州", "福建省", "other", 2),
    ("昆明", "云南省", "other", 2),
    ("南宁", "广西壮族自治区", "other", 2),
    ("温州", "浙江省", "other", 2),
    ("洛阳", "河南省", "other", 1),
    ("绵阳", "四川省", "other", 1),
]
# Own centers in the big cities, authorised partners elsewhere (and in some big ones too).
OWN_CENTER_CITIES = {"北京", "上海", "广州", "深圳", "杭州", "成都", "武汉"}
PARTNER_ALSO = {"上海", "广州", "成都"}
TECHNICIANS_PER_CENTER = 4
AGENTS = 24
TEAMS = ["仿真一线客服组", "仿真技术支持组", "仿真大客户组"]


@dataclass
class Reference:
    """Ids of what the generator draws on (ids only: it builds rows, not objects)."""

    categories: list[str] = field(default_factory=list)  # codes, in CATEGORIES order
    category_ids: dict[str, int] = field(default_factory=dict)
    products: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # id, name
    faults: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)  # id, kind, text
    fault_weights: dict[str, list[int]] = field(default_factory=dict)
    centers: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # city → id, kind
    all_centers: list[int] = field(default_factory=list)
    technicians: dict[int, list[int]] = field(default_factory=dict)  # center → technicians
    agents: list[int] = field(default_factory=list)
    teams: list[int] = field(default_factory=list)


def ensure_reference() -> Reference:
    ref = Reference()
    _catalog(ref)
    _network(ref)
    _staff(ref)
    return ref


def _catalog(ref: Reference) -> None:
    for code, name, *_rest in CATEGORIES:
        category, _new = Category.objects.get_or_create(code=code, defaults={"name": name})
        ref.categories.append(code)
        ref.category_ids[code] = category.pk
        ref.products[code] = []
        ref.faults[code] = []
        ref.fault_weights[code] = []
    for sku, name, category, installs in PRODUCTS:
        product, _new = Product.objects.get_or_create(
            sku=sku,
            defaults={
                "name": name,
                "category_id": ref.category_ids[category],
                "brand": "云川",
                "requires_installation": installs,
            },
        )
        ref.products[category].append((product.pk, product.name))
    for category, code, kind, component, symptom, weight in FAULT_CODES:
        fault, _new = FaultCode.objects.get_or_create(
            category_id=ref.category_ids[category],
            code=code,
            defaults={"kind": kind, "component": component, "symptom": symptom},
        )
        ref.faults[category].append((fault.pk, fault.kind, fault.symptom))
        ref.fault_weights[category].append(weight)


def _center(code: str, name: str, kind: str, city: str, province: str) -> ServiceCenter:
    center, _new = ServiceCenter.objects.get_or_create(
        code=code,
        defaults={"name": name, "kind": kind, "city": city, "province": province},
    )
    return center


def _network(ref: Reference) -> None:
    for number, (city, province, _tier, _weight) in enumerate(CITIES, start=1):
        found = []
        if city in OWN_CENTER_CITIES:
            center = _center(
                f"SIM-OWN-{number:02d}",
                f"云川{city}服务中心",
                ServiceCenter.Kind.OWN,
                city,
                province,
            )
            found.append((center.pk, center.kind))
        if city not in OWN_CENTER_CITIES or city in PARTNER_ALSO:
            center = _center(
                f"SIM-PTN-{number:02d}",
                f"{city}云川特约维修站",
                ServiceCenter.Kind.PARTNER,
                city,
                province,
            )
            found.append((center.pk, center.kind))
        ref.centers[city] = found
        ref.all_centers.extend(pk for pk, _kind in found)
    for center_id in ref.all_centers:
        ref.technicians[center_id] = []
        for index in range(1, TECHNICIANS_PER_CENTER + 1):
            user = _user(
                f"sim-tech-{center_id}-{index}",
                Role.TECHNICIAN,
                "工程师",
                index,
                service_center_id=center_id,
            )
            technician, _new = Technician.objects.get_or_create(
                user=user, defaults={"home_center_id": center_id}
            )
            ref.technicians[center_id].append(technician.pk)


def _staff(ref: Reference) -> None:
    for index in range(1, AGENTS + 1):
        ref.agents.append(_user(f"sim-agent-{index:02d}", Role.AGENT, "客服", index).pk)
    ref.teams = [Team.objects.get_or_create(name=name)[0].pk for name in TEAMS]


def _user(username: str, role: str, title: str, index: int, **extra) -> User:
    # No password: these people exist for the data, nobody signs in as them.
    user, new = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "first_name": f"{title}{index:02d}", "last_name": "仿真", **extra},
    )
    if new:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
