#!/usr/bin/env python3
"""Deterministic generator of a valid 监测 member sheet (and the villages it needs).

    python3 bench/gen_members.py N OUT.csv [--villages VILLAGES.csv] [--seed S]
        [--households-per-village 100]

Writes N members in about N/3.3 households as the CSV `tongguan import members FILE` reads
(UTF-8, no BOM, CRLF line ends), header 姓名, 身份证号, 户主身份证号, 村区划代码, 与户主关系,
劳动能力, 残疾, 慢性病, 在校学段, 务工状态, 基本医保, 联系电话, 住址:

- Resident IDs follow GB 11643: the address codes of 吕梁市's 13 counties (and, for people
  born before 2003, now and then the old 1423xx codes of 吕梁地区), real birth dates, the
  sequence digit's parity matching the member's sex, the check character. Unique in the file.
- Households: exactly one 户主 row, written first; a household's size is drawn so the mean
  is 3.3 (1–7 members); spouses of the other sex, children 20–42 years younger than their
  parent, 儿媳/女婿 and 孙子女/外孙子女 in older households, 父母 in younger ones, now and
  then 兄弟姐妹 or 其他. Phone (70 % of households) and address only on the head's row.
- Labels by age: 劳动能力 有/弱/无, 在校学段 (学前 3–5, 义务教育 6–15, 普通高中/中职 16–18,
  大专及以上 19–22), 务工状态, 残疾 / 慢性病 / 基本医保 as 是/否.
- Villages: 12-digit codes under the real 镇/乡 of the bundled seed
  (Sources/TongguanServer/Resources/Seed/divisions-lvliang.csv), numbered from 200 within
  each township as the statistics bureau numbers 村委会, about --households-per-village
  households each (a few thousand for 300,000 households). --villages writes them as
  `code,name` for `tongguan divisions import VILLAGES.csv` (run it before the member import).

The names are made up from common characters; the same N and seed always give the same
bytes. Importable: `members(n, seed)` yields rows, `villages(n, ...)` the village list,
`write(...)` both files. Standard library only.
"""

import argparse
import csv
import datetime
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_DIVISIONS = os.path.join(os.path.dirname(HERE), "Sources", "TongguanServer", "Resources", "Seed", "divisions-lvliang.csv")

HEADER = ["姓名", "身份证号", "户主身份证号", "村区划代码", "与户主关系", "劳动能力", "残疾", "慢性病", "在校学段",
          "务工状态", "基本医保", "联系电话", "住址"]

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECKS = "10X98765432"

COUNTIES = ["141102", "141121", "141122", "141123", "141124", "141125", "141126",
            "141127", "141128", "141129", "141130", "141181", "141182"]
# 吕梁地区's address codes before the 2003 change (still on older people's cards).
OLD_CODES = ["142301", "142302", "142303", "142322", "142323", "142325", "142326",
             "142327", "142328", "142329", "142330", "142332", "142333"]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔向汤"
COMPOUND = ["欧阳", "司马", "上官", "诸葛"]
GIVEN_M = "伟强磊军勇杰涛明超刚平建国志成海东鹏飞宇林斌波辉华亮新文福贵生荣"
GIVEN_F = "芳娜敏静丽艳娟秀霞桂英玉兰萍红燕梅琴慧翠莲凤花云珍月巧"
PLACE = "东西南北前后上下大小新旧高低石河沟坪峪庄堡寨家坡塔湾峁梁岭头口圪"

SIZES = [1, 2, 3, 4, 5, 6, 7]
SIZE_WEIGHTS = [12, 22, 22, 22, 14, 6, 2]  # mean 3.30

AS_OF = datetime.date(2026, 11, 29)  # ages are computed against this day (deterministic output)


# --------------------------------------------------------------------------------------
# Checksums

def id_check(first17: str) -> str:
    return ID_CHECKS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def valid_id(rid: str) -> bool:
    if len(rid) != 18 or not rid[:17].isdigit():
        return False
    try:
        datetime.date(int(rid[6:10]), int(rid[10:12]), int(rid[12:14]))
    except ValueError:
        return False
    return rid[17] == id_check(rid[:17])


