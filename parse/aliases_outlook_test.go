package parse_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/parse"
)

// outlookRowZhCN is the header row of Outlook's Simplified Chinese CSV export as a script that
// writes Outlook-importable contact files reproduces it: bluewebgeek/python
// Python_HtmlParse/galleryPhoneNumber.py (first_rec, also the first line of the files it wrote,
// e.g. Python_HtmlParse/北京.csv). It is not an export made by Outlook itself: a script copying
// Outlook's header so that Outlook imports its output, which is a fair witness of the wording.
// The columns follow the English export's order (Title, First Name, Middle Name, Last Name, Suffix
// …): 英文称谓 is the Title column, 中文称谓 the Suffix (先生, 女士 written after the name).
const outlookRowZhCN = "英文称谓,名,中间名,姓,中文称谓,单位,部门,职务,商务地址 街道,商务地址 街道 2,商务地址 街道 3,商务地址 市/县,商务地址 省/市/自治区,商务地址 邮政编码,商务地址 国家/地区,住宅地址 街道,住宅地址 街道 2,住宅地址 街道 3,住宅地址 市/县,住宅地址 省/市/自治区,住宅地址 邮政编码,住宅地址 国家/地区,其他地址 街道,其他地址 街道 2,其他地址 街道 3,其他地址 市/县,其他地址 省/市/自治区,其他地址 邮政编码,其他地址 国家/地区,助理的电话,商务传真,商务电话,商务电话 2,回电话,车载电话,单位主要电话,住宅传真,住宅电话,住宅电话 2,ISDN,移动电话,其他传真,其他电话,寻呼机,主要电话,无绳电话,TTY/TDD 电话,电报,Internet 忙闲,办公地点,地点,电子邮件地址,电子邮件类型,电子邮件显示名称,电子邮件 2 地址,电子邮件 2 类型,电子邮件 2 显示名,电子邮件 3 地址,电子邮件 3 类型,电子邮件 3 显示名,附注,工作证号码,关键词,记帐信息,纪念日,经理姓名,类别,里程,敏感度,目录服务器,配偶,其他地址 - 邮箱,商务地址 - 邮箱,身份证编号,生日,私有,缩写,网页,性别,业余爱好,引用者,用户 1,用户 2,用户 3,用户 4,优先级,语言,帐户,职业,助理的姓名,住宅地址 - 邮箱,子女"

// outlookRowKo is the header row of Outlook's Korean CSV export as the Covision groupware serves
// it for its "CSV" (Outlook) contact template, beside a "CSV_EX" (Outlook Express) one:
// ju1LEE/Covision
// smarts4j.root-saas/smarts4j.groupware/src/main/java/egovframework/covision/groupware/bizcard/user/web/BizCardUtilCon.java
// (csvTemplateDownload; the same row is its CSV export in
// …/bizcard/user/util/BizCardUtils.java, and its import page names the files it reads "Outlook
// Express, Outlook, Excel"). Like the Chinese row it is a program reproducing Outlook's header,
// not a file Outlook wrote. The columns follow the English export's order: 호칭(영문) is the Title
// column, 호칭(한글) the Suffix; after the telex column come the others in Korean alphabetical
// order, among them 메신저 (Covision's messenger id, out of that order: added by Covision) and a
// 국가 alone (which Outlook field it is, Location or another, no source says).
const outlookRowKo = "호칭(영문),이름,중간 이름,성,호칭(한글),회사,부서,직함,근무지 주소 번지,근무지 번지 2,근무지 번지 3,근무지 구/군/시,근무지 시/도,근무지 우편 번호,근무지 국가,집 번지,집 번지 2,집 번지 3,집 주소 구/군/시,집 주소 시/도,집 주소 우편 번호,집 주소 국가,기타 번지,기타 번지 2,기타 번지 3,기타 구/군/시,기타 시/도,기타 우편 번호,기타 국가,비서 전화 번호,근무지 팩스,근무처 전화,근무처 전화 2,다시 걸 전화,카폰,회사 대표 전화,집 팩스,집 전화 번호,집 전화 2,ISDN,휴대폰,기타 팩스,기타 전화,호출기,기본 전화,무선 전화,TTY/TDD 전화,텔렉스,거리,기념일,메신저,관리자 이름,국가,근무처 주소 사서함,기타 주소 사서함,디렉터리 서버,머리글자,메모,배우자,범주 항목,비서 이름,비용 정보,사무실 위치,사용자 1,사용자 2,사용자 3,사용자 4,생일,성별,숨김,언어,우선 순위,우편물 종류,웹 페이지,인터넷 약속 있음/약속 없음,자녀,전자 메일 주소,전자 메일 유형,전자 메일 표시 이름,전자 메일 2 주소,전자 메일 2 유형,전자 메일 2 표시 이름,전자 메일 3 주소,전자 메일 3 유형,전자 메일 3 표시 이름,주민 등록 번호,중심어,직업,집 주소 사서함,추천인,취미,ID 번호"

