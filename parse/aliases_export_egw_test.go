package parse_test

import (
	"strings"
	"testing"
)

// TestEGroupwareOutlookGermanFrench maps the German and French Outlook headers as EGroupware
// has them: EGroupware/egroupware addressbook/setup/outlook_csv_german.xml (its import
// definition for German Outlook's export lists the export's 87 columns in order, one comment
// per column) and addressbook/setup/outlook_csv_french.xml (its export "in the French Outlook
// layout", written so that French Outlook imports it). Every name, phone, e-mail and country
// column feeds its field (a trailing "!" marks the one mapped); every other column — faxes,
// pager, ISDN, telex, callback, TTY and assistant phones, the e-mail display names, addresses,
// "Ort" (Outlook's Location field), "Position"/"Fonction" (EGroupware's job title) — feeds nothing.
func TestEGroupwareOutlookGermanFrench(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   map[string]string
	}{
		{"outlook_csv_german.xml", "Anrede|Vorname|Weitere Vornamen|Nachname|Suffix|Firma|Abteilung|Position|Straße geschäftlich|" +
			"Straße geschäftlich 2|Straße geschäftlich 3|Ort geschäftlich|Region geschäftlich|Postleitzahl geschäftlich|Land geschäftlich|" +
			"Straße privat|Straße privat 2|Straße privat 3|Ort privat|Region privat|Postleitzahl privat|Land privat|Weitere Straße|" +
			"Weitere Straße 2|Weitere Straße 3|Weiterer Ort|Weitere Region|Weitere Postleitzahl|Weiteres Land|Telefon Assistent|" +
			"Fax geschäftlich|Telefon geschäftlich|Telefon geschäftlich 2|Rückmeldung|Autotelefon|Telefon Firma|Fax privat|Telefon privat|" +
			"Telefon privat 2|ISDN|Mobiltelefon|Weiteres Fax|Weiteres Telefon|Pager|Haupttelefon|Mobiltelefon 2|Telefon für Hörbehinderte|" +
			"Telex|Abrechnungsinformation|Benutzer 1|Benutzer 2|Benutzer 3|Benutzer 4|Beruf|Büro|E-Mail-Adresse|E-Mail: Angezeigter Name|" +
			"E-Mail 2: Adresse|E-Mail 2: Angezeigter Name|E-Mail 3: Adresse|E-Mail 3: Angezeigter Name|Empfohlen von|Geburtstag|Geschlecht|" +
			"Hobby|Initialen|Internet-Frei/Gebucht|Jahrestag|Kategorien|Kinder|Konto|Name Assistent|Name des/der Vorgesetzten|Notizen|" +
			"Organisations-Nr.|Ort|Partner|Postfach|Priorität|Privat|Regierungs-Nr.|Reisekilometer|Sprache|Stichwörter|Vertraulichkeit|" +
			"Verzeichnisserver|Webseite",
			map[string]string{
				"Anrede": "salutation", "Vorname": "firstName", "Nachname": "lastName",
				"Land geschäftlich": "country", "Land privat": "country!", "Weiteres Land": "country",
				"Telefon geschäftlich": "msisdn", "Telefon geschäftlich 2": "msisdn", "Autotelefon": "msisdn", "Telefon Firma": "msisdn",
				"Telefon privat": "msisdn", "Telefon privat 2": "msisdn", "Mobiltelefon": "msisdn!", "Weiteres Telefon": "msisdn",
				"Haupttelefon": "msisdn", "Mobiltelefon 2": "msisdn",
				"E-Mail-Adresse": "email!", "E-Mail 2: Adresse": "email", "E-Mail 3: Adresse": "email",
			}},
		{"outlook_csv_french.xml", "Fonction|Prénom|Deuxième prénom|Nom|Suffixe|Société|Service|Rue (bureau)|Rue (bureau) 2|Rue (bureau) 3|" +
			"Ville (bureau)|État/Prov (bureau)|Code postal (bureau)|Pays (bureau)|Rue (domicile)|Ville (domicile)|État/Prov (domicile)|" +
			"Code postal (domicile)|Pays (domicile)|Télécopie (bureau)|Téléphone (bureau)|Téléphone de l'assistant(e)|Téléphone (voiture)|" +
			"RNIS|Téléphone (domicile)|Tél. mobile|Récepteur de radiomessagerie|Téléphone 2 (bureau)|Anniversaire|Adresse e-mail|" +
			"Adresse e-mail 2|Page Web|Notes",
			map[string]string{
				"Prénom": "firstName", "Nom": "lastName", "Pays (bureau)": "country", "Pays (domicile)": "country!",
				"Téléphone (bureau)": "msisdn", "Téléphone (voiture)": "msisdn", "Téléphone (domicile)": "msisdn", "Tél. mobile": "msisdn!",
				"Téléphone 2 (bureau)": "msisdn", "Adresse e-mail": "email!", "Adresse e-mail 2": "email",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := strings.Split(tt.header, "|")
			cols := make([]col, len(header))
			for i, h := range header {
				cols[i] = col{h, tt.want[h]}
			}
			checkExportHeader(t, cols)
		})
	}
}
