"""Give the bench kit's corpus the Markdown real docs use (issue 12), in a realistic share of its pages.

The kit's corpus (../shared/bench/make_corpus.py, read-only for us) has headings, lists, tables and links
only. Real docs trees use notes, code with titles, footnotes, tabs and the rest: in the two trees issue 12
was tried on, 152 of 220 and 30 of 72 pages did; here about 70% do. add_markdown() rewrites the corpus in
place, before it is laid out for any tool, so every generator builds the same text (the others show what
they do not know as text, which costs them nothing). Deterministic: each page's blocks are drawn from a Random seeded with the
seed and the page's path, and a page and its translation get the same blocks.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 42
IMAGE = "/static/favicon.svg"  # a file every project of ours has, so images are checked and sized

# block -> (share of pages, English text, Chinese text)
BLOCKS: dict[str, tuple[float, str, str]] = {
    "note": (0.25, '!!! note "Before you compare"\n    Figures for earlier years were revised in the second '
                   "survey, so compare them with care.\n",
             '!!! note "比较之前"\n    早年的数字在第二次调查中有所修订，比较时请注意。\n'),
    "warning": (0.08, "!!! warning\n    The district totals do not add up to the city total: some projects span "
                      "two districts.\n",
                "!!! warning\n    各区合计与全市总数不一致：部分项目跨越两个区。\n"),
    "alert": (0.05, "> [!TIP]\n> The data tables can be downloaded as CSV.\n",
              "> [!TIP]\n> 数据表可以下载为 CSV 文件。\n"),
    "code": (0.25, '```python title="load.py" hl_lines="3"\nimport csv\n\nrows = list(csv.DictReader(open('
                   '"survey.csv", encoding="utf-8")))\nprint(len(rows), "rows")\n```\n',
             '```python title="load.py" hl_lines="3"\nimport csv\n\nrows = list(csv.DictReader(open('
             '"survey.csv", encoding="utf-8")))\nprint(len(rows), "行")\n```\n'),
    "tabs": (0.08, '=== "Python"\n\n    ```python\n    import pandas as pd\n    df = pd.read_csv("survey.csv")\n'
                   '    ```\n\n=== "R"\n\n    ```r\n    df <- read.csv("survey.csv")\n    ```\n',
             '=== "Python"\n\n    ```python\n    import pandas as pd\n    df = pd.read_csv("survey.csv")\n'
             '    ```\n\n=== "R"\n\n    ```r\n    df <- read.csv("survey.csv")\n    ```\n'),
    "details": (0.06, '??? info "How the survey was run"\n    Operators answered an online form; answers were '
                      "checked against tax records.\n",
                '??? info "调查方法"\n    运营方在线填写问卷，答案已与税务记录核对。\n'),
    "tasks": (0.05, "- [x] Collect the district reports\n- [x] Check the totals\n- [ ] Publish the revised "
                    "series\n",
              "- [x] 收集各区报告\n- [x] 核对总数\n- [ ] 发布修订后的数据\n"),
    "definitions": (0.04, "Edge node\n:   A small data centre close to where data is produced.\n\nPUE\n:   Power "
                          "usage effectiveness: total energy over IT energy.\n",
                    "边缘节点\n:   靠近数据产生地点的小型数据中心。\n\n"
                    "PUE\n:   电能利用效率：总能耗与 IT 设备能耗之比。\n"),
    "inline": (0.06, "The old ~~estimate~~ figure is replaced by the ==measured== one.\n",
               "旧的~~估算~~数字已由==实测==数字取代。\n"),
    "image": (0.12, f"![Diagram of the survey regions]({IMAGE})\n", f"![调查区域示意图]({IMAGE})\n"),
}
FOOTNOTE = (0.12, ("According to the survey office.[^office]\n", "[^office]: The district survey office, in its "
                                                                  "annual report.\n"),
            ("数据来自调查办公室。[^office]\n", "[^office]: 区调查办公室的年度报告。\n"))


def page_blocks(rel: str, seed: int = SEED) -> list[str]:
    """Return the blocks one page gets (the same for every language)."""
    rng = random.Random(f"{seed}:{rel}")
    return [name for name, (share, _, _) in BLOCKS.items() if rng.random() < share] + (
        ["footnote"] if rng.random() < FOOTNOTE[0] else [])


def with_blocks(body: str, names: list[str], lang: str) -> str:
    """Return a page body with the named blocks spread over its sections (each at the end of one)."""
    texts = [BLOCKS[name][1 if lang == "en" else 2] for name in names if name != "footnote"]
    parts = body.split("\n## ")  # the introduction, then one part per second-level section
    for index, text in enumerate(texts):
        slot = index % len(parts)
        parts[slot] = parts[slot].rstrip("\n") + "\n\n" + text + "\n"
    body = "\n## ".join(parts)
    if "footnote" in names:
        ref, definition = FOOTNOTE[1] if lang == "en" else FOOTNOTE[2]
        body = body.rstrip("\n") + "\n\n" + ref + "\n" + definition
    return body


def add_markdown(corpus: Path, seed: int = SEED) -> dict[str, int]:
    """Rewrite the corpus's pages in place with their blocks; return how many pages got each block."""
    pages = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["pages"]
    counts = {name: 0 for name in [*BLOCKS, "footnote", "any"]}
    for rel in pages:
        names = page_blocks(rel, seed)
        for name in names:
            counts[name] += 1
        counts["any"] += bool(names)
        for lang in ("en", "zh"):
            path = corpus / lang / rel
            text = path.read_text(encoding="utf-8")
            end = text.index("\n---\n", 4) + 5
            path.write_text(text[:end] + with_blocks(text[end:], names, lang), encoding="utf-8")
    return counts