// outlookExpressRowKo is the Korean Outlook Express (Windows Address Book) CSV row of the same
// Covision controller (fileType "CSV_EX"): its 이름 is the first name, 전체 이름 the full name, 전화
// the home phone (Covision's importer reads it so).
const outlookExpressRowKo = "이름,성,중간 이름,전체 이름,애칭,전자 메일 주소,주소(집),구/군/시(집),우편 번호(집),시/도(집),국가(집),전화,집 팩스,휴대폰,개인 웹 페이지,주소(회사),구/군/시(회사),우편 번호(회사),시/도(회사),국가(회사),회사 웹 페이지,회사 전화,회사 팩스,호출기,회사,직함,부서,사무실,메모,기념일,메신저"

// TestOutlookChineseKoreanHeaders maps the whole header rows of Outlook's Simplified Chinese and
// Korean exports, and of the Korean Outlook Express export, as the programs above reproduce them
// (copied as they are there). Every name, phone, e-mail and country column feeds its field (a
// trailing "!" marks the one mapped: the mobile number, the first address, the home country);
// every other column — the Suffix, faxes, pager, ISDN, telex, radio, callback and assistant
// phones, the e-mail type and display-name columns, addresses, post-office boxes, notes — feeds
// nothing.
func TestOutlookChineseKoreanHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   map[string]string
	}{
		{"outlook/zh-CN", outlookRowZhCN, map[string]string{
			"英文称谓": "salutation", "名": "firstName", "姓": "lastName",
			"商务地址 国家/地区": "country", "住宅地址 国家/地区": "country!", "其他地址 国家/地区": "country",
			"商务电话": "msisdn", "商务电话 2": "msisdn", "车载电话": "msisdn", "单位主要电话": "msisdn",
			"住宅电话": "msisdn", "住宅电话 2": "msisdn", "移动电话": "msisdn!", "其他电话": "msisdn", "主要电话": "msisdn",
			"电子邮件地址": "email!", "电子邮件 2 地址": "email", "电子邮件 3 地址": "email",
		}},
		{"outlook/ko", outlookRowKo, map[string]string{
			"호칭(영문)": "salutation", "이름": "firstName", "성": "lastName",
			"근무지 국가": "country", "집 주소 국가": "country", "기타 국가": "country", "국가": "country!",
			"근무처 전화": "msisdn", "근무처 전화 2": "msisdn", "카폰": "msisdn", "회사 대표 전화": "msisdn",
			"집 전화 번호": "msisdn", "집 전화 2": "msisdn", "휴대폰": "msisdn!", "기타 전화": "msisdn", "기본 전화": "msisdn",
			"전자 메일 주소": "email!", "전자 메일 2 주소": "email", "전자 메일 3 주소": "email",
		}},
		{"outlook-express/ko", outlookExpressRowKo, map[string]string{
			"이름": "firstName", "성": "lastName", "전체 이름": "firstName+lastName",
			"전자 메일 주소": "email!", "국가(집)": "country!", "국가(회사)": "country",
			"전화": "msisdn", "휴대폰": "msisdn!", "회사 전화": "msisdn",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := strings.Split(tt.header, ",")
			cols := make([]col, len(header))
			for i, h := range header {
				cols[i] = col{h, tt.want[h]}
			}
			checkExportHeader(t, cols)
		})
	}
}

// TestOutlookChineseRow reads the first data row bluewebgeek/python Python_HtmlParse/北京.csv
// holds under the Simplified Chinese Outlook header: the script put a gallery's name in the
// Suffix column (中文称谓), which feeds nothing, and its number in the mobile column.
func TestOutlookChineseRow(t *testing.T) {
	m, err := parse.MapHeader(strings.Split(outlookRowZhCN, ","))
	require.NoError(t, err)
	row := ",,,,夏清鎏美术馆,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,13801188455,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
	assert.Equal(t, values(parse.Msisdn, "13801188455"), m.Values(strings.Split(row, ",")))
}

