"""Excel import of hostile workbooks: the time to refuse them, against reading a real file of the same kind.

Each hostile workbook is a few kilobytes that declare or unpack into far more (a row at 1,048,576 with a
dimension of A1:XFD1048576; shared texts unpacking to 130 MB; the largest shared-text part the limits let
through). The floor is reading a genuine 500-exhibitor file in the same run: a refusal should cost a small
fraction of it, and the worst workbook inside the limits a few times it. Run as `python -m bench.bench_imports`.
"""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

from bench.common import emit, median_seconds
from exports import read_exhibitors

COUNTRIES = {"FR"}
HEADER = ["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"]


def _workbook(rows: int) -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADER)
    for n in range(1, rows + 1):
        workbook.active.append([f"Company {n}", "FR", "5", f"S{n}", "no", f"c{n}@example.com"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_part(data: bytes, part: str, change) -> bytes:
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "[Content_Types].xml" and part.endswith("sharedStrings.xml"):
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            if name == "xl/_rels/workbook.xml.rels" and part.endswith("sharedStrings.xml"):
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    b'sharedStrings" Target="sharedStrings.xml" Id="rId99"/></Relationships>',
                )
            target.writestr(name, change(content) if name == part else content)
        if part not in source.namelist():
            target.writestr(part, change(b""))
    return output.getvalue()


def _far_row(xml: bytes) -> bytes:
    xml = xml.replace(b'ref="A1:F2"', b'ref="A1:XFD1048576"')
    return xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )


def _texts(count: int):
    body = b"<si><t>" + b"B" * 30 + b"</t></si>"
    return lambda _: (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + body * count + b"</sst>"
    )


def main() -> None:
    genuine = _workbook(500)
    floor = median_seconds(lambda: read_exhibitors(genuine, valid_countries=COUNTRIES), repeat=3)
    cases = {
        "import_refuses_far_row": _with_part(_workbook(1), "xl/worksheets/sheet1.xml", _far_row),
        "import_refuses_shared_text_bomb": _with_part(_workbook(1), "xl/sharedStrings.xml", _texts(3_000_000)),
        "import_worst_inside_limits": _with_part(_workbook(1), "xl/sharedStrings.xml", _texts(49_000)),
    }
    for name, data in cases.items():
        result = read_exhibitors(data, valid_countries=COUNTRIES)
        seconds = median_seconds(lambda data=data: read_exhibitors(data, valid_countries=COUNTRIES), repeat=3)
        refused = result.too_large.limit.value if result.too_large else None
        emit(name, seconds, "s", floor, file_bytes=len(data), refused=refused)


if __name__ == "__main__":
    main()