# --------------------------------------------------------------------------------------
# Villages

def townships(path=SEED_DIVISIONS):
    """The seed's 9-digit 镇 and 乡 (not 街道), in code order."""
    with open(path, encoding="utf-8") as f:
        rows = [(r["code"], r["name"]) for r in csv.DictReader(f)]
    return [(c, n) for c, n in rows if len(c) == 9 and n.endswith(("镇", "乡"))]


def villages(households, seed=20210716, households_per_village=100):
    """(code, name) of enough villages for `households`, spread over the seed's townships."""
    towns = townships()
    count = max(1, -(-households // households_per_village))
    if count > len(towns) * 200:
        raise SystemExit(f"too many villages ({count}); raise --households-per-village")
    rng = random.Random(seed * 7 + 1)
    out = []
    used = set()
    for k in range(count):
        town, _ = towns[k % len(towns)]
        number = 200 + k // len(towns)
        while True:
            name = rng.choice(PLACE) + rng.choice(PLACE) + "村"
            if (town, name) not in used:
                used.add((town, name))
                break
        out.append((f"{town}{number:03d}", name))
    return out


# --------------------------------------------------------------------------------------
# People

class IDs:
    """Unique GB 11643 numbers: address code + birth date + 3-digit sequence (odd for men)."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def issue(self, county, birth, male):
        rng = self.rng
        code = rng.choice(OLD_CODES) if birth.year < 2003 and rng.random() < 0.3 else county
        head = f"{code}{birth:%Y%m%d}"
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        for _ in range(500):
            key = f"{head}{seq:03d}"
            if key not in self.used:
                self.used.add(key)
                return key + id_check(key)
            seq = (seq + 2) % 1000
        raise SystemExit(f"no free sequence for {head}")


def birth_for(rng, age):
    """A real birth date for someone `age` full years old on AS_OF."""
    last = AS_OF.replace(year=AS_OF.year - age) if not (AS_OF.month == 2 and AS_OF.day == 29) else AS_OF.replace(year=AS_OF.year - age, day=28)
    return last - datetime.timedelta(days=rng.randrange(0, 365))


def name_for(rng, surname, male):
    given = GIVEN_M if male else GIVEN_F
    return surname + rng.choice(given) + (rng.choice(given) if rng.random() < 0.7 else "")


def surname(rng):
    return rng.choice(COMPOUND) if rng.random() < 0.005 else rng.choice(SURNAMES)


def labels(rng, age):
    """(劳动能力, 残疾, 慢性病, 在校学段, 务工状态, 基本医保) for one person."""
    disability = rng.random() < (0.03 if age < 60 else 0.08)
    chronic = rng.random() < (0.04 if age < 45 else 0.15 if age < 65 else 0.35)
    if age < 3:
        school = "无"
    elif age < 6:
        school = "学前" if rng.random() < 0.9 else "无"
    elif age < 16:
        school = "义务教育" if rng.random() < 0.998 else "无"  # a few for the quality check
    elif age < 19:
        school = rng.choices(["普通高中", "中职", "无"], [60, 28, 12])[0]
    elif age < 23:
        school = "大专及以上" if rng.random() < 0.4 else "无"
    else:
        school = "无"
    if age < 16 or age > 75:
        labour = "无"
    elif age > 64 or disability or (chronic and rng.random() < 0.4):
        labour = rng.choice(["弱", "无"])
    else:
        labour = "有"
    if school != "无" or labour == "无":
        work = "无"
    elif labour == "弱":
        work = rng.choices(["务农", "无", "本地务工"], [50, 40, 10])[0]
    else:
        work = rng.choices(["外出务工", "本地务工", "务农", "无"], [40, 20, 32, 8])[0]
    insured = rng.random() < 0.97
    return labour, "是" if disability else "否", "是" if chronic else "否", school, work, "是" if insured else "否"


def household(rng, ids, size, village):
    """The members of one household, head first: (name, id, relation, age). Most IDs carry
    the village's county; some people were registered in another county."""
    home = village[:6]
    head_age = rng.randint(24, 88)
    head_male = rng.random() < 0.82
    family = surname(rng)
    people = [(name_for(rng, family, head_male), head_male, "户主", head_age)]

    def add(relation, age, male, last=None):
        if len(people) < size and 0 <= age <= 104:
            people.append((name_for(rng, last or (family if male or relation in ("子女", "孙子女") else surname(rng)), male),
                           male, relation, age))

    if size >= 2 and rng.random() < 0.88:
        add("配偶", max(20, head_age + rng.randint(-5, 6)), not head_male, surname(rng))
    if head_age <= 55 and rng.random() < 0.35:
        add("父母", head_age + rng.randint(22, 36), rng.random() < 0.4)
    kids = []
    for _ in range(rng.choice([1, 2, 2, 3])):
        age = head_age - rng.randint(20, 42)
        if age >= 0:
            male = rng.random() < 0.52
            kids.append((age, male))
            add("子女", age, male)
    for age, male in kids:
        if age >= 22 and rng.random() < 0.6:
            add("儿媳" if male else "女婿", max(20, age + rng.randint(-3, 3)), not male, surname(rng))
            for _ in range(rng.choice([1, 1, 2])):
                g = age - rng.randint(20, 32)
                if g >= 0:
                    add("孙子女" if male else "外孙子女", g, rng.random() < 0.52, family if male else surname(rng))
    while len(people) < size:
        if head_age >= 21 and rng.random() < 0.75:
            add("子女", head_age - rng.randint(20, min(42, head_age)), rng.random() < 0.52)
        else:
            add(rng.choice(["兄弟姐妹", "其他"]), max(0, head_age + rng.randint(-12, 12)), rng.random() < 0.5)
    return [(name, ids.issue(home if rng.random() < 0.9 else rng.choice(COUNTIES), birth_for(rng, age), male), relation, age)
            for name, male, relation, age in people]


def phone(rng):
    if rng.random() < 0.85:
        return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))
    return "0358-" + rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(6))