// TestOutlookTitleByContent: Outlook's Title column, under its name in each language's export
// (Titel [ZC] da, nl, sv, Titre [ZC] fr, Titolo [ZC] it, Tytuł [ZC] pl, Unvan [ZC] tr, 肩書き [ZC] ja,
// 英文称谓 [OL-zh], 호칭(영문) [OL-ko]), is decided by its values like English "Title": a salutation
// when they are salutations, ignored when they are job titles.
func TestOutlookTitleByContent(t *testing.T) {
	tests := []struct{ header, salutation, job string }{
		{"Titel", "Dhr.", "Directeur"},
		{"Titre", "Mme", "Directrice commerciale"},
		{"Titolo", "Dott.", "Direttore vendite"},
		{"Tytuł", "Pan", "Kierownik sprzedaży"},
		{"Unvan", "Bay", "Satış müdürü"},
		{"肩書き", "様", "営業部長"},
		{"英文称谓", "Mr", "销售经理"},
		{"호칭(영문)", "Mr", "영업 부장"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			for _, v := range []string{tt.salutation, tt.job} {
				file := tt.header + ",email\n" + v + ",a@example.com\n" + v + ",b@example.com\n"
				src, err := parse.Open(strings.NewReader(file), parse.Options{})
				require.NoError(t, err)
				d := src.Mapping().Describe()[0]
				require.NoError(t, src.Close())
				if v == tt.salutation {
					assert.Equal(t, "salutation", d.Field, "%q: %+v", v, d)
				} else {
					assert.Equal(t, parse.ColumnInfo{Index: 0, Header: tt.header, Status: parse.StatusIgnored,
						Reason: "values look like job titles, not salutations"}, d, "%q", v)
				}
			}
		})
	}
}

// TestOutlookKoreanLoneCountry: the 국가 column alone in Korean Outlook's row is read as a country
// before the address countries; blank, the home country is used; a column map drops it.
func TestOutlookKoreanLoneCountry(t *testing.T) {
	header := strings.Split(outlookRowKo, ",")
	row := func(lone, home string) string {
		cells := make([]string, len(header))
		for i, h := range header {
			switch h {
			case "국가":
				cells[i] = lone
			case "집 주소 국가":
				cells[i] = home
			case "휴대폰":
				cells[i] = "010-1234-5678"
			}
		}
		return strings.Join(cells, ",")
	}
	file := outlookRowKo + "\n" + row("", "대한민국") + "\n" + row("일본", "대한민국") + "\n"
	src, err := parse.Open(strings.NewReader(file), parse.Options{})
	require.NoError(t, err)
	var got []string
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		got = append(got, rec.Values[parse.Country])
	}
	require.NoError(t, src.Close())
	assert.Equal(t, []string{"대한민국", "일본"}, got)

	src, err = parse.Open(strings.NewReader(file), parse.Options{ColumnMap: map[string]string{"국가": "ignore"}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	for _, c := range src.Mapping().Describe() {
		switch c.Header {
		case "국가":
			assert.Equal(t, parse.StatusIgnored, c.Status, "%+v", c)
		case "집 주소 국가":
			assert.Equal(t, parse.StatusMapped, c.Status, "%+v", c)
		}
	}
}

// TestWRKStaffExport maps the staff list of the Vienna Red Cross (WRK) as its dispatch software
// reads it: wrk-fmd/CoCeSo coceso/src/main/java/at/wrk/coceso/service/csv/CsvService.java (a
// "|"-separated export with the columns Nachname, Vorname, DNr. and the telephone columns
// "Handy privat", "Handy geschäftlich", "Handy WRK"). Its private and business mobiles feed
// msisdn, the private one first; "Handy WRK" (the organisation's own phones) is not a header
// others write and feeds nothing.
func TestWRKStaffExport(t *testing.T) {
	checkExportHeader(t, []col{{"Nachname", "lastName"}, {"Vorname", "firstName"}, {"DNr.", ""},
		{"Handy privat", "msisdn!"}, {"Handy geschäftlich", "msisdn"}, {"Handy WRK", ""}})
}
