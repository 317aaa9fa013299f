#!/usr/bin/python3
"""Write golden.json: each corpus workbook as openpyxl (xlsx, xlsm) or xlrd
(xls) reads it, rendered by parse/sheet's value rules, for TestCorpus.

Run with Debian's python3 (apt-get install -y python3-openpyxl python3-xlrd):

    /usr/bin/python3 golden.py DIR > golden.json

DIR holds the workbooks, one folder per source collection. The output maps
each file's path under DIR to {"sheet": name, "rows": [[row, [cell, ...]],
...]} for the first visible worksheet (empty rows skipped, trailing empty
cells trimmed, rows numbered as Excel shows them) or {"error": message}
when the reader refuses the file.
"""
import datetime
import decimal
import json
import os
import re
import signal
import sys
import warnings

import openpyxl
import xlrd

warnings.simplefilter("ignore")


def number(v, fmt=""):
    """A number as parse/sheet renders it: plain decimal notation, the
    shortest form that reads back; zero padded under a format of zeros."""
    if fmt and re.fullmatch(r"00+", fmt):
        r = round(v)
        s = str(abs(int(r))).rjust(len(fmt), "0")
        return "-" + s if r < 0 else s
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if v != v or v in (float("inf"), float("-inf")):
        return "#NUM!"
    if v == 0:
        return "0"
    if v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    s = format(decimal.Decimal(repr(v)), "f")
    return s


def duration(td):
    secs = round(td.total_seconds())
    sign = "-" if secs < 0 else ""
    secs = abs(secs)
    return "%s%02d:%02d:%02d" % (sign, secs // 3600, secs // 60 % 60, secs % 60)


def render(v, fmt=""):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return number(v, fmt)
    if isinstance(v, datetime.datetime):
        # Rounded to the second, as parse/sheet renders dates.
        v = (v + datetime.timedelta(microseconds=500000)).replace(microsecond=0)
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, datetime.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, datetime.time):
        secs = round(v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) % 86400
        return "%02d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60)
    if isinstance(v, datetime.timedelta):
        return duration(v)
    return str(v)


def finish(rows):
    out = []
    for r, cells in rows:
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            out.append([r, cells])
    return out


def read_xlsx(path):
    wb = openpyxl.load_workbook(path, data_only=True, keep_links=False)
    ws = next((s for s in wb.worksheets if s.sheet_state == "visible"), None)
    if ws is None:
        return {"error": "no visible worksheet"}
    rows = []
    for row in ws.iter_rows():
        cells = []
        r = None
        for c in row:
            if not hasattr(c, "column"):
                continue
            r = c.row
            while len(cells) < c.column - 1:
                cells.append("")
            cells.append(render(c.value, c.number_format or ""))
        if r is not None:
            rows.append((r, cells))
    return {"sheet": ws.title, "rows": finish(rows)}


def read_xls(path):
    log = open(os.devnull, "w")
    try:
        book = xlrd.open_workbook(path, formatting_info=True, logfile=log)
    except NotImplementedError:
        book = xlrd.open_workbook(path, logfile=log)
    sheet = None
    for i in range(book.nsheets):
        s = book.sheet_by_index(i)
        if s.visibility == 0:
            sheet = s
            break
    if sheet is None:
        return {"error": "no visible worksheet"}
    rows = []
    for r in range(sheet.nrows):
        cells = []
        for c in range(sheet.row_len(r)):
            cell = sheet.cell(r, c)
            fmt = ""
            if book.formatting_info and cell.xf_index is not None:
                xf = book.xf_list[cell.xf_index]
                f = book.format_map.get(xf.format_key)
                fmt = f.format_str if f else ""
            t, v = cell.ctype, cell.value
            if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                cells.append("")
            elif t == xlrd.XL_CELL_TEXT:
                cells.append(v)
            elif t == xlrd.XL_CELL_NUMBER:
                cells.append(number(v, fmt))
            elif t == xlrd.XL_CELL_DATE:
                try:
                    y, mo, d, h, mi, s = xlrd.xldate_as_tuple(v, book.datemode)
                except Exception:
                    cells.append(number(v))
                    continue
                if (y, mo, d) == (0, 0, 0):
                    cells.append("%02d:%02d:%02d" % (h, mi, s))
                elif (h, mi, s) == (0, 0, 0):
                    cells.append("%04d-%02d-%02d" % (y, mo, d))
                else:
                    cells.append("%04d-%02d-%02d %02d:%02d:%02d" % (y, mo, d, h, mi, s))
            elif t == xlrd.XL_CELL_BOOLEAN:
                cells.append("TRUE" if v else "FALSE")
            elif t == xlrd.XL_CELL_ERROR:
                cells.append(xlrd.error_text_from_code.get(v, "#ERR%d" % v))
        rows.append((r + 1, cells))
    return {"sheet": sheet.name, "rows": finish(rows)}


class Timeout(Exception):
    pass


def alarm(signum, frame):
    raise Timeout("no result in 20 s")


def main():
    signal.signal(signal.SIGALRM, alarm)
    root = sys.argv[1]
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            ext = os.path.splitext(name)[1].lower()
            if ext not in (".xlsx", ".xlsm", ".xls"):
                continue
            path = os.path.join(dirpath, name)
            key = os.path.relpath(path, root)
            signal.alarm(20)
            try:
                out[key] = read_xls(path) if ext == ".xls" else read_xlsx(path)
            except Exception as e:  # the reader refuses the file
                out[key] = {"error": ("%s: %s" % (type(e).__name__, e))[:200]}
            finally:
                signal.alarm(0)
            print(key, file=sys.stderr)
    json.dump(out, sys.stdout, indent=None, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
