"""Sets input cells of an xlsx workbook by their defined names, as a planner typing into them
would: `python3 set_named_cells.py IN.xlsx OUT.xlsx name=value ...`. Standard library only
(the workbook is a zip of XML parts); fails loudly on a name it cannot find."""

import re
import sys
import zipfile


def main(src, dst, assignments):
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    targets = dict(re.findall(r'<Relationship Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    sheets = {
        name: "xl/" + targets[rid]
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', workbook)
    }
    defined = dict(re.findall(r'<definedName name="([^"]+)">([^<]+)</definedName>', workbook))
    for assignment in assignments:
        name, value = assignment.split("=", 1)
        float(value)
        if name not in defined:
            sys.exit(f"no defined name {name}")
        m = re.fullmatch(r"'?([^'!]+)'?!\$([A-Z]+)\$(\d+)", defined[name])
        if not m:
            sys.exit(f"{name} is not one cell: {defined[name]}")
        sheet, col, row = m.groups()
        part = sheets[sheet]
        xml = parts[part].decode()
        pattern = re.compile(r'(<c r="%s%s"[^>]*>)<v>[^<]*</v>(</c>)' % (col, row))
        xml, n = pattern.subn(lambda c: f"{c.group(1)}<v>{value}</v>{c.group(2)}", xml)
        if n != 1:
            sys.exit(f"{name}: no number in {sheet}!{col}{row}")
        parts[part] = xml.encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
