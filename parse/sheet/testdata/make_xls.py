#!/usr/bin/python3
"""Writes the legacy .xls test workbooks of parse/sheet with a real BIFF8
writer, Debian's python3-xlwt (apt-get install python3-xlwt).

Run from this directory:  /usr/bin/python3 make_xls.py
The expected rows are asserted in ../xls_test.go; change both together.

What xlwt writes (checked in its source, Cell.py / BIFFRecords.py):
  - strings as LABELSST into the shared string table (SST), split into
    CONTINUE records past 8224 bytes with the fHighByte flag repeated;
  - numbers as RK records when they fit a 30-bit integer (42, -7) or a 30-bit
    integer / 100 (12.34, 0.1, 1.5), else as NUMBER records (15551234567,
    3.14159, 1e20);
  - formulas with no cached result (result type "empty string"), so they
    read "";
  - sheet visibility in BOUNDSHEET (Worksheet.visibility: 0 visible, 1 hidden).
"""
import datetime

import xlwt

ZIP = xlwt.easyxf(num_format_str="00000")
DATE = xlwt.easyxf(num_format_str="YYYY-MM-DD")
DATETIME = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")
BOLD = xlwt.easyxf("font: bold on")


def contacts():
    wb = xlwt.Workbook(encoding="utf-8")

    notes = wb.add_sheet("Notes")
    notes.visibility = 1  # hidden: the first visible sheet is "Contacts"
    notes.write(0, 0, "this sheet is hidden")

    ws = wb.add_sheet("Contacts")
    header = ["firstName", "lastName", "msisdn", "email", "country", "zip",
              "joined", "score", "vip", "formula"]
    for c, h in enumerate(header):
        ws.write(0, c, h, BOLD)
    # row 2: a long number (NUMBER), RK x100 (12.34), zero-padded zip, date
    ws.write(1, 0, "Ana")
    ws.write(1, 1, "Müller")
    ws.write(1, 2, 15551234567)
    ws.write(1, 3, "ana@example.com")
    ws.write(1, 4, "US")
    ws.write(1, 5, 2134, ZIP)
    ws.write(1, 6, datetime.date(2024, 1, 15), DATE)
    ws.write(1, 7, 12.34)
    ws.write(1, 8, True)
    ws.write(1, 9, xlwt.Formula("1+1"))
    # row 3 is empty
    # row 4: 12-digit number with a styled (bold, General) cell, RK integer
    ws.write(3, 0, "Søren")
    ws.write(3, 1, "Ødegård")
    ws.write(3, 2, 447911123456, BOLD)
    ws.write(3, 3, "soren@example.dk")
    ws.write(3, 4, "GB")
    ws.write(3, 6, datetime.datetime(2023, 12, 31, 23, 59, 58), DATETIME)
    ws.write(3, 7, 42)
    ws.write(3, 8, False)
    # row 5: CJK text, phone as text, a gap (no email), RK x100 0.1
    ws.write(4, 0, "李")
    ws.write(4, 1, "雷")
    ws.write(4, 2, "+86 138 0013 8000")
    ws.write(4, 4, "CN")
    ws.write(4, 7, 0.1)
    # row 6: sparse row
    ws.write(5, 0, "Zoë")
    ws.write(5, 3, "zoe@example.com")
    # row 7: other numbers
    ws.write(6, 0, "Numbers")
    ws.write(6, 2, -7)
    ws.write(6, 5, 1.5)
    ws.write(6, 7, 3.14159)
    ws.write(6, 8, 1e20)

    other = wb.add_sheet("Données")
    other.write(0, 0, "clé")
    other.write(0, 1, "valeur")
    other.write(1, 0, "Ελληνικά")
    other.write(1, 1, 7)

    wb.save("contacts.xls")


def long_sst():
    """A shared string table far over 8224 bytes: CONTINUE records, strings
    split across them, compressed (Latin-1) and UTF-16 character data."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Long")
    for i in range(3000):
        ws.write(i, 0, "name-%05d" % i)
        ws.write(i, 1, "müller-%05d" % i)  # compressed, non-ASCII Latin-1
        ws.write(i, 2, "имя-%05d-✓" % i)  # UTF-16
    ws.write(3000, 0, ("abc€" * 2600))  # one string of 10400 characters
    ws.write(3000, 1, ("x" * 9000) + "😀" + ("y" * 10))  # surrogate pair
    wb.save("long_sst.xls")


if __name__ == "__main__":
    contacts()
    long_sst()
