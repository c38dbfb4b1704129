#!/usr/bin/env python3
"""Deterministic generator of valid 项目 import rows for the benchmarks.

    python3 bench/gen_projects.py N OUT.csv [--seed S]

Writes a UTF-8 CSV (no BOM, CRLF line ends) with the exact import header and N rows that
pass every import rule: GB 32100 credit codes, the 13 county codes of 吕梁市, the 9
industries, 万元 amounts with up to 4 decimals, 1–3 stages as a prefix of 签约→开工→投产
with non-decreasing dates, 8 named rounds (import with --create-rounds on an empty
database), mobile and landline phones, and unique (credit code, name). Some cells hold
commas, quotes and line breaks so the CSV quoting path is exercised too.

Only the standard library; the same N and seed always give the same bytes.
"""

import argparse
import csv
import datetime
import random
import sys

HEADER = ["项目名称", "项目单位", "统一社会信用代码", "所属区划代码", "开发区", "产业类别",
          "总投资(万元)", "预计年产值(万元)", "签约日期", "签约批次", "开工日期", "开工批次",
          "投产日期", "投产批次", "联系人", "联系电话", "备注"]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

COUNTIES = ["141102", "141121", "141122", "141123", "141124", "141125", "141126",
            "141127", "141128", "141129", "141130", "141181", "141182"]
INDUSTRIES = ["铝镁新材料", "大数据", "文化旅游", "白酒", "节能环保", "新能源", "煤化工", "现代农业", "其他"]
ZONES = ["", "", "吕梁经济技术开发区", "孝义经济开发区", "汾阳杏花村经济技术开发区", "交城经济开发区", "文水经济开发区"]

# Eight rounds of the 三个一批 activity, each with the day it was held.
ROUNDS = [
    ("2021年第一次", datetime.date(2021, 3, 18)),
    ("2021年第二次", datetime.date(2021, 5, 20)),
    ("2021年第三次", datetime.date(2021, 7, 16)),
    ("2021年第四次", datetime.date(2021, 9, 28)),
    ("2022年第一次", datetime.date(2022, 1, 12)),
    ("2022年第二次", datetime.date(2022, 4, 8)),
    ("2022年第三次", datetime.date(2022, 6, 30)),
    ("2022年第四次", datetime.date(2022, 9, 26)),
]
# Later rounds are busier, as the activity grew (gives one clearly busiest round).
ROUND_WEIGHTS = [6, 8, 14, 10, 9, 11, 12, 10]

WORDS = ["年产", "万吨", "智能", "绿色", "循环", "高端", "示范", "产业园", "基地", "扩建", "技改", "一期", "二期"]
PRODUCTS = ["氧化铝", "镁合金", "数据中心", "光伏组件", "风电场", "焦化副产品", "杂粮加工", "汾酒酿造",
            "康养小镇", "储能电站", "氢能", "再生资源", "冷链物流", "核桃深加工"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志成海燕晓东鹏飞宇"
COMPANY_SUFFIX = ["有限公司", "股份有限公司", "集团有限公司", "科技有限公司", "实业有限公司"]


def credit_code(division: str, serial: int) -> str:
    """A GB 32100 code: 9 (工商) 1 (企业), the county, a 9-character body from serial, check."""
    body = []
    for _ in range(9):
        serial, r = divmod(serial, len(ALPHABET))
        body.append(ALPHABET[r])
    first17 = "91" + division + "".join(reversed(body))
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return first17 + ALPHABET[(31 - total % 31) % 31]


def check_credit_code(code: str) -> bool:
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    total = sum(ALPHABET.index(c) * w for c, w in zip(code[:17], WEIGHTS))
    return code[17] == ALPHABET[(31 - total % 31) % 31]


def amount(rng: random.Random, low: float, high: float) -> str:
    """万元 with 0–4 decimals, as people type them."""
    value = rng.uniform(low, high)
    decimals = rng.choice([0, 0, 1, 2, 2, 4])
    return f"{value:.{decimals}f}"


def phone(rng: random.Random) -> str:
    if rng.random() < 0.75:
        return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    return "0358-" + rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(6))


def rows(n: int, seed: int):
    rng = random.Random(seed)
    companies = []  # (credit code, name, county): about three projects per company
    for i in range(n):
        if not companies or rng.random() < 0.35:
            county = COUNTIES[len(companies) % len(COUNTIES)] if len(companies) < len(COUNTIES) else rng.choice(COUNTIES)
            name = "吕梁" + rng.choice(PRODUCTS[:8]) + rng.choice(["", "新", "华", "鑫", "恒"]) + f"{len(companies) + 1}号" + rng.choice(COMPANY_SUFFIX)
            companies.append((credit_code(county, 7_000_000 + len(companies)), name, county))
            company = companies[-1]
        else:
            company = rng.choice(companies)
        code, investor, county = company
        industry = INDUSTRIES[i % len(INDUSTRIES)] if i < len(INDUSTRIES) else rng.choice(INDUSTRIES)
        # The row number makes (credit code, name) unique however companies repeat.
        project = rng.choice(WORDS) + rng.choice(PRODUCTS) + rng.choice(WORDS) + f"项目(B{i + 1:06d})"
        stages = rng.choices([1, 2, 3], weights=[45, 35, 20])[0]
        # Round of each stage: non-decreasing indices; dates on or after the round's day.
        idx = rng.choices(range(len(ROUNDS)), weights=ROUND_WEIGHTS)[0]
        cells = []
        last = None
        for _ in range(stages):
            name, day = ROUNDS[idx]
            date = day + datetime.timedelta(days=rng.randint(0, 20))
            if last is not None and date < last:
                date = last
            last = date
            # Now and then a stage is recorded without its round.
            cells.append((date.isoformat(), name if rng.random() < 0.93 else ""))
            idx = min(len(ROUNDS) - 1, idx + rng.choice([0, 1, 1, 2, 3]))
        while len(cells) < 3:
            cells.append(("", ""))
        notes = ""
        r = rng.random()
        if r < 0.15:
            notes = "已列入省级重点项目，按月调度"      # full-width comma: no quoting
        elif r < 0.20:
            notes = 'spans, commas and "quotes"'          # needs CSV quoting
        elif r < 0.22:
            notes = "第一行\n第二行"                      # a line break inside a cell
        yield [
            project,
            investor,
            code,
            county,
            rng.choice(ZONES),
            industry,
            amount(rng, 500, 500_000),
            amount(rng, 0, 800_000),
            cells[0][0], cells[0][1], cells[1][0], cells[1][1], cells[2][0], cells[2][1],
            rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
            phone(rng),
            notes,
        ]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int)
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=20210716)
    a = p.parse_args()
    assert check_credit_code("91350100M000100Y43"), "credit code self-check"
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        for row in rows(a.n, a.seed):
            w.writerow(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