def members(n, seed=20210716, households_per_village=100, village_list=None):
    """Yields n rows under HEADER (head rows first in each household)."""
    rng = random.Random(seed)
    ids = IDs(rng)
    vs = village_list or villages(round(n / 3.3) + 1, seed, households_per_village)
    done = 0
    h = 0
    while done < n:
        size = min(n - done, rng.choices(SIZES, SIZE_WEIGHTS)[0])
        village, vname = vs[h % len(vs)]
        h += 1
        people = household(rng, ids, size, village)
        head_id = people[0][1]
        tel = phone(rng) if rng.random() < 0.7 else ""
        address = f"{vname}{rng.randint(1, 400)}号"
        for i, (name, rid, relation, age) in enumerate(people):
            yield [name, rid, head_id, village, relation, *labels(rng, age),
                   tel if i == 0 else "", address if i == 0 else ""]
        done += size


def write(n, out, seed=20210716, villages_out=None, households_per_village=100):
    """Writes the member sheet (and the village list); returns (members, households, villages)."""
    vs = villages(round(n / 3.3) + 1, seed, households_per_village)
    if villages_out:
        with open(villages_out, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(["code", "name"])
            w.writerows(vs)
    count = 0
    heads = 0
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        for row in members(n, seed, households_per_village, vs):
            w.writerow(row)
            count += 1
            heads += row[4] == "户主"
    return count, heads, len({v for v, _ in vs[:heads]}) if heads < len(vs) else len(vs)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int)
    p.add_argument("out")
    p.add_argument("--villages", default=None, help="also write the village list (code,name) here")
    p.add_argument("--seed", type=int, default=20210716)
    p.add_argument("--households-per-village", type=int, default=100)
    a = p.parse_args()
    assert valid_id("11010519491231002X"), "GB 11643 self-check"
    count, heads, used = write(a.n, a.out, a.seed, a.villages, a.households_per_village)
    print(f"{count} members in {heads} households across {used} villages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
