#!/bin/sh
# Regenerates the real-world sample files of parse/testdata from the UTF-8 text below with the
# tools that produce such files in the wild: iconv for the encodings, tr for old Mac line endings.
# Names, numbers (555 and reserved ranges) and addresses are fictional.
# Usage: sh make.sh (from this directory). Needs iconv (glibc) and tr.
set -eu
cd "$(dirname "$0")"
crlf() { sed 's/$/\r/'; }

# Excel "Unicode Text" export: UTF-16LE with a BOM, tab-separated, CRLF.
{
  printf 'First Name\tLast Name\tMobile\tEmail\tCountry\n'
  printf 'Wang\tFang 王芳\t+86 10 5555 0101\twang.fang@example.cn\tCN\n'
  printf 'José\tGarcía\t+34 600 555 102\tjose.garcia@example.es\tES\n'
  printf '"Smith ""Jr"""\tO'"'"'Brien\t+1 555 0103\tsmith@example.com\tUS\n'
  printf 'Ünal\tÇelik\t+90 555 555 0104\t\tTR\n'
} | crlf | { printf '\377\376'; iconv -f UTF-8 -t UTF-16LE; } > excel_unicode_text.txt

# European Excel "CSV (semicolon)": Windows-1252, ';', CRLF, a decimal comma in an unquoted cell.
{
  printf 'First Name;Last Name;Phone;E-mail;Country;Balance\n'
  printf 'Jürgen;Müller;030 5550101;jurgen.muller@example.de;DE;1,5\n'
  printf 'Zoë;Strauß;+43 1 5550102;zoe@example.at;AT;12,75 €\n'
  printf 'Søren;Ærø;+45 55 50 01 03;;DK;0\n'
  printf '"Anne; Marie";Dupont;+33 1 55 50 01 04;anne@example.fr;FR;"3,0"\n'
} | crlf | iconv -f UTF-8 -t WINDOWS-1252 > excel_semicolon_1252.csv

# Old Mac Excel: lone CR line endings (ASCII only).
{
  printf 'First Name,Last Name,Phone,Email\n'
  printf 'Amy,Adams,+1 555 0201,amy@example.com\n'
  printf 'Ben,Baker,+1 555 0202,ben@example.com\n'
  printf '\n'
  printf 'Cal,"Carter, Jr.",+1 555 0203,cal@example.com\n'
} | tr '\n' '\r' > mac_cr_only.csv

# Google Contacts "Google CSV" export: UTF-8, several typed phone columns, ::: multi-values.
{
  printf 'Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Phone 3 - Type,Phone 3 - Value,Address 1 - Type,Address 1 - Formatted,Address 1 - Country,Organization 1 - Name,Organization 1 - Title\n'
  printf 'Ann Lee,Ann,,Lee,,,,,,,,,,,,,,,,,,,,,,,,,* myContacts,* Work,ann.lee@example.com,,,Work,+1 650-555-0101,Mobile,+1 650-555-0102,,,,,,Example Inc,Engineer\n'
  printf 'Robert Brown,,,,,,,,,,,,,,,,,,,,,,,,,,,,* myContacts,* Home,bob@example.org ::: robert@example.org,,,Home,+44 20 7946 0018,,,,,,,,,\n'
  printf 'Carla Díaz,Carla,,Díaz,,,,,Dr.,,,,,,,,,,,,,,,,,"Met at the expo.\nCall back in May.",,,* myContacts,,,,,Work Fax,+34 91 555 0103,Home,+34 91 555 0104,,,,,ES,,\n'
  printf 'Dev Patel,Dev,,Patel,,,,,,,,,,,,,,,,,,,,,,,,,* myContacts ::: Friends,,,,,Home,+91 22 5555 0105,* Mobile,+91 98 5555 0106 ::: +91 98 5555 0107,Work,+91 22 5555 0108,,,,,\n'
} > google_contacts.csv

