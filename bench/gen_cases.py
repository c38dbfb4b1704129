#!/usr/bin/env python3
"""Deterministic generator of realistic 诉求 (cases) for 吕梁市, for the benchmarks.

    python3 bench/gen_cases.py N OUT.csv [--seed S] [--today 2026-11-29] [--sheet]

As a module (what bench/bench_cases.py and other benchmarks use):

    import gen_cases
    city = gen_cases.City(seed=20210716, today=datetime.date(2026, 11, 29))
    city.units      # [Unit(name, division_code)] — 承办单位, 10 per county and 10 of the city
    city.leaders    # [Leader(name, title, division_code)] — 包案领导, city and county leaders
    for c in city.cases(1_000_000):   # Case objects, the same every run for the same seed
        c.row(unit_ids, leader_ids)   # the `cases` table's columns (dict), ids mapped by index
        c.sheet_row()                 # the backlog sheet's row (backlog cases only)

What the cases look like: the 13 counties of 吕梁市 weighted by population, 60 % of the
cases in one of their townships (the bundled division seed); the five sources in realistic
shares (12345 hotline 62 %, petition 15 %, online 12 %, liaison station 7 %, leader visit
4 %) with the kinds that fit each; received dates over 2021-01-01 … the day before `today`,
growing year by year; every case walks the workflow (route → accept → start → reply →
close → follow-up) with realistic delays measured against the shipped deadline policies on
the working-day calendar (bench/../Sources/TongguanServer/Resources/Seed/holidays-cn.csv),
so recent cases are spread over the open states and old ones are mostly closed; ~3 % stall
at a step (most of them end up overdue), some replies are late, some are extended, some
petitions are under 复查/复核; outcomes resolved / explained / not supported / redirected;
satisfaction on ~60 % of the closed cases; ~1 % flagged (挂牌督办, mostly overdue ones);
leader-visit cases and a few petitions owned by a leader (包案); ~2 % backlog petitions
handed down by 中央联席办 or 省联席办, dated and shaped exactly as the backlog import
(`tongguan import cases FILE --handed-down-by …`) writes them, so that part can go
through the real import.

Due dates, `pending_due`, `on_time` and `count_on` are computed here the way the server's
`CaseDeadlines.compute` does (shipped policies, the shipped calendar, provisional when a
count runs into an unloaded year); bench/bench_cases.py checks them against what the
import stored for the imported rows.

Only the standard library; the same N, seed and today always give the same cases.
"""

import argparse
import csv
import datetime
import os
import random
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_DIR = os.path.join(os.path.dirname(HERE), "Sources", "TongguanServer", "Resources", "Seed")

# The 13 counties and rough population weights (万人).
COUNTIES = [
    ("141102", "离石区", 40), ("141121", "文水县", 42), ("141122", "交城县", 23), ("141123", "兴县", 28),
    ("141124", "临县", 57), ("141125", "柳林县", 33), ("141126", "石楼县", 11), ("141127", "岚县", 17),
    ("141128", "方山县", 14), ("141129", "中阳县", 14), ("141130", "交口县", 10), ("141181", "孝义市", 47),
    ("141182", "汾阳市", 41),
]
CITY = "141100"

SOURCES = ["hotline", "petition", "online", "liaison_station", "leader_visit"]
SOURCE_WEIGHTS = [62, 15, 12, 7, 4]
SOURCE_LABELS = {"hotline": "12345热线", "petition": "信访", "online": "网上", "liaison_station": "人大代表联络站", "leader_visit": "领导接访"}
GENERAL_KINDS = [("consultation", "咨询", 30), ("complaint", "投诉", 30), ("help_request", "求助", 22), ("suggestion", "建议", 12),
                 ("report", "举报", 6)]
PETITION_KINDS = [("opinion", "建议意见", 25), ("accusation", "检举控告", 20), ("appeal", "申诉求决", 55)]
KIND_LABELS = {k: label for k, label, _ in GENERAL_KINDS + PETITION_KINDS}
OUTCOMES = [("resolved", "化解", 60), ("explained", "解释说明", 25), ("not_supported", "不予支持", 8), ("redirected", "导入法定程序", 7)]
SATISFACTION = [("satisfied", 70), ("basically_satisfied", 20), ("unsatisfied", 10)]
STATE_LABELS = {"registered": "已登记", "routed": "已交办", "returned": "已退回", "accepted": "已受理", "in_progress": "办理中",
                "replied": "已答复", "closed": "已办结"}

