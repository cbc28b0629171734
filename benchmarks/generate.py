#!/usr/bin/env python3
"""Synthetic corpus generator for docgraph benchmarks.

    python benchmarks/generate.py OUT_DIR --files N [--mb TOTAL_MB] [--density REFS_PER_KB] [--seed S] [--jobs J]

Writes N UTF-8 ``.txt`` files of Vietnamese administrative documents under OUT_DIR (1,000 per sub-folder), the same
bytes for the same arguments and seed. The corpus is built from a small "world" drawn from the seed first:

* central documents: Party directives, resolutions, conclusions and regulations (``35-CT/TW``), Prime Minister's
  decisions and directives (``1017/QĐ-TTg``), decrees and circulars (``30/2020/NĐ-CP``), laws (``59/2020/QH14``);
* implementation campaigns: for a central document, the Tỉnh ủy of several provinces issues a plan (``83-KH/TU``),
  the provincial People's Committee a plan (``120/KH-UBND``) that implements it, departments (``15/KH-SNV``) and
  districts (``45-KH/HU``, then the district People's Committee) plans that implement those, so the graph has
  chains central -> provincial -> department / district;
* official letters (công văn, ``2087/UBND-KGVX``) of provinces and departments.

Each file is one of: a central document with its real header, a plan (issuer block, "Số: 123/KH-UBND" or
"Số 83-KH/TU", national motto, place-date line, "KẾ HOẠCH", subject line, "Căn cứ" lines, body, "Nơi nhận:",
signature), an official letter, a portal news article with a dateline, or a text with no reference at all. Body
paragraphs are filler sentences built from templates, with reference sentences mixed in at ``--density``
references per KB (counting the header's). A small share of references carries the pitfalls of real files (en
dashes, Ð for Đ, a space before the slash, a line break after "số").

Every file is generated from its own random stream (seeded by the seed and the file number), so ``--jobs`` does
not change the output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import unicodedata
from dataclasses import dataclass, field

# ------------------------------------------------------------------------------------------------ vocabulary
PROVINCES: list[tuple[str, list[str]]] = [
    ("Bắc Giang", ["Lạng Giang", "Yên Thế", "Lục Nam", "Hiệp Hòa"]),
    ("Khánh Hòa", ["Cam Lâm", "Diên Khánh", "Vạn Ninh", "Khánh Sơn"]),
    ("Lạng Sơn", ["Cao Lộc", "Chi Lăng", "Hữu Lũng", "Văn Quan"]),
    ("Thái Bình", ["Đông Hưng", "Kiến Xương", "Tiền Hải", "Vũ Thư"]),
    ("Nghệ An", ["Diễn Châu", "Nghi Lộc", "Quỳnh Lưu", "Thanh Chương"]),
    ("Hà Tĩnh", ["Can Lộc", "Đức Thọ", "Hương Khê", "Kỳ Anh"]),
    ("Quảng Ninh", ["Đầm Hà", "Hải Hà", "Tiên Yên", "Vân Đồn"]),
    ("Thanh Hóa", ["Hoằng Hóa", "Nông Cống", "Thọ Xuân", "Tĩnh Gia"]),
    ("Bình Dương", ["Bàu Bàng", "Dầu Tiếng", "Phú Giáo", "Bắc Tân Uyên"]),
    ("Đồng Nai", ["Cẩm Mỹ", "Định Quán", "Long Thành", "Xuân Lộc"]),
    ("Lâm Đồng", ["Bảo Lâm", "Di Linh", "Đức Trọng", "Lâm Hà"]),
    ("Đắk Lắk", ["Cư M'gar", "Ea Kar", "Krông Pắc", "Lắk"]),
    ("Gia Lai", ["Chư Păh", "Đăk Đoa", "Ia Grai", "Mang Yang"]),
    ("Quảng Nam", ["Duy Xuyên", "Núi Thành", "Quế Sơn", "Thăng Bình"]),
    ("Quảng Ngãi", ["Bình Sơn", "Mộ Đức", "Nghĩa Hành", "Tư Nghĩa"]),
    ("Bình Định", ["Hoài Ân", "Phù Cát", "Tây Sơn", "Vân Canh"]),
    ("Phú Yên", ["Đồng Xuân", "Sơn Hòa", "Tây Hòa", "Tuy An"]),
    ("Cà Mau", ["Cái Nước", "Đầm Dơi", "Ngọc Hiển", "Trần Văn Thời"]),
    ("Kiên Giang", ["An Biên", "Châu Thành", "Giồng Riềng", "Tân Hiệp"]),
    ("An Giang", ["Chợ Mới", "Phú Tân", "Thoại Sơn", "Tri Tôn"]),
    ("Sóc Trăng", ["Kế Sách", "Mỹ Tú", "Thạnh Trị", "Trần Đề"]),
    ("Bến Tre", ["Ba Tri", "Giồng Trôm", "Mỏ Cày Nam", "Thạnh Phú"]),
    ("Tây Ninh", ["Bến Cầu", "Châu Thành", "Dương Minh Châu", "Tân Biên"]),
    ("Hòa Bình", ["Cao Phong", "Kim Bôi", "Lạc Sơn", "Mai Châu"]),
    ("Sơn La", ["Mai Sơn", "Mộc Châu", "Sông Mã", "Yên Châu"]),
    ("Điện Biên", ["Mường Ảng", "Mường Chà", "Tuần Giáo", "Tủa Chùa"]),
    ("Lào Cai", ["Bảo Thắng", "Bảo Yên", "Bát Xát", "Văn Bàn"]),
    ("Yên Bái", ["Lục Yên", "Trấn Yên", "Văn Chấn", "Yên Bình"]),
    ("Phú Thọ", ["Cẩm Khê", "Lâm Thao", "Tam Nông", "Thanh Sơn"]),
    ("Vĩnh Phúc", ["Lập Thạch", "Sông Lô", "Tam Dương", "Yên Lạc"]),
    ("Hải Dương", ["Bình Giang", "Cẩm Giàng", "Gia Lộc", "Thanh Miện"]),
    ("Nam Định", ["Giao Thủy", "Hải Hậu", "Nghĩa Hưng", "Xuân Trường"]),
]

DEPARTMENTS: list[tuple[str, str, str]] = [  # name, code, short field of work
    ("Sở Nội vụ", "SNV", "nội vụ"),
    ("Sở Tài chính", "STC", "tài chính"),
    ("Sở Y tế", "SYT", "y tế"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", "giáo dục và đào tạo"),
    ("Sở Khoa học và Công nghệ", "SKHCN", "khoa học và công nghệ"),
    ("Sở Công Thương", "SCT", "công thương"),
    ("Sở Xây dựng", "SXD", "xây dựng"),
    ("Sở Tư pháp", "STP", "tư pháp"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", "văn hóa, thể thao và du lịch"),
    ("Sở Tài nguyên và Môi trường", "STNMT", "tài nguyên và môi trường"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT", "nông nghiệp"),
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", "lao động, người có công và xã hội"),
    ("Sở Thông tin và Truyền thông", "STTTT", "thông tin và truyền thông"),
]

# subjects of central documents ("về ...") and of plans
TOPICS = [
    "tăng cường công tác bảo vệ môi trường trong giai đoạn mới",
    "đẩy mạnh chuyển đổi số trong cơ quan nhà nước",
    "phát triển nguồn nhân lực chất lượng cao",
    "nâng cao chất lượng giáo dục phổ thông",
    "tăng cường phòng, chống tham nhũng, tiêu cực",
    "tiếp tục đổi mới, phát triển kinh tế tập thể",
    "xây dựng nông thôn mới nâng cao",
    "đẩy mạnh cải cách hành chính nhà nước",
    "bảo đảm an toàn thực phẩm trong tình hình mới",
    "phát triển văn hóa đọc trong cộng đồng",
    "thúc đẩy khởi nghiệp đổi mới sáng tạo",
    "tăng cường quản lý, sử dụng đất đai",
    "bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân",
    "phát triển du lịch bền vững",
    "củng cố quốc phòng, an ninh ở cơ sở",
    "tăng cường công tác dân vận của hệ thống chính trị",
    "thực hành tiết kiệm, chống lãng phí",
    "phát triển kết cấu hạ tầng giao thông đồng bộ",
    "xây dựng đội ngũ cán bộ các cấp đủ phẩm chất, năng lực",
    "chủ động phòng, chống thiên tai và tìm kiếm cứu nạn",
    "phát triển doanh nghiệp nhỏ và vừa",
    "nâng cao hiệu quả công tác dân số trong tình hình mới",
    "đẩy mạnh công tác giảm nghèo bền vững",
    "tăng cường sự lãnh đạo của Đảng đối với công tác thanh niên",
    "phát triển kinh tế biển xanh",
    "bảo đảm trật tự, an toàn giao thông",
    "sắp xếp, tinh gọn tổ chức bộ máy của hệ thống chính trị",
    "phát triển thị trường khoa học và công nghệ",
    "bảo tồn và phát huy giá trị di sản văn hóa",
    "nâng cao chất lượng tín dụng chính sách xã hội",
]

LAWS = [  # name, number, date (the law's adoption date)
    ("Luật Tổ chức chính quyền địa phương", "77/2015/QH13", dt.date(2015, 6, 19)),
    ("Luật Ngân sách nhà nước", "83/2015/QH13", dt.date(2015, 6, 25)),
    ("Luật Ban hành văn bản quy phạm pháp luật", "80/2015/QH13", dt.date(2015, 6, 22)),
    ("Luật Cán bộ, công chức", "22/2008/QH12", dt.date(2008, 11, 13)),
    ("Luật Đầu tư công", "39/2019/QH14", dt.date(2019, 6, 13)),
    ("Luật Đầu tư", "61/2020/QH14", dt.date(2020, 6, 17)),
    ("Luật Doanh nghiệp", "59/2020/QH14", dt.date(2020, 6, 17)),
    ("Luật Bảo vệ môi trường", "72/2020/QH14", dt.date(2020, 11, 17)),
    ("Luật Đất đai", "31/2024/QH15", dt.date(2024, 1, 18)),
    ("Luật Thanh niên", "57/2020/QH14", dt.date(2020, 6, 16)),
    ("Luật Giáo dục", "43/2019/QH14", dt.date(2019, 6, 14)),
    ("Luật Phòng, chống tham nhũng", "36/2018/QH14", dt.date(2018, 11, 20)),
    ("Luật Khoa học và công nghệ", "29/2013/QH13", dt.date(2013, 6, 18)),
    ("Luật Du lịch", "09/2017/QH14", dt.date(2017, 6, 19)),
    ("Luật Thực hành tiết kiệm, chống lãng phí", "44/2013/QH13", dt.date(2013, 11, 26)),
]

MINISTRIES = [("Bộ Nội vụ", "BNV"), ("Bộ Tài chính", "BTC"), ("Bộ Y tế", "BYT"), ("Bộ Giáo dục và Đào tạo", "BGDĐT"),
              ("Bộ Khoa học và Công nghệ", "BKHCN"), ("Bộ Công Thương", "BCT"), ("Bộ Xây dựng", "BXD"),
              ("Bộ Tư pháp", "BTP"), ("Bộ Thông tin và Truyền thông", "BTTTT"),
              ("Bộ Tài nguyên và Môi trường", "BTNMT"), ("Bộ Lao động - Thương binh và Xã hội", "BLĐTBXH")]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quang", "Thanh", "Ngọc", "Hữu", "Xuân", "Thu", "Anh", "Công"]
GIVEN = ["Hùng", "Lan", "Dũng", "Hương", "Tuấn", "Hải", "Nam", "Hà", "Sơn", "Trang", "Bình", "Long", "Phúc",
         "Thảo", "Quân", "Yến", "Khoa", "Tâm"]

# filler sentence parts (written for this generator)
SUBJ = [
    "Các sở, ban, ngành", "Ủy ban nhân dân các huyện, thị xã, thành phố", "Các cơ quan, đơn vị",
    "Cấp ủy, chính quyền các cấp", "Người đứng đầu cơ quan, đơn vị", "Mặt trận Tổ quốc và các đoàn thể",
    "Các phòng chuyên môn", "Đội ngũ cán bộ, công chức, viên chức", "Ban Thường vụ các huyện ủy, thành ủy",
    "Các doanh nghiệp nhà nước trên địa bàn", "Ủy ban nhân dân cấp xã", "Các cơ sở giáo dục",
    "Văn phòng Ủy ban nhân dân tỉnh", "Các tổ chức chính trị - xã hội", "Lãnh đạo các phòng, ban",
]
VERB = [
    "chủ động rà soát", "tập trung triển khai", "tăng cường kiểm tra, giám sát", "đẩy mạnh tuyên truyền về",
    "khẩn trương hoàn thiện", "quán triệt sâu sắc", "tổ chức thực hiện nghiêm túc", "nâng cao chất lượng",
    "phối hợp chặt chẽ trong", "đánh giá đầy đủ kết quả", "bố trí nguồn lực cho", "đổi mới phương thức",
    "theo dõi, đôn đốc", "xây dựng lộ trình cụ thể cho", "kịp thời tháo gỡ vướng mắc trong",
]
OBJ = [
    "công tác cải cách hành chính", "việc ứng dụng công nghệ thông tin", "công tác quản lý nhà nước",
    "các chỉ tiêu kinh tế - xã hội", "công tác thi đua, khen thưởng", "việc giải quyết thủ tục hành chính",
    "công tác đào tạo, bồi dưỡng cán bộ", "các dự án đầu tư công trọng điểm", "công tác bảo vệ môi trường",
    "chương trình mục tiêu quốc gia", "công tác tiếp công dân", "việc sắp xếp đơn vị hành chính",
    "hoạt động của bộ phận một cửa", "công tác phòng cháy, chữa cháy", "phong trào thi đua yêu nước",
    "việc quản lý tài sản công", "công tác chăm sóc người có công", "các mô hình sản xuất hiệu quả",
]
COMPL = [
    "trên địa bàn tỉnh", "bảo đảm đúng tiến độ đề ra", "theo chức năng, nhiệm vụ được giao",
    "gắn với trách nhiệm của người đứng đầu", "phù hợp với điều kiện thực tế của địa phương",
    "không để xảy ra tình trạng chậm trễ, kéo dài", "đáp ứng yêu cầu nhiệm vụ trong tình hình mới",
    "tạo sự chuyển biến rõ nét", "góp phần hoàn thành thắng lợi nhiệm vụ chính trị",
    "có sản phẩm cụ thể và thời hạn hoàn thành", "báo cáo kết quả định kỳ hằng quý",
    "tránh hình thức, lãng phí", "bảo đảm công khai, minh bạch",
]
WEAK = [
    "một số nơi triển khai còn chậm", "việc phối hợp giữa các ngành có lúc chưa chặt chẽ",
    "nguồn lực bố trí còn hạn chế", "chất lượng báo cáo ở một số đơn vị chưa cao",
    "công tác tuyên truyền chưa thường xuyên", "một bộ phận cán bộ còn ngại khó",
]
TARGET = [
    "hồ sơ được giải quyết đúng hạn", "xã đạt chuẩn nông thôn mới", "dịch vụ công trực tuyến toàn trình",
    "người dân tham gia bảo hiểm y tế", "trường học đạt chuẩn quốc gia", "cơ quan sử dụng văn bản điện tử",
    "hộ gia đình được cấp nước sạch", "thôn, tổ dân phố có nhà văn hóa",
]
# sentences with number shapes that are not references (phones, ranges, fractions, addresses)
DISTRACT = [
    "Thời gian thực hiện trong giai đoạn 2021 - 2025, định hướng đến năm 2030.",
    "Mọi thông tin xin liên hệ Văn phòng, điện thoại: 0204.3854.{a}, fax: 0204.3855.{b}.",
    "Đến nay đã có 3/4 số xã hoàn thành việc rà soát, phấn đấu đạt 100% trong năm.",
    "Địa điểm: Hội trường tầng 2, trụ sở tại số {a}/12 đường Trần Phú, phường Lê Lợi.",
    "Kết quả năm học 2023-2024 cho thấy tỷ lệ học sinh khá, giỏi tăng {c}% so với cùng kỳ.",
    "Kinh phí thực hiện khoảng {a}.{b} triệu đồng, bố trí trong dự toán năm {y}.",
    "Hộp thư điện tử: vanthu.{c}@gov.vn; trang thông tin điện tử của đơn vị.",
    "Kế hoạch cho giai đoạn 2026-2030 sẽ được xây dựng sau khi tổng kết.",
]
RECEIVERS = ["Thường trực Tỉnh ủy (b/c)", "Thường trực HĐND tỉnh", "Chủ tịch, các PCT UBND tỉnh",
             "Các sở, ban, ngành tỉnh", "UBND các huyện, thành phố", "Ban Tuyên giáo Tỉnh ủy",
             "Các đồng chí Tỉnh ủy viên", "Lãnh đạo Sở", "Các phòng, đơn vị thuộc Sở"]
PORTALS = ["Cổng TTĐT tỉnh {p}", "Báo {p} điện tử", "{s}.gov.vn", "Đài PT-TH {p}"]
UNITS = ["KGVX", "KT", "NC", "TH", "VX", "XD", "NNTN"]

PARTY_CENTRAL = [("Chỉ thị", "CT", 4), ("Nghị quyết", "NQ", 3), ("Kết luận", "KL", 2), ("Quy định", "QĐ", 1)]
PARTY_ISSUERS = ["Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương Đảng"]


# ------------------------------------------------------------------------------------------------ helpers
def upper(s: str) -> str:
    return s.upper()


def slug(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    out = []
    for ch in s:
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    return "-".join(p for p in "".join(out).split("-") if p)


def date_header(d: dt.date) -> str:
    """Place-date line style: days below 10 and months 1-2 zero-padded."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def date_ref(d: dt.date, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.55:
        return f"{d.day}/{d.month}/{d.year}"
    if r < 0.75:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if r < 0.87:
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    return f"{d.day:02d} tháng {d.month} năm {d.year}"


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


