#!/usr/bin/python3
"""Writes openpyxl.xlsx, an .xlsx test workbook from a second real writer,
Debian's python3-openpyxl (apt-get install python3-openpyxl): shared strings,
a hidden first sheet, datetimes, a formula without a cached value and an
empty row. Run from this directory:  /usr/bin/python3 make_xlsx.py
The expected rows are asserted in ../xlsx_test.go.
"""
import datetime

import openpyxl

wb = openpyxl.Workbook()
hidden = wb.active
hidden.title = "Archive"
hidden.sheet_state = "hidden"
hidden["A1"] = "old"

ws = wb.create_sheet("People")
ws.append(["Given Name", "Family Name", "Phone 1 - Value", "Birthday"])
ws.append(["José", "Núñez", 34612345678, datetime.date(1990, 5, 17)])
ws.append([])  # row 3 stays empty
ws.append(["Émile", "Zola", "06 12 34 56 78", datetime.datetime(2001, 4, 2, 8, 30)])
ws.append(["Total", None, "=SUM(C2:C2)", None])
wb.save("openpyxl.xlsx")