# Outlook "Comma Separated Values" export: Windows-1252 (ANSI), every cell quoted, CRLF.
{
  printf '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department","Job Title","Business Street","Business City","Business Country/Region","Home Street","Home City","Home Country/Region","Assistant'"'"'s Phone","Business Fax","Business Phone","Business Phone 2","Callback","Car Phone","Company Main Phone","Home Fax","Home Phone","Home Phone 2","ISDN","Mobile Phone","Other Fax","Other Phone","Pager","Primary Phone","Radio Phone","TTY/TDD Phone","Telex","Account","Anniversary","Birthday","Categories","E-mail Address","E-mail Type","E-mail Display Name","E-mail 2 Address","E-mail 2 Type","E-mail 2 Display Name","E-mail 3 Address","E-mail 3 Type","E-mail 3 Display Name","Gender","Initials","Notes","Priority","Private","Sensitivity","Web Page"\n'
  printf '"Mr.","Jürgen","","Groß","","Beispiel GmbH","","","","Berlin","Germany","","","","","+49 30 5550199","+49 30 5550100","","","","","","","","","+49 151 5550101","","","","","","","","","0/0/00","0/0/00","","jurgen.gross@example.de","SMTP","Jürgen Groß (jurgen.gross@example.de)","","","","","","","Unspecified","J.G.","","Normal","False","Normal",""\n'
  printf '"Ms.","Zoë","","Ashford","","","","","","","","","Manchester","United Kingdom","","","","","","","","","+44 161 555 0102","","","","","","","","","","","","0/0/00","0/0/00","","","","","zoe.ashford@example.co.uk","SMTP","Zoë Ashford","","","","Unspecified","Z.A.","","Normal","False","Normal",""\n'
  printf '"","François","","Lefèvre","","Exemple SA","","","","Paris","France","","","","","","+33 1 55 55 01 03","","","","","","+33 1 55 55 01 04","","","","","","","","","","","","0/0/00","0/0/00","","francois@example.fr","SMTP","François Lefèvre","","","","","","","Unspecified","F.L.","Prix: 40 €\nRappeler lundi","Normal","False","Normal",""\n'
} | crlf | iconv -f UTF-8 -t WINDOWS-1252 > outlook_contacts.csv

# HubSpot contacts export: UTF-8 with a BOM, comma, CRLF.
{
  printf '\357\273\277'
  printf 'Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Company Name,Lifecycle Stage,Create Date\n'
  printf '1001,Grace,Hopper,grace@example.com,+1 555 0301,+1 555 0302,Example Co,lead,2024-01-02 10:00\n'
  printf '1002,Alan,Turing,alan@example.co.uk,+44 20 7946 0303,,Example Ltd,customer,2024-01-03 11:00\n'
  printf '1003,Ada,Lovelace,ada@example.com,,+44 7700 900304,,subscriber,2024-01-04 12:00\n'
} | crlf > hubspot_contacts.csv

# Malformed quotes: a bare quote in an unquoted cell (read as written), text after a closing quote
# (that record is rejected, the next ones are read), a stray quote pairing up across two lines.
{
  printf 'msisdn,firstName,lastName,notes\n'
  printf '+15550401,Ann,Lee,"fine"\n'
  printf '+15550402,Bob,O"Neil,bare quote inside\n'
  printf '+15550403,"Cy "The Man"",Young,unescaped quotes\n'
  printf '+15550404,Dee,Diaz,ok\n'
  printf '+15550405,"Eve,Evans,stray quote\n'
  printf '+15550406,Fay,Fox,"closes the stray one" here\n'
  printf '+15550407,Gus,Gray,ok\n'
} > malformed_quotes.csv

# An unterminated quote: the rows before it are read, then the import stops naming the row.
{
  printf 'msisdn,firstName\n'
  printf '+15550501,Ann\n'
  printf '+15550502,"Bob\n'
  printf '+15550503,Cy\n'
} > unterminated_quote.csv

# Ragged rows as Excel and hand edits leave them: trailing commas, short rows, an extra value.
{
  printf 'msisdn,firstName,lastName,email\n'
  printf '+15550601,Ann,Lee,ann@example.com,,,\n'
  printf '+15550602,Bob\n'
  printf '+15550603,Cy,Young,cy@example.com,extra\n'
  printf ',,,\n'
  printf '+15550604,Dee,Diaz,dee@example.com,, ,\n'
} | crlf > ragged_rows.csv

# The same contacts as a CSV, and as XLSX and XLS written by LibreOffice (a real writer): numbers
# such as 16505550101 become numeric cells, a blank row stays blank.
{
  printf 'First Name,Last Name,Mobile,Email,Country\n'
  printf 'Ann,Lee,16505550101,ann@example.com,US\n'
  printf 'José,García,+34 600 555 102,jose@example.es,ES\n'
  printf ',,,,\n'
  printf 'Zoë,Ashford,447700900103,zoe@example.co.uk,GB\n'
} > spreadsheet_contacts.csv
if command -v soffice >/dev/null; then
  tmp=$(mktemp -d)
  soffice -env:UserInstallation=file://$tmp --headless --infilter=CSV:44,34,76,1 \
    --convert-to xlsx --outdir . spreadsheet_contacts.csv >/dev/null
  soffice -env:UserInstallation=file://$tmp --headless --infilter=CSV:44,34,76,1 \
    --convert-to xls --outdir . spreadsheet_contacts.csv >/dev/null
  rm -rf "$tmp"
fi

# What web apps save under an .xls name: an HTML table (refused with a clear error), and
# tab-separated text (read as text).
printf '<html><head><meta charset="utf-8"></head><body>\n<table border="1">\n<tr><th>Name</th><th>Phone</th></tr>\n<tr><td>Ann Lee</td><td>+1 555 0701</td></tr>\n</table></body></html>\n' > html_table.xls
printf 'Name\tPhone\r\nAnn Lee\t+1 555 0702\r\nBob Brown\t+1 555 0703\r\n' > tab_text.xls
