#!/bin/sh
# Writes the LibreOffice-made test workbooks of parse/sheet: the .xlsx files
# written by makexlsx converted to .xls by LibreOffice Calc's own BIFF8
# writer (formulas with cached values, STRING records, its number formats).
# Needs Debian's libreoffice-calc-nogui. Run from this directory: sh make_lo.sh
set -eu
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in contacts stream; do
	soffice --headless --norestore --convert-to xls --outdir "$out" "$f.xlsx" >/dev/null
	cp "$out/$f.xls" "libreoffice_$f.xls"
done