UNIT_KINDS = ["信访局", "住房和城乡建设局", "人力资源和社会保障局", "自然资源局", "市场监督管理局", "城市管理局", "生态环境局",
              "农业农村局", "教育局", "卫生健康委员会"]
# Which unit kinds a matter of each topic goes to.
TOPICS = [
    ("物业服务", 4, 1), ("供暖不热", 5, 1), ("拖欠工资", 2, 2), ("社保缴费", 2, 2), ("宅基地纠纷", 3, 3), ("征地补偿", 3, 3),
    ("食品安全", 4, 4), ("价格欺诈", 4, 4), ("占道经营", 5, 5), ("噪声扰民", 6, 6), ("煤尘污染", 6, 6), ("农村饮水", 7, 7),
    ("入学报名", 8, 8), ("医疗纠纷", 9, 9), ("房屋质量", 1, 1), ("低保申请", 0, 2),
]
BACKLOG_BODIES = [("中央联席办", 70), ("省联席办", 30)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志成海燕晓东鹏飞宇"

# The shipped deadline policies (DeadlinePolicy.shipped).
POLICIES = {
    "petition": dict(counting="calendar", route=15, accept=15, handle=60, handle_from="accepted", ext_max=30, review_request=30,
                     review=30, re_review=30),
    "hotline": dict(counting="working", route=None, accept=None, handle=5, handle_from="routed", ext_max=10),
    "liaison_station": dict(counting="working", route=None, accept=None, handle=15, handle_from="routed", ext_max=15),
    "leader_visit": dict(counting="working", route=None, accept=None, handle=15, handle_from="routed", ext_max=15),
    "online": dict(counting="working", route=None, accept=None, handle=15, handle_from="routed", ext_max=15),
}

DAY = datetime.timedelta(days=1)


class Calendar:
    """The working-day calendar (WorkingCalendar): Monday–Friday except holidays, plus the
    make-up workdays; a count touching a year with no entries is provisional."""

    def __init__(self, path=None):
        self.kind = {}
        with open(path or os.path.join(SEED_DIR, "holidays-cn.csv"), encoding="utf-8") as f:
            for r in csv.DictReader(f):
                self.kind[datetime.date.fromisoformat(r["date"])] = r["kind"]
        self.years = {d.year for d in self.kind}
        self._cache = {}

    def working(self, d):
        k = self.kind.get(d)
        return k == "workday" if k else d.weekday() < 5

    def add(self, n, counting, after):
        """(date, provisional): n days after `after`, counted as `counting` says."""
        if counting == "calendar":
            return after + datetime.timedelta(days=max(n, 0)), False
        key = (n, after)
        hit = self._cache.get(key)
        if hit:
            return hit
        d, left, prov, year = after, n, False, None
        while left > 0:
            d += DAY
            if d.year != year:
                year = d.year
                if year not in self.years:
                    prov = True
            if self.working(d):
                left -= 1
        self._cache[key] = (d, prov)
        return d, prov


class Unit:
    def __init__(self, name, division_code, kind):
        self.name, self.division_code, self.kind = name, division_code, kind


class Leader:
    def __init__(self, name, title, division_code):
        self.name, self.title, self.division_code = name, title, division_code


def iso(d):
    return d.isoformat() if d else None


class Case:
    """One generated case: the workflow's step dates, the denormalised deadlines and the
    details, as the server stores them."""

    __slots__ = ("i", "id", "number", "source", "kind", "title", "content", "requester_name", "requester_phone", "division_code",
                 "received_on", "station_name", "station_batch", "owner_leader", "backlog", "handed_down_by", "unit", "state",
                 "outcome", "reply_text", "flagged", "satisfaction", "routed_on", "accepted_on", "started_on", "extension_days",
                 "replied_on", "closed_on", "followed_up_on", "review_requested_on", "re_review_requested_on", "last_step_on",
                 "due_route", "due_accept", "due_handle", "due_review", "review_request_by", "due_provisional", "pending_due",
                 "on_time", "unit_division_code")

    def row(self, unit_ids, leader_ids):
        """The `cases` table's columns (ids as uuid.UUID; dates as YYYY-MM-DD; the caller
        adds created_at / updated_at in its engine's format)."""
        return {
            "id": self.id, "number": self.number, "source": self.source, "kind": self.kind, "title": self.title,
            "content": self.content, "requester_name": self.requester_name, "requester_phone": self.requester_phone,
            "requester_id_sealed": None, "requester_id_index": None, "requester_id_masked": None,
            "division_code": self.division_code, "received_on": iso(self.received_on), "station_name": self.station_name,
            "station_batch": self.station_batch,
            "owner_leader_id": leader_ids[self.owner_leader] if self.owner_leader is not None else None,
            "backlog": self.backlog, "handed_down_by": self.handed_down_by,
            "original_received_on": iso(self.received_on) if self.backlog else None, "count_on": iso(self.received_on),
            "unit_id": unit_ids[self.unit] if self.unit is not None else None, "unit_division_code": self.unit_division_code,
            "state": self.state, "outcome": self.outcome, "reply_text": self.reply_text, "flagged": self.flagged,
            "satisfaction": self.satisfaction, "routed_on": iso(self.routed_on), "accepted_on": iso(self.accepted_on),
            "started_on": iso(self.started_on), "reopened_on": None, "extension_days": self.extension_days, "open_subtasks": 0,
            "replied_on": iso(self.replied_on), "closed_on": iso(self.closed_on), "followed_up_on": iso(self.followed_up_on),
            "review_requested_on": iso(self.review_requested_on), "re_review_requested_on": iso(self.re_review_requested_on),
            "last_step_on": iso(self.last_step_on), "due_route": iso(self.due_route), "due_accept": iso(self.due_accept),
            "due_handle": iso(self.due_handle), "due_review": iso(self.due_review), "review_request_by": iso(self.review_request_by),
            "due_provisional": self.due_provisional, "pending_due": iso(self.pending_due), "on_time": self.on_time, "version": 1,
        }

    SHEET_HEADER = ["编号", "来源", "类别", "标题", "内容", "诉求人", "联系电话", "区划代码", "登记日期", "交办单位", "包案领导", "状态", "办理结果", "办结日期"]

    def sheet_row(self, units, leaders):
        """The backlog sheet's row (`tongguan import cases`); only for backlog cases."""
        assert self.backlog
        return [self.number, SOURCE_LABELS[self.source], KIND_LABELS[self.kind], self.title, self.content, self.requester_name,
                self.requester_phone, self.division_code, iso(self.received_on),
                units[self.unit].name if self.unit is not None else "",
                leaders[self.owner_leader].name if self.owner_leader is not None else "", STATE_LABELS[self.state],
                dict((k, l) for k, l, _ in OUTCOMES)[self.outcome] if self.outcome else "", iso(self.closed_on) or ""]


class City:
    """吕梁市's units, leaders and a stream of cases; everything from one seed."""

    def __init__(self, seed=20210716, today=datetime.date(2026, 11, 29), divisions_csv=None, calendar=None):
        self.seed, self.today = seed, today
        self.calendar = calendar or Calendar()
        townships = {}
        with open(divisions_csv or os.path.join(SEED_DIR, "divisions-lvliang.csv"), encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if len(r["code"]) == 9:
                    townships.setdefault(r["code"][:6], []).append(r["code"])
        self.townships = townships
        self.units, self.county_units = [], {}
        for code, name, _ in COUNTIES:
            self.county_units[code] = []
            for k, kind in enumerate(UNIT_KINDS):
                self.county_units[code].append(len(self.units))
                self.units.append(Unit(name + kind, code, k))
        self.city_units = []
        for k, kind in enumerate(UNIT_KINDS):
            self.city_units.append(len(self.units))
            self.units.append(Unit("吕梁市" + kind, CITY, k))
        rng = random.Random(seed ^ 0x5EED)
        names = set()

        def person():
            while True:
                n = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                if n not in names:
                    names.add(n)
                    return n
        self.leaders, self.county_leaders = [], {}
        self.city_leaders = []
        for t in ["市长", "常务副市长", "副市长", "副市长", "副市长", "副市长", "市委副书记", "市委常委", "市委常委", "市委常委"]:
            self.city_leaders.append(len(self.leaders))
            self.leaders.append(Leader(person(), t, CITY))
        for code, name, _ in COUNTIES:
            self.county_leaders[code] = []
            for t in ["县(市、区)长", "副县(市、区)长", "副县(市、区)长"]:
                self.county_leaders[code].append(len(self.leaders))
                self.leaders.append(Leader(person(), name + t, code))
        self._seq = {}

    # ----------------------------------------------------------------------------------

    def received(self, rng):
        """A day in 2021-01-01 … today-1, later years busier (+15 % a year)."""
        first = datetime.date(2021, 1, 1)
        span = (self.today - first).days
        while True:
            x = rng.random()
            d = int(span * (x ** 0.8))  # denser towards today
            if d < span:
                return first + datetime.timedelta(days=d)

    def number(self, division, received):
        series = (division[:6], received.year)
        n = self._seq.get(series, 0) + 1
        self._seq[series] = n
        return f"{division[:6]}-{received.year}-{n:06d}"

    def counters(self):
        """{"141124-2021": last sequence} — what case_counters must hold after a load."""
        return {f"{d}-{y}": n for (d, y), n in self._seq.items()}

    def cases(self, n, start=0):
        """Cases start … start+n-1 (call once per City, from 0 upwards: numbers are given in
        order)."""
        for i in range(start, start + n):
            yield self.case(i)

    def case(self, i):
        rng = random.Random(self.seed * 1_000_003 + i)
        cal, today = self.calendar, self.today
        c = Case()
        c.i = i
        c.id = uuid.UUID(int=rng.getrandbits(128), version=4)
        county = rng.choices(COUNTIES, [w for _, _, w in COUNTIES])[0][0]
        c.division_code = rng.choice(self.townships[county]) if rng.random() < 0.6 and self.townships.get(county) else county
        c.backlog = rng.random() < 0.02
        c.source = "petition" if c.backlog else rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
        kinds = PETITION_KINDS if c.source == "petition" else GENERAL_KINDS
        c.kind = rng.choices(kinds, [w for *_, w in kinds])[0][0]
        topic, unit_kind, _ = TOPICS[rng.randrange(len(TOPICS))]
        c.received_on = self.received(rng)
        place = c.division_code
        c.title = f"关于{topic}问题的{KIND_LABELS[c.kind]}"
        c.content = f"群众反映{topic}问题,请求协调解决。(基准数据第{i + 1}件)"
        c.requester_name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        c.requester_phone = "1" + rng.choice("3456789") + f"{rng.randrange(10**9):09d}"
        c.station_name = c.station_batch = None
        if c.source == "liaison_station":
            c.station_name = dict((k, v) for k, v, _ in COUNTIES)[county] + "人大代表联络站"
            c.station_batch = f"{c.received_on.year}年{c.received_on.month}月"
        c.handed_down_by = rng.choices([b for b, _ in BACKLOG_BODIES], [w for _, w in BACKLOG_BODIES])[0] if c.backlog else None
        c.owner_leader = None
        if c.source == "leader_visit" or (c.source == "petition" and rng.random() < (0.08 if c.backlog else 0.01)):
            pool = self.city_leaders if rng.random() < 0.3 else self.county_leaders[county]
            c.owner_leader = rng.choice(pool)
        c.unit = rng.choice(self.city_units) if rng.random() < 0.1 else self.county_units[county][unit_kind]
        c.unit_division_code = self.units[c.unit].division_code
        c.number = self.number(c.division_code, c.received_on)
        p = POLICIES[c.source]
        if c.backlog:
            self._walk_backlog(c, rng, p)
        else:
            self._walk(c, rng, p)
        self._deadlines(c, p)
        c.flagged = c.pending_due is not None and c.pending_due < today and rng.random() < 0.25 or rng.random() < 0.003
        if c.backlog:
            c.flagged = False  # the import writes none
        c.reply_text = ("经核查,已按政策办理并答复诉求人。" if c.replied_on else None) if not c.backlog else None
        return c

    def _walk(self, c, rng, p):
        """The workflow with realistic delays, cut at today; ~3 % stall at some step."""
        cal, today = self.calendar, self.today
        stall = rng.random() < 0.03
        stall_at = rng.choice(["registered", "returned", "routed", "accepted", "in_progress"]) if stall else None
        c.routed_on = c.accepted_on = c.started_on = c.replied_on = c.closed_on = c.followed_up_on = None
        c.review_requested_on = c.re_review_requested_on = None
        c.outcome = c.satisfaction = None
        c.extension_days = None
        state, last = "registered", c.received_on

        def step(days):
            return last + datetime.timedelta(days=days)

        def done():
            return state, last

        # route
        if stall_at in ("registered", "returned"):
            if stall_at == "returned" and (today - c.received_on).days > 3:
                c.routed_on = step(rng.randrange(0, 3))
                state, last = "returned", c.routed_on + datetime.timedelta(days=rng.randrange(1, 4))
                if last >= today:
                    last = today - DAY
                c.routed_on = None
            return self._finish(c, state, last)
        nxt = step(rng.choices([0, 1, 2, 3, 5, 10], [40, 30, 15, 8, 5, 2])[0])
        if nxt >= today:
            return self._finish(c, state, last)
        c.routed_on, state, last = nxt, "routed", nxt
        if stall_at == "routed":
            return self._finish(c, state, last)
        nxt = step(rng.choices([0, 1, 2, 3, 7], [35, 35, 15, 10, 5])[0])
        if nxt >= today:
            return self._finish(c, state, last)
        c.accepted_on, state, last = nxt, "accepted", nxt
        if stall_at == "accepted":
            return self._finish(c, state, last)
        nxt = step(rng.choices([0, 1, 2, 4], [40, 35, 15, 10])[0])
        if nxt >= today:
            return self._finish(c, state, last)
        c.started_on, state, last = nxt, "in_progress", nxt
        if rng.random() < 0.03:
            c.extension_days = rng.randrange(1, p["ext_max"] + 1)
        if stall_at == "in_progress":
            return self._finish(c, state, last)
        start = c.accepted_on if p["handle_from"] == "accepted" else c.routed_on
        limit_end, _ = cal.add(p["handle"] + (c.extension_days or 0), p["counting"], start)
        budget = (limit_end - start).days
        # Most answers are in time, ~7 % late.
        days = int(budget * rng.uniform(0.2, 1.0)) if rng.random() < 0.93 else budget + rng.randrange(1, 20)
        nxt = max(last, start + datetime.timedelta(days=days))
        if nxt >= today:
            return self._finish(c, state, last)
        c.replied_on, state, last = nxt, "replied", nxt
        c.outcome = rng.choices([o for o, _, _ in OUTCOMES], [w for *_, w in OUTCOMES])[0]
        if c.source == "petition" and rng.random() < 0.04:
            nxt = step(rng.randrange(3, 29))
            if nxt < today:
                c.review_requested_on, state, last = nxt, "under_review", nxt
                if rng.random() < 0.3:
                    nxt = step(rng.randrange(10, 40))
                    if nxt < today:
                        c.re_review_requested_on, state, last = nxt, "under_re_review", nxt
                        if rng.random() < 0.8 and (today - nxt).days > 30:
                            return self._finish(c, "closed", nxt + datetime.timedelta(days=rng.randrange(5, 30)))
                    return self._finish(c, state, last)
                if rng.random() < 0.85 and (today - nxt).days > 30:
                    return self._finish(c, "closed", nxt + datetime.timedelta(days=rng.randrange(5, 30)))
                return self._finish(c, state, last)
        nxt = step(rng.choices([0, 1, 3, 7, 15], [30, 30, 20, 15, 5])[0])
        if nxt >= today:
            return self._finish(c, state, last)
        return self._finish(c, "closed", nxt, rng=rng)

    def _finish(self, c, state, last, rng=None):
        if state == "closed":
            c.closed_on = last
            if rng is not None and rng.random() < 0.6:
                f = last + datetime.timedelta(days=rng.randrange(1, 15))
                if f < self.today:
                    c.followed_up_on = f
                    c.satisfaction = rng.choices([s for s, _ in SATISFACTION], [w for _, w in SATISFACTION])[0]
                    last = f
        c.state, c.last_step_on = state, last
        if state in ("registered", "returned"):
            c.unit = None
            c.unit_division_code = None

    def _walk_backlog(self, c, rng, p):
        """A backlog case as the import writes it: every step reached is dated on the
        registration day, the reply on the closing day (CaseSheet.Draft.snapshot)."""
        closed = rng.random() < 0.94
        state = "closed" if closed else rng.choice(["registered", "routed", "accepted", "in_progress", "replied"])
        order = ["registered", "routed", "returned", "accepted", "in_progress", "replied", "closed"]
        reached = lambda s: order.index(state) >= order.index(s)  # noqa: E731
        r = c.received_on
        c.closed_on = None
        if closed:
            c.closed_on = min(r + datetime.timedelta(days=rng.randrange(20, 400)), self.today - DAY)
        c.routed_on = r if reached("routed") else None
        c.accepted_on = r if reached("accepted") else None
        c.started_on = r if reached("in_progress") else None
        c.replied_on = (c.closed_on or r) if reached("replied") else None
        c.outcome = rng.choices([o for o, _, _ in OUTCOMES], [94, 4, 1, 1])[0] if reached("replied") else None
        c.followed_up_on = c.satisfaction = c.review_requested_on = c.re_review_requested_on = None
        c.extension_days = None
        c.state, c.last_step_on = state, c.closed_on or r
        if state == "registered":
            c.unit = None
            c.unit_division_code = None

    def _deadlines(self, c, p):
        """CaseDeadlines.compute and the pending due date, as the server stores them."""
        cal = self.calendar
        prov = False

        def add(days, after):
            nonlocal prov
            if days is None or after is None:
                return None
            d, pr = cal.add(days, p["counting"], after)
            prov = prov or pr
            return d
        c.due_route = add(p["route"], c.received_on)
        c.due_accept = add(p["accept"], c.routed_on)
        start = c.accepted_on if p["handle_from"] == "accepted" else c.routed_on
        base = add(p["handle"], start)
        c.due_handle = add(c.extension_days, base) if c.extension_days and base else base
        c.due_review = None
        if c.re_review_requested_on:
            c.due_review = add(p["re_review"], c.re_review_requested_on)
        elif c.review_requested_on:
            c.due_review = add(p["review"], c.review_requested_on)
        c.review_request_by = None
        if c.source == "petition" and c.re_review_requested_on is None and c.replied_on and c.state in ("replied", "closed"):
            c.review_request_by = add(p["review_request"], c.replied_on)
        c.due_provisional = prov
        pending = {"registered": ["route"], "returned": ["route"],
                   "routed": ["accept", "handle"] if p["handle_from"] == "routed" else ["accept"],
                   "accepted": ["handle"], "in_progress": ["handle"], "under_review": ["review"], "under_re_review": ["review"],
                   "replied": [], "closed": []}[c.state]
        dues = [d for d in (getattr(c, "due_" + s) for s in pending) if d is not None]
        c.pending_due = min(dues) if dues else None
        c.on_time = (c.replied_on <= c.due_handle) if (c.replied_on and c.due_handle) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20210716)
    ap.add_argument("--today", default="2026-11-29")
    ap.add_argument("--sheet", action="store_true", help="write the backlog cases as the import sheet instead of table rows")
    a = ap.parse_args()
    city = City(a.seed, datetime.date.fromisoformat(a.today))
    unit_ids = [f"unit:{u.name}" for u in city.units]
    leader_ids = [f"leader:{l.name}" for l in city.leaders]
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        header = None
        for c in city.cases(a.n):
            if a.sheet:
                if header is None:
                    header = Case.SHEET_HEADER
                    w.writerow(header)
                if c.backlog:
                    w.writerow(c.sheet_row(city.units, city.leaders))
                continue
            r = c.row(unit_ids, leader_ids)
            if header is None:
                header = list(r)
                w.writerow(header)
            w.writerow(["" if v is None else v for v in r.values()])
    print(f"{a.n} cases → {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
