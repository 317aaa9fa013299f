package bench

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// region is one country the generator draws contacts from: its share of the rows, the ways its
// name is spelled in a country column, the names of its people and the mail domains they use.
// Regions are read-only after package initialization.
type region struct {
	code     string   // ISO 3166 alpha-2, also the phonenumbers region
	weight   int      // share of rows, in basis points (the weights add up to 10,000)
	alpha3   string   // ISO 3166 alpha-3
	names    []string // English name, then other spellings users type (local name, alias)
	first    []person
	last     []person
	domains  []string
	idnShare int // basis points of emails at an internationalized domain (domains[len-1])
}

// person is a name as written and its ASCII folding, used for e-mail local parts.
type person struct {
	text  string
	ascii string
}

// regions are the countries of the generated contacts, most common first. Names carry the letters
// real files carry (umlauts, accents, cedillas, Polish and Nordic letters, kanji, Devanagari).
var regions = []*region{
	{code: "US", weight: 2200, alpha3: "USA", names: []string{"United States"},
		first:   people("James", "Mary", "Zoë", "Chloé", "Michael", "Jennifer", "José", "Aaliyah", "Noah", "Renée", "DeShawn", "Mei-Ling"),
		last:    people("Smith", "Johnson", "Williams", "García", "Brown", "O'Connor", "Nguyen", "Martínez", "Smith-Jones", "Lee", "Washington", "Kowalski"),
		domains: []string{"gmail.com", "yahoo.com", "outlook.com", "aol.com", "icloud.com", "comcast.net"}},
	{code: "GB", weight: 1000, alpha3: "GBR", names: []string{"United Kingdom", "UK", "Great Britain"},
		first:   people("Oliver", "Amelia", "Siobhán", "Seán", "Harry", "Isla", "Niamh", "Rhys", "Zoë", "Aoife"),
		last:    people("Taylor", "O'Brien", "Jones", "Ní Bhriain", "Davies", "Evans", "Wright", "McAllister", "Thomas", "Roberts"),
		domains: []string{"gmail.com", "btinternet.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk"}},
	{code: "DE", weight: 900, alpha3: "DEU", names: []string{"Germany", "Deutschland"},
		first:   people("Jürgen", "Björn", "Ursula", "Jörg", "Käthe", "Lukas", "Günther", "Anna", "Sören", "Maximilian"),
		last:    people("Müller", "Schröder", "Weiß", "Groß", "Schäfer", "Becker", "Köhler", "Fischer", "Hoffmann", "Weber"),
		domains: []string{"gmx.de", "web.de", "t-online.de", "gmail.com", "freenet.de", "müller-bau.de"}, idnShare: 150},
	{code: "FR", weight: 800, alpha3: "FRA", names: []string{"France"},
		first:   people("François", "Hélène", "Léa", "Zoé", "Jérôme", "Amélie", "Noël", "Gaëlle", "Loïc", "Céline"),
		last:    people("Lefèvre", "Dubois", "Girard", "Bélanger", "Durand", "Moreau", "Lefebvre", "Benoît", "Fournier", "Chevalier"),
		domains: []string{"orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr"}},
	{code: "IN", weight: 900, alpha3: "IND", names: []string{"India"},
		first:   people("Priya", "Rahul", "Ananya", "Vikram", "श्रेया|shreya", "Arjun", "Lakshmi", "Rohan", "Sneha", "आदित्य|aditya"),
		last:    people("Sharma", "Patel", "Iyer", "Reddy", "शर्मा|sharma", "Gupta", "Nair", "Singh", "Banerjee", "Kumar"),
		domains: []string{"gmail.com", "yahoo.co.in", "rediffmail.com", "outlook.com"}},
	{code: "BR", weight: 800, alpha3: "BRA", names: []string{"Brazil", "Brasil"},
		first:   people("João", "Conceição", "Luís", "Antônio", "Beatriz", "Gonçalo", "Lúcia", "Thaís", "Caio", "Vitória"),
		last:    people("Gonçalves", "Araújo", "Conceição", "Magalhães", "Simões", "Silva", "Assunção", "Brandão", "Pereira", "Lima"),
		domains: []string{"gmail.com", "uol.com.br", "bol.com.br", "hotmail.com", "terra.com.br"}},
	{code: "MX", weight: 600, alpha3: "MEX", names: []string{"Mexico", "México"},
		first:   people("Sofía", "José", "María", "Andrés", "Ximena", "Iñaki", "Valentín", "Guadalupe", "Raúl", "Mónica"),
		last:    people("Hernández", "López", "Pérez", "Núñez", "Muñoz", "Ramírez", "Gutiérrez", "Álvarez", "Sánchez", "Cruz"),
		domains: []string{"gmail.com", "hotmail.com", "prodigy.net.mx", "yahoo.com.mx"}},
	{code: "ES", weight: 600, alpha3: "ESP", names: []string{"Spain", "España"},
		first:   people("Begoña", "Íñigo", "Jesús", "Nuria", "Joaquín", "Ainhoa", "Martí", "Àngels", "Lucía", "Sergio"),
		last:    people("Peña", "Ibáñez", "Castaño", "Martínez", "Fernández", "Iglesias", "Domínguez", "Rodríguez", "Vázquez", "Ortega"),
		domains: []string{"gmail.com", "telefonica.net", "hotmail.es", "yahoo.es"}},
	{code: "JP", weight: 600, alpha3: "JPN", names: []string{"Japan"},
		first:   people("翔太|shota", "さくら|sakura", "Hiroshi", "陽菜|hina", "Yūki|yuki", "大輔|daisuke", "Ayumi", "蓮|ren"),
		last:    people("佐藤|sato", "鈴木|suzuki", "Takahashi", "田中|tanaka", "Itō|ito", "渡辺|watanabe", "Ōno|ono", "山本|yamamoto"),
		domains: []string{"docomo.ne.jp", "ezweb.ne.jp", "gmail.com", "yahoo.co.jp"}},
	{code: "AU", weight: 500, alpha3: "AUS", names: []string{"Australia"},
		first:   people("Jack", "Charlotte", "Liam", "Matilda", "Zoë", "Lachlan", "Ngaio", "Ruby"),
		last:    people("Wilson", "O'Neill", "Nguyen", "Anderson", "MacDonald", "Tran", "Walker", "Kelly"),
		domains: []string{"bigpond.com", "optusnet.com.au", "gmail.com", "outlook.com"}},
	{code: "CA", weight: 300, alpha3: "CAN", names: []string{"Canada"},
		first:   people("Étienne", "Geneviève", "Liam", "Maëlle", "Olivia", "Benoît", "Chloé", "Ethan"),
		last:    people("Tremblay", "Gagnon", "Côté", "Bouchard", "Smith", "Lévesque", "Roy", "Brown"),
		domains: []string{"videotron.ca", "rogers.com", "gmail.com", "shaw.ca"}},
	{code: "IT", weight: 300, alpha3: "ITA", names: []string{"Italy", "Italia"},
		first:   people("Niccolò", "Giulia", "Nicolò", "Francesca", "Luca", "Chiara", "Mattia", "Sofia"),
		last:    people("Rossi", "Esposito", "D'Angelo", "Bianchi", "Romano", "Colombo", "Ricci", "Marino"),
		domains: []string{"libero.it", "virgilio.it", "gmail.com", "tiscali.it"}},
	{code: "NL", weight: 200, alpha3: "NLD", names: []string{"Netherlands", "Nederland", "Holland"},
		first:   people("Daan", "Sanne", "Thijs", "Eline", "Joël", "Floor", "Bram", "Noëlle"),
		last:    people("de Jong", "Jansen", "van den Berg", "Bakker", "Visser", "van Dijk", "Smit", "de Vries"),
		domains: []string{"ziggo.nl", "kpnmail.nl", "gmail.com", "hotmail.nl"}},
	{code: "PL", weight: 150, alpha3: "POL", names: []string{"Poland", "Polska"},
		first:   people("Łukasz", "Małgorzata", "Paweł", "Zofia", "Wojciech", "Agnieszka", "Michał", "Józef"),
		last:    people("Wójcik", "Zieliński", "Kowalczyk", "Nowak", "Wiśniewski", "Łęcka", "Dąbrowski", "Szymańska"),
		domains: []string{"wp.pl", "onet.pl", "interia.pl", "gmail.com"}},
	{code: "SE", weight: 150, alpha3: "SWE", names: []string{"Sweden", "Sverige"},
		first:   people("Åsa", "Björn", "Märta", "Göran", "Linnéa", "Ögmund", "Elsa", "Hugo"),
		last:    people("Öberg", "Söderström", "Åkesson", "Lindqvist", "Bäckström", "Johansson", "Ström", "Nilsson"),
		domains: []string{"telia.com", "bredband.net", "gmail.com", "hotmail.se"}},
}

// regionByCode finds a region by its alpha-2 code.
func regionByCode(code string) *region {
	for _, r := range regions {
		if r.code == code {
			return r
		}
	}
	return nil
}

// badCountries are country cells no normalizer can map to a country.
var badCountries = []string{"Atlantis", "Narnia", "Wakanda", "Gondor", "Middle Earth", "Elbonia"}

// people builds persons from "text" or "text|ascii" entries; without an explicit ASCII form the
// text is folded (accents dropped, ł → l, ß → ss …) and lower-cased.
func people(entries ...string) []person {
	ps := make([]person, len(entries))
	for i, e := range entries {
		text, ascii, ok := strings.Cut(e, "|")
		if !ok {
			ascii = foldASCII(text)
		}
		ps[i] = person{text: text, ascii: ascii}
	}
	return ps
}

// foldASCII lower-cases s and reduces it to the letters a–z an e-mail local part is made of.
func foldASCII(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	var b strings.Builder
	for _, r := range strings.ToLower(folded) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == 'ł':
			b.WriteByte('l')
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ø':
			b.WriteByte('o')
		case r == 'æ':
			b.WriteString("ae")
		case r == 'đ':
			b.WriteByte('d')
		}
	}
	return b.String()
}