@dataclass
class Doc:
    """A document of the world: cited by others, and the content of a file when it has one."""

    kind: str  # central, law, plan, cv
    type: str  # type word: "Chỉ thị", "Kế hoạch"...
    number: str
    symbol: str  # "CT/TW", "KH-UBND", "NĐ-CP"...
    layout: str  # party (N-SYM), state (N/SYM), normative (N/YEAR/SYM)
    date: dt.date
    issuer: str  # issuer phrase after "của"
    subject: str
    level: str = "central"
    branch: str = "state"
    province: str | None = None
    district: str | None = None
    dept: int | None = None  # index in DEPARTMENTS
    parents: list["Doc"] = field(default_factory=list)
    name: str | None = None  # laws: the name

    @property
    def ref(self) -> str:
        if self.layout == "party":
            return f"{self.number}-{self.symbol}"
        if self.layout == "normative":  # decrees, circulars and laws carry their year: 30/2020/NĐ-CP, 59/2020/QH14
            return f"{self.number}/{self.date.year}/{self.symbol}"
        return f"{self.number}/{self.symbol}"


class Counters:
    """Per (issuer, symbol, year) number sequences: numbers never repeat inside one key."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.next: dict[tuple, int] = {}

    def take(self, key: tuple, lo: int = 1, hi: int = 150, step: int = 6) -> int:
        n = self.next.get(key)
        if n is None:
            n = self.rng.randint(lo, hi)
        self.next[key] = n + self.rng.randint(1, step)
        return n


# ------------------------------------------------------------------------------------------------ the world
class World:
    """Everything drawn from the seed before any file: documents, the chains, and the kind of every file."""

    MIX = (("central", 0.01), ("plan", 0.55), ("cv", 0.07), ("news", 0.22), ("filler", 0.15))

    def __init__(self, n_files: int, seed: int):
        rng = random.Random(f"docgraph-world:{seed}")
        self.rng = rng
        self.counters = Counters(rng)
        self.n_files = n_files
        counts = {k: int(round(n_files * f)) for k, f in self.MIX}
        counts["plan"] += n_files - sum(counts.values())
        if n_files >= 5:
            counts["central"] = max(counts["central"], 1)
            counts["plan"] = n_files - counts["central"] - counts["cv"] - counts["news"] - counts["filler"]
        self.counts = counts
        self.laws = [Doc("law", "Luật", num.split("/")[0], num.split("/")[2], "normative", d, "Quốc hội", "",
                         name=name) for name, num, d in LAWS]
        self.normative = self._normative_pool(max(30, n_files // 400))
        self.central: list[Doc] = []
        self.plans: list[Doc] = []
        self.cv: list[Doc] = []
        self.province_cv: dict[str, list[Doc]] = {}
        self._build_plans(counts["plan"])
        self._build_cv(counts["cv"])
        self.province_plans: dict[str, list[Doc]] = {}
        for d in self.plans:
            self.province_plans.setdefault(d.province or "", []).append(d)
        # central files: the most implemented central documents first
        self.central_files = self.central[:counts["central"]]
        while len(self.central_files) < counts["central"]:
            self.central_files.append(self._new_central())
        kinds = ([("central", d) for d in self.central_files] + [("plan", d) for d in self.plans]
                 + [("cv", d) for d in self.cv] + [("news", None)] * counts["news"]
                 + [("filler", None)] * counts["filler"])
        rng.shuffle(kinds)
        self.files = kinds[:n_files]

    # central documents -------------------------------------------------------------------------
    def _normative_pool(self, n: int) -> list[Doc]:
        rng = self.rng
        out = []
        for _ in range(n):
            year = rng.randint(2010, 2024)
            d = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            r = rng.random()
            if r < 0.45:
                num = self.counters.take(("NĐ-CP", year), 1, 40, 5)
                out.append(Doc("central", "Nghị định", str(num), "NĐ-CP", "normative", d, "Chính phủ",
                               rng.choice(TOPICS)))
            elif r < 0.8:
                ministry, code = rng.choice(MINISTRIES)
                num = self.counters.take(("TT-" + code, year), 1, 10, 3)
                num_s = f"{num:02d}" if rng.random() < 0.7 else str(num)
                out.append(Doc("central", "Thông tư", num_s, "TT-" + code, "normative", d, ministry,
                               rng.choice(TOPICS)))
            else:
                num = self.counters.take(("QĐ-TTg-n", year), 1, 30, 4)
                out.append(Doc("central", "Quyết định", str(num), "QĐ-TTg", "normative", d,
                               "Thủ tướng Chính phủ", rng.choice(TOPICS)))
        return out

    def _new_central(self) -> Doc:
        rng = self.rng
        year = rng.randint(2016, 2024)
        d = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.6:
            tw, code, _ = rng.choices(PARTY_CENTRAL, weights=[w for *_, w in PARTY_CENTRAL])[0]
            term = "XIII" if year >= 2021 else "XII"
            num = self.counters.take((code + "/TW", term), 1, 30, 3)
            num_s = f"{num:02d}" if num < 10 and rng.random() < 0.5 else str(num)
            doc = Doc("central", tw, num_s, code + "/TW", "party", d, rng.choice(PARTY_ISSUERS),
                      rng.choice(TOPICS), branch="party")
        elif rng.random() < 0.7:
            num = self.counters.take(("QĐ-TTg", year), 100, 900, 40)
            doc = Doc("central", "Quyết định", str(num), "QĐ-TTg", "state", d, "Thủ tướng Chính phủ",
                      "phê duyệt Đề án " + rng.choice(TOPICS))
        else:
            num = self.counters.take(("CT-TTg", year), 1, 12, 3)
            num_s = f"{num:02d}" if num < 10 else str(num)
            doc = Doc("central", "Chỉ thị", num_s, "CT-TTg", "state", d, "Thủ tướng Chính phủ", rng.choice(TOPICS))
        self.central.append(doc)
        return doc

    # implementation chains ------------------------------------------------------------------------
    def _plan(self, level: str, branch: str, province: str, parents: list[Doc], *, district: str | None = None,
              dept: int | None = None, subject: str = "") -> Doc:
        rng = self.rng
        base = max(p.date for p in parents)
        d = base + dt.timedelta(days=rng.randint(7, 75 if level == "provincial" else 120))
        if branch == "party":
            code = "KH/TU" if level == "provincial" else "KH/HU"
            key = (province, district, code, d.year)
            num = self.counters.take(key, 5, 180, 8)
            if level == "provincial":
                issuer = f"Tỉnh ủy {province}"
            else:
                issuer = f"Huyện ủy {district}"
            doc = Doc("plan", "Kế hoạch", str(num), code, "party", d, issuer, subject, level, "party", province,
                      district, dept, parents)
        else:
            if dept is not None:
                code = "KH-" + DEPARTMENTS[dept][1]
                issuer = f"{DEPARTMENTS[dept][0]} tỉnh {province}"
            elif level == "district":
                code = "KH-UBND"
                issuer = f"UBND huyện {district}"
            else:
                code = "KH-UBND"
                issuer = f"UBND tỉnh {province}"
            key = (province, district, code, d.year)
            num = self.counters.take(key, 10, 400 if level == "provincial" else 120, 12)
            doc = Doc("plan", "Kế hoạch", str(num), code, "state", d, issuer, subject, level, "state", province,
                      district, dept, parents)
        self.plans.append(doc)
        return doc

    def _build_plans(self, n: int) -> None:
        rng = self.rng
        provinces = PROVINCES
        while len(self.plans) < n:
            c = self._new_central()
            # few central documents reach every province, most reach a handful
            k = min(len(provinces), max(1, int(rng.paretovariate(1.2) * 2)))
            for pname, districts in rng.sample(provinces, k):
                if len(self.plans) >= n:
                    break
                subj = f"thực hiện {c.type} số {c.ref} của {c.issuer} về {c.subject}"
                tu = None
                if c.branch == "party":
                    tu = self._plan("provincial", "party", pname, [c], subject=subj)
                    if len(self.plans) >= n:
                        break
                ub_parents = [tu, c] if tu is not None and rng.random() < 0.5 else [tu or c]
                ub = self._plan("provincial", "state", pname, ub_parents, subject=subj)
                for di in rng.sample(range(len(DEPARTMENTS)), rng.randint(1, 5)):
                    if len(self.plans) >= n:
                        break
                    self._plan("department", "state", pname, [ub], dept=di,
                               subject=f"thực hiện {c.subject} trong lĩnh vực {DEPARTMENTS[di][2]}")
                for dist in rng.sample(districts, rng.randint(0, 2)):
                    if len(self.plans) >= n:
                        break
                    if tu is not None:
                        hu = self._plan("district", "party", pname, [tu], district=dist,
                                        subject=f"triển khai {c.subject} trên địa bàn huyện")
                        if len(self.plans) >= n:
                            break
                        self._plan("district", "state", pname, [hu], district=dist,
                                   subject=f"bảo đảm điều kiện {c.subject} trên địa bàn huyện")
                    else:
                        self._plan("district", "state", pname, [ub], district=dist,
                                   subject=f"triển khai {c.subject} trên địa bàn huyện")

    def _build_cv(self, n: int) -> None:
        rng = self.rng
        for _ in range(n):
            pname = rng.choice(PROVINCES)[0]
            d = dt.date(rng.randint(2018, 2024), rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() < 0.5:
                unit = rng.choice(UNITS)
                num = self.counters.take((pname, "UBND-" + unit, d.year), 100, 3000, 60)
                doc = Doc("cv", "Công văn", str(num), "UBND-" + unit, "state", d, f"UBND tỉnh {pname}",
                          "", "provincial", "state", pname)
            else:
                di = rng.randrange(len(DEPARTMENTS))
                unit = rng.choice(["VP", "KHTC", "TCCB", "NV", "HCSN"])
                sym = f"{DEPARTMENTS[di][1]}-{unit}"
                num = self.counters.take((pname, sym, d.year), 50, 2500, 40)
                doc = Doc("cv", "Công văn", str(num), sym, "state", d, f"{DEPARTMENTS[di][0]} tỉnh {pname}",
                          "", "department", "state", pname, dept=di)
            doc.subject = rng.choice(TOPICS)
            self.cv.append(doc)
            self.province_cv.setdefault(pname, []).append(doc)


# ------------------------------------------------------------------------------------------------ rendering
class Writer:
    """Renders one file from the world with the file's own random stream."""

    def __init__(self, world: World, rng: random.Random, target_bytes: int, density: float, noise: float):
        self.w = world
        self.rng = rng
        self.target = target_bytes
        self.density = density
        self.noise = noise
        self.parts: list[str] = []
        self.today = dt.date(2025, 6, 30)  # the file's date: it cites nothing later
        self.nbytes = 0
        self.nrefs = 0

    # output -----------------------------------------------------------------------------------------
    def add(self, s: str, refs: int = 0) -> None:
        self.parts.append(s)
        self.nbytes += len(s.encode("utf-8"))
        self.nrefs += refs

    def text(self) -> str:
        return "".join(self.parts)

    # references -------------------------------------------------------------------------------------
    def _noisy(self, ref: str) -> str:
        rng = self.rng
        if rng.random() >= self.noise:
            return ref
        r = rng.random()
        if r < 0.3 and "-" in ref and "/" in ref.split("-", 1)[1]:
            return ref.replace("-", "\u2013", 1)  # en dash in a Party number
        if r < 0.55 and "Đ" in ref:
            return ref.replace("Đ", "\u00d0")  # Latin Eth for Đ
        if r < 0.8 and "/" in ref:
            return ref.replace("/", " /", 1)  # space before the slash
        return ref

    def cite(self, doc: Doc, form: str | None = None) -> str:
        """A reference to ``doc`` as running text writes it."""
        rng = self.rng
        if doc.kind == "law":
            r = rng.random()
            if r < 0.4:
                return f"{doc.name} năm {doc.date.year}"
            if r < 0.7:
                return f"{doc.name} ngày {date_header(doc.date)[5:]}"
            return f"{doc.name} số {self._noisy(doc.ref)}"
        form = form or rng.choices(("full", "nosubj", "short", "bare", "late_date"), (4, 3, 2, 1, 1))[0]
        ref = self._noisy(doc.ref)
        so = "số\n" if rng.random() < self.noise * 0.3 else "số " if rng.random() < 0.9 else ""
        if form == "bare":
            return f"{doc.type} {so}{ref}"
        if form == "short":
            return f"{doc.type} số {ref}"
        date = date_ref(doc.date, rng)
        if form == "late_date":
            return f"{doc.type} {so}{ref} của {doc.issuer} ngày {date}"
        s = f"{doc.type} {so}{ref} ngày {date} của {doc.issuer}"
        if form == "full" and doc.subject:
            s += f" về {doc.subject}"
        return s

    def pick(self, pool: list[Doc], skew: bool = False) -> Doc | None:
        """A document of ``pool`` dated no later than this file (a few tries), or None."""
        rng = self.rng
        for _ in range(6):
            if skew:  # a few central documents are cited far more often than the rest
                d = pool[min(len(pool) - 1, int(rng.paretovariate(1.0)) - 1)]
            else:
                d = pool[rng.randrange(len(pool))]
            if d.date <= self.today:
                return d
        return None

    def some_ref(self, own: Doc | None) -> tuple[str, int]:
        """A reference sentence for the body; returns (sentence, number of references)."""
        rng = self.rng
        w = self.w
        r = rng.random()
        today = self.today
        if own is not None and own.parents and r < 0.3:
            doc = rng.choice(own.parents)
        elif r < 0.45:
            doc = self.pick(w.laws)
        elif r < 0.65:
            doc = self.pick(w.normative)
        elif r < 0.8 and w.central:
            doc = self.pick(w.central, skew=True)
        elif own is not None and own.province and w.province_cv.get(own.province) and r < 0.9:
            doc = self.pick(w.province_cv[own.province])
        elif own is not None and own.province and w.province_plans.get(own.province):
            doc = self.pick(w.province_plans[own.province])
        else:
            doc = self.pick(w.normative)
        if doc is None or doc.date > today:
            doc = self.pick(w.laws) or w.laws[3]
        t = rng.randrange(9)
        if t == 0 and doc.kind != "law":  # a list sharing the type word
            other = self.pick(w.normative if doc.layout == "normative" else w.central or w.normative)
            if other is not None and other.type == doc.type and other is not doc:
                return (f"{rng.choice(SUBJ)} tiếp tục thực hiện các {doc.type} số {doc.ref}, số {other.ref} "
                        f"{rng.choice(COMPL)}. ", 2)
        if t == 1 and doc.layout == "normative" and doc.kind != "law":
            return (f"Nội dung này thực hiện theo khoản {rng.randint(1, 5)} Điều {rng.randint(2, 40)} "
                    f"{self.cite(doc, 'nosubj')}. ", 1)
        c = self.cite(doc)
        templates = (
            "{s} tổ chức quán triệt {c} đến toàn thể cán bộ, đảng viên. ",
            "Việc {o} phải bám sát {c}, {k}. ",
            "Thực hiện {c}, {s2} {v} {o} {k}. ",
            "Theo hướng dẫn tại {c}, {s2} {v} {o}. ",
            "{s} {v} {o} theo đúng tinh thần {c}. ",
            "Căn cứ quy định tại {c}, {s2} tham mưu bố trí kinh phí thực hiện. ",
            "Kết quả sơ kết {c} cho thấy {weak}. ",
        )
        tpl = templates[rng.randrange(len(templates))]
        s = rng.choice(SUBJ)
        return (tpl.format(s=s, s2=s[0].lower() + s[1:], c=c, o=rng.choice(OBJ), k=rng.choice(COMPL),
                           v=rng.choice(VERB), weak=rng.choice(WEAK)), 1)

    def filler(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            return f"{rng.choice(SUBJ)} {rng.choice(VERB)} {rng.choice(OBJ)}, {rng.choice(COMPL)}. "
        if r < 0.7:
            return (f"Tập trung {rng.choice(VERB)} {rng.choice(OBJ)}, gắn với {rng.choice(OBJ)} "
                    f"{rng.choice(COMPL)}. ")
        if r < 0.8:
            return (f"Kết quả {rng.choice(OBJ)} thời gian qua cơ bản đạt yêu cầu; tuy nhiên {rng.choice(WEAK)}. ")
        if r < 0.9:
            return f"Phấn đấu đến năm {rng.randint(2025, 2030)} có {rng.randint(60, 100)}% {rng.choice(TARGET)}. "
        if r < 0.96:
            return (f"Giao {rng.choice(DEPARTMENTS)[0]} chủ trì, phối hợp với các cơ quan liên quan "
                    f"{rng.choice(VERB)} {rng.choice(OBJ)}. ")
        return rng.choice(DISTRACT).format(a=rng.randint(10, 999), b=rng.randint(100, 999),
                                           c=rng.randint(2, 40), y=rng.randint(2023, 2026)) + " "

    def paragraph(self, own: Doc | None, refs: bool = True, sentences: tuple[int, int] = (2, 6)) -> str:
        rng = self.rng
        out = []
        nref = 0
        for _ in range(rng.randint(*sentences)):
            deficit = self.density * (self.nbytes + sum(len(x) for x in out) * 1.15) / 1024 - (self.nrefs + nref)
            if refs and deficit > 0 and (deficit >= 1 or rng.random() < deficit):
                s, k = self.some_ref(own)
                nref += k
            else:
                s = self.filler()
            out.append(s)
        self.nrefs += nref
        return "".join(out).rstrip() + "\n"

    def body(self, own: Doc | None, reserve: int, refs: bool = True, numbered: bool = True) -> None:
        """Sections of numbered paragraphs until the file reaches its target size (less ``reserve`` bytes)."""
        rng = self.rng
        sections = ["I. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU", "III. TỔ CHỨC THỰC HIỆN"]
        si = 0
        item = 0
        first = True
        while first or self.nbytes + reserve + 260 < self.target:  # 260: half a mean paragraph
            first = False
            if numbered and (item == 0 or (si < len(sections) - 1 and rng.random() < 0.15)):
                if item > 0:
                    si += 1
                self.add(f"\n{sections[si] if si < len(sections) else ''}\n")
                item = 0
            item += 1
            p = self.paragraph(own, refs)
            self.add(f"{item}. {p}" if numbered else p + "\n")

    # file kinds -----------------------------------------------------------------------------------
    def can_cu(self, n: int) -> None:
        rng = self.rng
        docs = [d for d in rng.sample(self.w.laws, min(n + 1, len(self.w.laws))) if d.date <= self.today][:n]
        if rng.random() < 0.6:
            d = self.pick(self.w.normative)
            if d is not None:
                docs.append(d)
        for d in docs:
            self.add(f"Căn cứ {self.cite(d, 'full')};\n", 1)

    def plan(self, doc: Doc) -> None:
        rng = self.rng
        self.today = doc.date
        p = doc.province or ""
        place = doc.district if doc.level == "district" else p
        if doc.branch == "party":
            if doc.level == "provincial":
                self.add(f"TỈNH ỦY {upper(p)}\n*\nSố {doc.ref}\nĐẢNG CỘNG SẢN VIỆT NAM\n", 1)
            else:
                self.add(f"ĐẢNG BỘ TỈNH {upper(p)}\nHUYỆN ỦY {upper(doc.district or '')}\n*\nSố {doc.ref}\n"
                         f"ĐẢNG CỘNG SẢN VIỆT NAM\n", 1)
        else:
            if doc.dept is not None:
                block = f"UBND TỈNH {upper(p)}\nSỞ {upper(DEPARTMENTS[doc.dept][0][3:])}"
            elif doc.level == "district":
                block = f"ỦY BAN NHÂN DÂN\nHUYỆN {upper(doc.district or '')}"
            else:
                block = f"ỦY BAN NHÂN DÂN\nTỈNH {upper(p)}"
            self.add(f"{block}\n-------\nSố: {doc.ref}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                     f"Độc lập - Tự do - Hạnh phúc\n---------------\n", 1)
        self.add(f"{place}, {date_header(doc.date)}\n\nKẾ HOẠCH\n")
        parent = doc.parents[0]
        lead = rng.choice(("Thực hiện", "Triển khai thực hiện", "thực hiện"))
        if rng.random() < 0.6:
            self.add(f"{lead} {self.cite(parent, 'full')}\n", 1)
        else:
            self.add(f"{doc.subject[0].upper()}{doc.subject[1:]}\n")
        self.add("-----\n\n" if doc.branch == "party" else "\n")
        if doc.branch == "state":
            self.can_cu(rng.randint(1, 3))
        for par in doc.parents:
            self.add(f"Thực hiện {self.cite(par, 'full')};\n", 1)
        who = {"provincial": "Ban Thường vụ Tỉnh ủy" if doc.branch == "party" else "Ủy ban nhân dân tỉnh",
               "district": "Ban Thường vụ Huyện ủy" if doc.branch == "party" else "Ủy ban nhân dân huyện",
               "department": DEPARTMENTS[doc.dept][0] if doc.dept is not None else "Sở"}[doc.level]
        self.add(f"{who} ban hành Kế hoạch thực hiện như sau:\n")
        footer = self.footer_text(doc)
        self.body(doc, len(footer.encode("utf-8")))
        self.add(footer)

    def footer_text(self, doc: Doc | None) -> str:
        rng = self.rng
        rec = rng.sample(RECEIVERS, rng.randint(2, 5))
        lines = "".join(f"- {r};\n" for r in rec)
        if doc is not None and doc.branch == "party":
            sign = "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ"
        else:
            sign = rng.choice(("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
                               "GIÁM ĐỐC"))
        return f"\nNơi nhận:\n{lines}- Lưu: VT.\n\n{sign}\n(đã ký)\n{person(rng)}\n"

    def central(self, doc: Doc) -> None:
        rng = self.rng
        self.today = doc.date
        if doc.branch == "party":
            self.add(f"BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nSố {doc.ref}\nĐẢNG CỘNG SẢN VIỆT NAM\nHà Nội, {date_header(doc.date)}\n\n"
                     f"{upper(doc.type)}\nCỦA {upper(doc.issuer)}\nvề {doc.subject}\n-----\n\n", 1)
        else:
            self.add(f"THỦ TƯỚNG CHÍNH PHỦ\n-------\nSố: {doc.ref}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                     f"Độc lập - Tự do - Hạnh phúc\n---------------\nHà Nội, {date_header(doc.date)}\n\n"
                     f"{upper(doc.type)}\n{doc.subject[0].upper()}{doc.subject[1:]}\n\nTHỦ TƯỚNG CHÍNH PHỦ\n\n", 1)
            self.can_cu(rng.randint(1, 3))
        footer = self.footer_text(doc)
        self.body(None, len(footer.encode("utf-8")))
        self.add(footer)

    def cv(self, doc: Doc) -> None:
        rng = self.rng
        self.today = doc.date
        p = doc.province or ""
        if doc.dept is not None:
            block = f"UBND TỈNH {upper(p)}\nSỞ {upper(DEPARTMENTS[doc.dept][0][3:])}"
        else:
            block = f"ỦY BAN NHÂN DÂN\nTỈNH {upper(p)}"
        self.add(f"{block}\n-------\nSố: {doc.ref}\nV/v {doc.subject}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                 f"Độc lập - Tự do - Hạnh phúc\n---------------\n{p}, {date_header(doc.date)}\n\n"
                 f"Kính gửi: {rng.choice(RECEIVERS[3:])}.\n\n", 1)
        others = [d for d in self.w.province_cv.get(p, []) if d is not doc and d.date <= doc.date]
        if others and rng.random() < 0.6:
            self.add(f"Phúc đáp {self.cite(rng.choice(others), 'nosubj')}, "
                     f"{('Sở' if doc.dept is not None else 'Ủy ban nhân dân tỉnh')} có ý kiến như sau:\n", 1)
        footer = self.footer_text(doc)
        self.body(doc, len(footer.encode("utf-8")), numbered=False)
        self.add(footer)

    def news(self) -> None:
        rng = self.rng
        w = self.w
        pname = rng.choice(PROVINCES)[0]
        local = w.province_plans.get(pname, [])
        doc = rng.choice(local) if local and rng.random() < 0.8 else (rng.choice(w.central) if w.central else None)
        d = (doc.date if doc else dt.date(2024, 1, 1)) + dt.timedelta(days=rng.randint(5, 200))
        self.today = d
        portal = rng.choice(PORTALS).format(p=pname, s=slug(pname).replace("-", ""))
        title = f"{pname}: {rng.choice(VERB).capitalize()} {rng.choice(OBJ)}"
        self.add(f"{title}\n\n({portal}) - Ngày {d.day}/{d.month}/{d.year}, ")
        if doc is not None:
            if doc.parents:
                par = doc.parents[0]
                self.add(f"{rng.choice(SUBJ).lower()} đã tổ chức hội nghị sơ kết việc thực hiện {self.cite(doc, 'nosubj')}"
                         f" về thực hiện {self.cite(par, 'nosubj')}. ", 2)
            else:
                self.add(f"{rng.choice(SUBJ).lower()} đã tổ chức hội nghị quán triệt {self.cite(doc)}. ", 1)
        else:
            self.add(f"{rng.choice(SUBJ).lower()} đã tổ chức hội nghị giao ban. ")
        self.add(self.paragraph(doc) + "\n")
        tail = f"\n{person(rng)}\n"
        self.body(doc, len(tail.encode("utf-8")), numbered=False)
        self.add(tail)

    def filler_file(self) -> None:
        rng = self.rng
        pname = rng.choice(PROVINCES)[0]
        if rng.random() < 0.5:
            self.add(f"THÔNG BÁO\nLịch làm việc của lãnh đạo Ủy ban nhân dân tỉnh {pname}\n\n")
        else:
            self.add(f"{pname}: {rng.choice(VERB).capitalize()} {rng.choice(OBJ)}\n\n")
        self.body(None, 0, refs=False, numbered=False)


def file_name(i: int, kind: str, doc: Doc | None) -> str:
    if doc is not None:
        tail = slug(f"{doc.province or 'tw'} {doc.symbol} {doc.number}")
    else:
        tail = kind
    return os.path.join(f"{i // 1000:03d}", f"{i:06d}_{kind}_{tail}.txt")


def render_file(world: World, i: int, seed: int, avg_bytes: float, density: float, noise: float) -> tuple[str, str]:
    """(relative path, text) of file ``i``."""
    rng = random.Random(f"docgraph-file:{seed}:{i}")
    kind, doc = world.files[i]
    target = int(max(500.0, min(avg_bytes * 12, avg_bytes * rng.lognormvariate(-0.125, 0.5))))
    wr = Writer(world, rng, target, density, noise)
    if kind == "plan":
        wr.plan(doc)
    elif kind == "central":
        wr.central(doc)
    elif kind == "cv":
        wr.cv(doc)
    elif kind == "news":
        wr.news()
    else:
        wr.filler_file()
    return file_name(i, kind, doc), wr.text()


# ------------------------------------------------------------------------------------------------ driver
_STATE: dict = {}


def _init(files: int, seed: int, avg: float, density: float, noise: float, out: str) -> None:
    _STATE.update(world=World(files, seed), seed=seed, avg=avg, density=density, noise=noise, out=out)


def _write_range(rng_: tuple[int, int]) -> int:
    st = _STATE
    total = 0
    made: set[str] = set()
    for i in range(*rng_):
        rel, text = render_file(st["world"], i, st["seed"], st["avg"], st["density"], st["noise"])
        path = os.path.join(st["out"], rel)
        d = os.path.dirname(path)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        data = text.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        total += len(data)
    return total


def generate(out_dir: str, files: int, *, mb: float | None = None, density: float = 0.5, seed: int = 0,
             jobs: int = 1, noise: float = 0.03) -> dict:
    """Write the corpus; return its description (also written to OUT_DIR/corpus.json)."""
    if files < 1:
        raise ValueError("--files must be at least 1")
    avg = (mb * 1_000_000 / files) if mb else 5000.0
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.perf_counter()
    step = 500
    ranges = [(a, min(files, a + step)) for a in range(0, files, step)]
    if jobs > 1 and files > step:
        import multiprocessing as mp
        with mp.get_context("fork").Pool(jobs, initializer=_init,
                                         initargs=(files, seed, avg, density, noise, out_dir)) as pool:
            total = sum(pool.map(_write_range, ranges, chunksize=1))
    else:
        _init(files, seed, avg, density, noise, out_dir)
        total = sum(_write_range(r) for r in ranges)
    world = _STATE["world"] if _STATE else World(files, seed)
    desc = {
        "generator": "benchmarks/generate.py", "seed": seed, "files": files, "bytes": total,
        "mb": round(total / 1_000_000, 3), "density_refs_per_kb": density, "noise": noise,
        "kinds": world.counts, "central_documents": len(world.central), "plans": len(world.plans),
        "letters": len(world.cv),
    }
    with open(os.path.join(out_dir, "corpus.json"), "w", encoding="utf-8") as f:
        json.dump(desc, f, ensure_ascii=False, indent=1, sort_keys=True)
    desc["seconds"] = round(time.perf_counter() - t0, 3)
    return desc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", metavar="OUT_DIR")
    ap.add_argument("--files", type=int, default=1000, help="number of files (default 1000)")
    ap.add_argument("--mb", type=float, default=None, help="total size in MB (10^6 bytes); default 5 KB a file")
    ap.add_argument("--density", type=float, default=0.5, help="references per KB of text (default 0.5)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", type=float, default=0.03, help="share of references with OCR/typing pitfalls")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (the output does not depend on it)")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    desc = generate(a.out_dir, a.files, mb=a.mb, density=a.density, seed=a.seed, jobs=a.jobs, noise=a.noise)
    if not a.quiet:
        print(f"wrote {desc['files']} files, {desc['mb']:.1f} MB to {a.out_dir} in {desc['seconds']:.1f} s "
              f"({desc['central_documents']} central documents, {desc['plans']} plans)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
