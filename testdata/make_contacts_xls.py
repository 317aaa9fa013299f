#!/usr/bin/python3
"""Writes contacts.xls from contacts.csv with xlwt (Debian's python3-xlwt), a real BIFF8 writer.

A phone typed as a bare number becomes a numeric cell, as it would in Excel.
Run: /usr/bin/python3 testdata/make_contacts_xls.py (from the repository root).
"""
import csv
import xlwt

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("Contacts")
with open("testdata/contacts.csv", newline="", encoding="utf-8") as f:
    for r, row in enumerate(csv.reader(f)):
        for c, v in enumerate(row):
            sheet.write(r, c, int(v) if v.isdigit() else v)
book.save("testdata/contacts.xls")
