package parse

import "strings"

// Header names in the languages contact lists are exported in, with the localized headers of the
// Outlook, Windows Live Mail and Thunderbird CSV exports (Google Contacts writes English ones).
// Where each comes from is in the package documentation (the table under "Header names in other
// languages"). Names are written as the tools write them; they are normalized like any header (see
// fieldKey), and a number in them is ignored ("E-Mail 2: Adresse" is found as "E-Mail: Adresse"
// with number 2). A name already known (English) keeps its English meaning.
func addLocalAliases() {
	local := func(a alias, names ...string) {
		for _, n := range names {
			var buf [128]byte
			k := stripDigits(fieldKey(buf[:0], n))
			if _, ok := aliases[string(k)]; !ok {
				aliases[string(k)] = a
			}
		}
	}
	mobile := alias{field: Msisdn, rank: 1, mobile: true}
	phone := alias{field: Msisdn, rank: 2}
	mainPhone := alias{field: Msisdn, rank: 2, order: 1}
	work := alias{field: Msisdn, rank: 3, order: 0}
	home := alias{field: Msisdn, rank: 3, order: 1}
	other := alias{field: Msisdn, rank: 3, order: 2}
	car := alias{field: Msisdn, rank: 3, order: 4}
	first := alias{field: FirstName}
	last := alias{field: LastName}
	full := alias{kind: kindFullName}
	nameWord := alias{kind: kindNameWord}
	email := alias{field: Email}
	email2 := alias{field: Email, rank: 1}
	country := alias{field: Country}
	salutation := alias{field: Salutation}
	title := alias{field: Salutation, rank: 1, title: true} // decided by content: salutations or job titles
	homeCountry := alias{field: Country, rank: 1}
	workCountry := alias{field: Country, rank: 2}
	otherCountry := alias{field: Country, rank: 3}

	// Sourced headers (see the table in the package documentation): [TB] is Thunderbird's CSV
	// export in that language — its header row is the localized strings 2100–2136 of
	// thunderbird/thunderbird-l10n <lang>/mail/chrome/messenger/importMsgs.properties, which
	// mozilla/releases-comm-central mailnews/addrbook/modules/AddrBookUtils.sys.mjs writes
	// (exportDirectoryToDelimitedText) and its importer reads back; [RC] is Roundcube's map of the
	// localized Outlook CSV export, roundcube/roundcubemail program/localization/<lang>/csv2vcard.inc.
	// [ZC] is Zimbra's map of the localized Outlook 2003+ ("outlook-2003-csv") and Windows Live Mail
	// ("windows-live-mail-csv") CSV exports, Zimbra/zm-mailbox
	// store-conf/conf/contacts/zimbra-contact-fields.xml; [OX] is Open-Xchange's map of the Dutch
	// Outlook 2007 and Japanese Outlook 2010 exports, open-xchange/appsuite-middleware
	// com.openexchange.importexport/importCSV/outlook2007.nl_NL.properties and
	// outlook2010.jp_JP.properties.
	// [EG] is EGroupware's export in the Finnish Outlook layout, EGroupware/egroupware
	// addressbook/setup/outlook_csv_finnish.xml.

	// WhatsApp ids are phone numbers (mobile ones), so a WhatsApp column feeds msisdn, after a
	// column named mobile.
	local(alias{field: Msisdn, rank: 1, order: 1, mobile: true}, "WhatsApp", "WhatsApp Number", "WhatsApp No", "WhatsApp Phone", "WhatsApp ID")

	// English variants seen in exports (Apple, Yahoo, Roundcube's CSV maps, CRMs).
	local(mobile, "Home Mobile", "Work Mobile", "Mobile Phone 2", "Cell Phone 2", "tel_cell", "cp_mobile", "mobile_phone", "phone_mobile")
	local(phone, "cp_phone", "tel", "phone_number")
	local(work, "tel_work", "Work Phone", "Office Phone", "Business Phone 2")
	local(home, "tel_home", "Home Phone 2", "Private Phone")
	local(alias{field: Email, order: 2}, "Email Home", "Home Email", "email_home", "Personal Email")
	local(alias{field: Email, order: 3}, "Email Work", "Work Email", "email_work", "Business Email", "Other Email")
	local(email, "cp_email", "contact_email", "E-mail")
	local(first, "cp_givenname", "n_given", "given")
	local(last, "cp_familyname", "cp_lastname", "cp_surname", "n_family", "family")
	local(full, "n_fn", "fn", "Display Name")
	local(country, "Country/Region", "Country Code", "Nation")
	local(alias{field: Country, rank: 1}, "Home Country/Region", "Home Country")
	local(alias{field: Country, rank: 2}, "Business Country/Region", "Business Country", "Work Country")
	local(alias{field: Country, rank: 3}, "Other Country/Region", "Other Country")
	// Google's export: "Address 1 - Country", "Address 2 - Country" … (the number orders them).
	local(homeCountry, "Address - Country")
	local(salutation, "Prefix", "Honorific")

	// German (Outlook de, Roundcube's de_DE/de_CH CSV maps, Apple Address Book de).
	local(first, "Vorname", "Rufname")
	local(last, "Nachname", "Familienname", "Zuname")
	local(full, "Vollständiger Name", "Anzeigename")
	local(phone, "Telefon", "Telefonnummer", "Tel.", "Tel.-Nr.", "Rufnummer", "Telefon Nr.")
	local(mobile, "Mobiltelefon", "Mobil", "Mobilnummer", "Handy", "Handynummer", "Mobil-Tel.-Nr.", "Mobiltelefonnummer", "Mobiltelefon privat", "Mobiltelefon geschäftlich")
	local(mainPhone, "Haupttelefon", "Hauptnummer", "Haupttelefonnummer")
	local(work, "Telefon geschäftlich", "Telefon (geschäftlich)", "Tel. dienstlich", "Telefon dienstlich", "Arbeit Telefon", "Geschäftlich Telefon", "Telefon Arbeit", "Telefon Firma", "Firmentelefon")
	local(home, "Telefon privat", "Telefon (privat)", "Tel. privat", "Privat Telefon", "Privattelefon", "Telefon zu Hause", "Zuhause Telefon")
	local(other, "Weiteres Telefon", "Andere Telefon", "Anderes Telefon")
	local(car, "Autotelefon")
	local(email, "E-Mail-Adresse", "E-Mail: Adresse", "E-Mail Adresse", "Primäre E-Mail-Adresse", "Mailadresse")
	local(alias{field: Email, order: 2}, "Privat E-Mail", "E-Mail privat", "Privat: E-Mail")
	local(alias{field: Email, order: 3}, "Arbeit E-Mail", "E-Mail geschäftlich", "E-Mail Arbeit", "Dienstlich: E-Mail")
	local(email2, "Sekundäre E-Mail-Adresse", "Weitere E-Mail")
	local(country, "Land", "Land/Region", "Staat")
	local(alias{field: Country, rank: 1}, "Land privat", "Privat: Land", "Land/Region (privat)", "Land/Region privat")
	local(alias{field: Country, rank: 2}, "Land geschäftlich", "Dienstlich: Land", "Land/Region (geschäftlich)", "Land/Region geschäftlich")
	local(salutation, "Anrede")
	local(title, "Titel")
	// [ZC] de.
	local(otherCountry, "Weiteres/e Land/Region")
	// [EG] de: EGroupware's list of the German Outlook export's columns.
	local(otherCountry, "Weiteres Land")
	// [WRK] the Vienna Red Cross staff export.
	local(mobile, "Handy privat", "Handy geschäftlich")

	// French (Outlook fr).
	local(first, "Prénom", "Prénom usuel")
	local(last, "Nom de famille", "Patronyme")
	local(nameWord, "Nom")
	local(full, "Nom complet", "Nom et prénom", "Nom d'affichage")
	local(phone, "Téléphone", "Tél.", "Numéro de téléphone", "N° de téléphone", "Téléphone 1")
	local(mobile, "Téléphone mobile", "Tél. mobile", "Portable", "Téléphone portable", "Numéro de portable", "Mobile (portable)")
	local(mainPhone, "Téléphone principal")
	local(work, "Téléphone (bureau)", "Téléphone bureau", "Tél. bureau", "Téléphone professionnel", "Bureau")
	local(home, "Téléphone (domicile)", "Téléphone domicile", "Tél. domicile", "Domicile", "Téléphone personnel")
	local(other, "Autre téléphone")
	local(alias{field: Msisdn, rank: 3, order: 3}, "Téléphone société")
	local(car, "Tél. voiture")
	local(salutation, "Titre personnel")
	local(email, "Adresse e-mail", "Adresse de messagerie", "Courriel", "Adresse électronique", "Adresse mail", "Mél")
	local(email2, "Adresse de messagerie 2")
	local(country, "Pays", "Pays/Région")
	local(alias{field: Country, rank: 1}, "Pays/Région (domicile)")
	local(alias{field: Country, rank: 2}, "Pays/Région (bureau)")
	local(salutation, "Civilité")
	local(title, "Titre")
	// [TB] fr, [RC] fr_FR.
	local(full, "Nom à afficher")
	local(email, "Adresse e-mail principale", "Adresse électronique principale")
	local(email2, "Adresse e-mail secondaire", "Adresse électronique secondaire")
	local(work, "Tél. professionnel")
	local(home, "Tél. personnel")
	local(other, "Téléphone (autre)")
	local(car, "Téléphone (voiture)")
	local(otherCountry, "Pays/Région (autre)")
	// [ZC] fr: Windows Live Mail writes "Pays/région (domicile)", "Téléphone domicile" … (above).
	// [EG] fr: EGroupware's export in the French Outlook layout.
	local(homeCountry, "Pays (domicile)")
	local(workCountry, "Pays (bureau)")

	// Spanish (Roundcube's es_ES CSV map: Outlook es).
	local(last, "Apellido", "Apellidos", "Primer apellido")
	local(nameWord, "Nombre")
	local(full, "Nombre completo", "Nombre y apellidos")
	// [RC] es_ES reads Thunderbird's "Nombre en pantalla" as the display name, [ZC] thunderbird-csv
	// es_ES as the screen name beside "Nombre mostrado": a weaker full name.
	local(alias{kind: kindFullName, rank: 1}, "Nombre en pantalla")
	local(full, "Nombre mostrado") // [TB] es-ES, es-AR; [ZC] thunderbird-csv es_ES
	// [TB] es-AR and es-MX.
	local(first, "Primer nombre")
	local(full, "Mostrar nombre")
	local(email, "Correo principal")
	local(email2, "Correo secundario")
	local(homeCountry, "País donde vives")
	local(workCountry, "País donde trabajas")
	local(phone, "Teléfono", "Número de teléfono", "Tel", "Teléfono 1")
	local(mobile, "Móvil", "Teléfono móvil", "Celular", "Teléfono celular", "Número de móvil", "Número de celular")
	local(mainPhone, "Teléfono principal")
	local(work, "Teléfono del trabajo", "Teléfono (Trabajo)", "Teléfono de trabajo", "Teléfono de la oficina")
	local(home, "Particular", "Teléfono particular", "Teléfono de casa", "Teléfono (Casa)")
	local(other, "Otro teléfono")
	local(email, "Correo electrónico", "Correo", "Dirección de correo electrónico", "Dirección de correo electrónico principal", "Email personal")
	local(email2, "Dirección de correo electrónico secundaria")
	local(email, "Dirección del correo electrónico") // [RC] es_ES: Outlook's third address ("… 3")
	// [ZC] es.
	local(otherCountry, "Otro país o región")
	local(homeCountry, "País o región de residencia")
	local(alias{field: Msisdn, rank: 3, order: 3}, "Número de centralita de la organización")
	local(country, "País", "País o región", "País/Región")
	local(alias{field: Country, rank: 1}, "País o región del domicilio", "País de residencia")
	local(alias{field: Country, rank: 2}, "País o región del trabajo", "País (Trabajo)")
	local(salutation, "Tratamiento")
	local(title, "Título")

	// Portuguese (Outlook pt-BR/pt-PT).
	local(first, "Nome próprio", "Primeiro nome")
	local(last, "Sobrenome", "Último nome")
	// "Apelido" is the surname in Portugal ([TB] pt-PT) but the nickname in Brazil ([ZC]
	// thunderbird-csv pt_BR writes it beside "Sobrenome"): a weaker last name, so that a
	// Brazilian header takes Sobrenome and keeps Apelido only as an alternative.
	local(alias{field: LastName, rank: 1}, "Apelido")
	local(nameWord, "Nome")
	local(full, "Nome completo", "Nome de exibição")
	local(phone, "Telefone", "Número de telefone", "Fone")
	local(mobile, "Celular", "Telemóvel", "Telefone celular", "Telefone móvel", "Número de celular")
	local(mainPhone, "Telefone principal")
	local(work, "Telefone comercial", "Telefone do trabalho", "Telefone (trabalho)")
	local(home, "Telefone residencial", "Telefone de casa", "Telefone (casa)")
	local(other, "Outro telefone")
	local(email, "Endereço de e-mail", "Endereço de email", "Correio eletrónico", "Correio eletrônico")
	local(country, "País/Região")
	local(salutation, "Tratamento", "Forma de tratamento")
	// [TB] pt-BR and pt-PT, [RC] pt_BR.
	local(full, "Nome exibido", "Mostrar nome")
	local(email, "Email principal", "Email primário", "E-mail primário")
	local(email2, "Email secundário", "E-mail secundário")
	local(mobile, "Número do celular", "Número de telemóvel", "Celular pessoal", "Celular de trabalho")
	local(mainPhone, "Fone Primario")
	local(work, "Telefone profissional", "Fone comercial", "Fone de trabalho")
	local(home, "Fone de casa")
	local(other, "Outro Fone")
	local(car, "Fone do carro")
	local(homeCountry, "País de casa", "Região/País de casa")
	local(workCountry, "País de trabalho", "País do local de trabalho", "Região/País comercial")
	local(otherCountry, "Outro País/Região")
	// [ZC] pt_BR (outlook-2003-csv, windows-live-mail-csv and thunderbird-csv).
	local(full, "Apresentar como")
	local(mobile, "Número celular")
	local(homeCountry, "País/Região de Residência", "País/Região do endereço residencial")
	local(workCountry, "País/Região da Empresa", "País/Região do Endereço Comercial")
	local(car, "Telefone do carro")
	local(alias{field: Msisdn, rank: 3, order: 3}, "Telefone principal da empresa")

	// Italian (Outlook it).
	local(last, "Cognome")
	local(full, "Nome e cognome", "Nome visualizzato")
	local(phone, "Telefono", "Numero di telefono", "Num. telefono")
	local(mobile, "Cellulare", "Telefono cellulare", "Numero di cellulare", "Cell.")
	local(mainPhone, "Telefono principale")
	local(work, "Telefono ufficio", "Telefono (ufficio)", "Telefono lavoro")
	local(home, "Telefono abitazione", "Telefono casa", "Telefono (casa)")
	local(other, "Altro telefono")
	local(email, "Indirizzo e-mail", "Indirizzo email", "Posta elettronica", "Indirizzo di posta elettronica")
	local(country, "Paese", "Nazione", "Paese/area geografica", "Stato")
	local(salutation, "Appellativo")
	local(title, "Titolo")
	// [TB] it, [RC] it_IT.
	local(email, "Email primaria", "Email principale")
	local(email2, "Email secondaria")
	local(mobile, "Numero cellulare", "Telefono Mobile", "Cellulare di Casa", "Cellulare di lavoro")
	local(work, "Telefono di Lavoro")
	local(home, "Telefono di casa")
	local(other, "Phone Altro")
	local(car, "Telefono dell'Auto")
	local(homeCountry, "Nazione di residenza", "Nazione/Regione di casa")
	local(workCountry, "Nazione di lavoro", "Nazione/Regione di lavoro")
	local(otherCountry, "Nazione/Regione Altro")
	// [ZC] it: Outlook names the work and home phones "Ufficio" and "Abitazione" alone.
	local(email, "Indirizzo posta elettronica")
	local(work, "Ufficio", "Telefono (ufficio)")
	local(home, "Abitazione", "Telefono (abitazione)")
	local(car, "Telefono auto")
	local(alias{field: Msisdn, rank: 3, order: 3}, "Telefono principale società")
	local(homeCountry, "Paese (ab.)")
	local(workCountry, "Paese (uff.)")
	local(otherCountry, "Altro paese")

	// Dutch (Outlook nl).
	local(first, "Voornaam", "Roepnaam")
	local(last, "Achternaam", "Familienaam")
	local(nameWord, "Naam")
	local(full, "Volledige naam", "Weergavenaam")
	local(phone, "Telefoon", "Telefoonnummer", "Tel.nr.")
	local(mobile, "Mobiel", "Mobiele telefoon", "Mobiel nummer", "GSM", "Gsm-nummer")
	local(mainPhone, "Hoofdtelefoon")
	local(work, "Telefoon op werk", "Telefoon werk", "Werktelefoon", "Zakelijke telefoon")
	local(home, "Telefoon thuis", "Thuistelefoon")
	local(other, "Andere telefoon")
	local(email, "E-mailadres", "E-mail adres", "Emailadres")
	local(country, "Land/regio")
	local(salutation, "Aanhef")
	// [TB] nl; [ZC] thunderbird-csv nl (an older Thunderbird: Eerste/Tweede e-mail).
	local(email, "Primair e-mailadres", "Eerste e-mail")
	local(email2, "Secundair e-mailadres", "Tweede e-mail")
	local(workCountry, "Werkland")
	// [ZC] nl, [OX] nl_NL (Outlook 2007).
	local(car, "Autotelefoon")
	local(alias{field: Msisdn, rank: 3, order: 3}, "Hoofdtelefoon bedrijf")
	local(homeCountry, "Land/regio (thuis)", "Land/regio thuis")
	local(workCountry, "Land/regio (werk)", "Land/regio werk")
	local(otherCountry, "Land/regio (anders)")

	// Polish (Outlook pl).
	local(first, "Imię")
	local(last, "Nazwisko")
	local(full, "Imię i nazwisko", "Nazwa wyświetlana")
	local(phone, "Numer telefonu", "Nr telefonu", "Tel.")
	local(mobile, "Telefon komórkowy", "Komórka", "Tel. komórkowy", "Numer komórkowy")
	local(mainPhone, "Telefon główny")
	local(work, "Telefon służbowy", "Telefon w pracy")
	local(home, "Telefon domowy")
	local(other, "Inny telefon")
	local(email, "Adres e-mail", "Adres email", "Poczta e-mail")
	local(country, "Kraj", "Kraj/region")
	local(salutation, "Zwrot grzecznościowy")
	local(title, "Tytuł")
	// [TB] pl ("Telefonu służbowy" is written so), [RC] pl_PL.
	local(full, "Wyświetlana nazwa")
	local(email, "Podstawowy e-mail")
	local(email2, "Dodatkowy e-mail")
	local(mobile, "Numer telefonu komórkowego")
	local(work, "Telefonu służbowy")
	local(homeCountry, "Państwo (dom)", "Kraj/region (dom)")
	local(workCountry, "Państwo (praca)", "Kraj/region (biuro)")
	// [ZC] pl ("Nazwa", Windows Live Mail's full name, also names a company: read by the columns
	// beside it).
	local(nameWord, "Nazwa")
	local(mainPhone, "Telefon podstawowy")
	local(car, "Telefon w samochodzie")
	local(alias{field: Msisdn, rank: 3, order: 3}, "Główny telefon do firmy")
	local(homeCountry, "Adres domowy - kraj/region")
	local(workCountry, "Adres służbowy - kraj/region")
	local(otherCountry, "Inny adres - kraj/region")

	// Swedish, Danish, Norwegian (Outlook sv/da/nb).
	local(first, "Förnamn", "Fornavn", "Tilnavn")
	local(last, "Efternamn", "Efternavn", "Etternavn")
	local(nameWord, "Namn", "Navn")
	local(full, "Fullständigt namn", "Fulde navn", "Fullt navn", "Visningsnamn", "Visningsnavn")
	local(phone, "Telefonnummer", "Telefonnr.", "Tlf.", "Tlf")
	local(mobile, "Mobiltelefon", "Mobil", "Mobilnummer", "Mobiltlf.", "Mobiltelefonnummer")
	local(mainPhone, "Huvudtelefon", "Hovedtelefon")
	local(work, "Arbetstelefon", "Telefon arbete", "Arbejdstelefon", "Telefon (arbejde)", "Arbeidstelefon", "Telefon (arbeid)")
	local(home, "Hemtelefon", "Telefon hem", "Hjemmetelefon", "Telefon (hjem)", "Telefon privat")
	local(email, "E-postadress", "E-post", "E-mail-adresse", "E-postadresse", "Mailadresse")
	local(country, "Land/region", "Land/område")
	local(title, "Titel", "Tittel")
	// [TB] sv-SE, da, nb-NO. Swedish "Visa" (its display name column) is left out: the word is
	// also a card brand.
	local(full, "Vis navn")
	local(full, "Kortnamn")       // [ZC] thunderbird-csv sv: an older Thunderbird's display name
	local(email2, "Annan e-post") // [ZC] thunderbird-csv sv
	local(email, "Primær mail", "Primær e-post")
	local(email2, "Ytterligare e-post", "Sekundær mail", "Sekundær e-post")
	local(homeCountry, "Hjemmeland", "Hjem Land")
	local(workCountry, "Land arbete", "Arbejdsland", "Arbeid Land")
	// [TB] nn-NO (Norwegian Nynorsk).
	local(first, "Førenamn")
	local(last, "Etternamn")
	local(full, "Fullt namn")
	local(work, "Jobbtelefon")
	local(home, "Heimetelefon")
	local(homeCountry, "Land (heime)")
	local(workCountry, "Land (arbeid)")
	// [ZC] da and sv: Swedish Outlook names the work and home phones "Arbete" and "Hem" alone.
	local(mainPhone, "Primær telefon")
	local(alias{field: Msisdn, rank: 3, order: 3}, "Primær telefon (firma)", "Företag, växel")
	local(car, "Biltelefon")
	local(other, "Anden telefon", "Telefon, annan")
	local(work, "Arbete", "Telefon, företag")
	local(home, "Hem")
	local(homeCountry, "Land/område (privat)", "Land, hem")
	local(workCountry, "Land/område (arbejde)", "Land, arbete", "Land, företag")
	local(otherCountry, "Andet land/område", "Annat land")

	// Finnish (Outlook fi).
	local(first, "Etunimi")
	local(last, "Sukunimi")
	local(nameWord, "Nimi")
	local(full, "Koko nimi", "Näyttönimi")
	local(phone, "Puhelin", "Puhelinnumero", "Puh.")
	local(mobile, "Matkapuhelin", "Kännykkä", "Matkapuhelinnumero", "GSM-numero")
	local(mainPhone, "Ensisijainen puhelin", "Päänumero")
	local(work, "Työpuhelin", "Puhelin (työ)")
	local(home, "Kotipuhelin", "Puhelin (koti)")
	local(email, "Sähköposti", "Sähköpostiosoite")
	local(country, "Maa", "Maa tai alue", "Maa/alue")
	local(title, "Titteli")
	// [TB] fi, [RC] fi_FI.
	local(full, "Näytettävä nimi")
	local(email, "Ensisijainen sähköposti")
	local(email2, "Toissijainen sähköposti")
	local(homeCountry, "Kotimaa")
	local(workCountry, "Työpaikan maa")
	// [EG] fi: EGroupware's export that writes Outlook's Finnish header.
	local(car, "Autopuhelin")
	local(homeCountry, "Maa (koti)")
	local(workCountry, "Maa (työ)")

	// Turkish (Outlook tr).
	local(first, "Ad", "Adı", "İlk ad")
	local(last, "Soyad", "Soyadı")
	local(nameWord, "İsim")
	local(full, "Ad Soyad", "Adı Soyadı", "Tam ad", "Görünen ad")
	local(phone, "Telefon numarası", "Tel. no")
	// Not "Cep" alone: Brazilian exports name their postal-code column "CEP" ([ZC] thunderbird-csv
	// pt_BR).
	local(mobile, "Cep telefonu", "Cep tel.", "Mobil telefon", "GSM no")
	local(mainPhone, "Ana telefon")
	local(work, "İş telefonu")
	local(home, "Ev telefonu")
	local(email, "E-posta", "E-posta adresi", "Eposta")
	local(country, "Ülke", "Ülke/Bölge")
	local(salutation, "Hitap")
	local(title, "Unvan")
	// [TB] tr.
	local(full, "Görüntülenecek ad")
	local(email, "Birinci e-posta")
	local(email2, "İkinci e-posta")
	local(homeCountry, "Ev ülkesi")
	local(workCountry, "İş ülkesi")
	// [ZC] tr.
	local(first, "İlk Adı")
	local(email, "Elektronik Posta Adresi", "Elektronik Posta Adres")
	local(mainPhone, "Birincil Telefon")
	local(work, "İş Telefon No")
	local(other, "Diğer Telefon No")
	local(car, "Araç Telefonu")
	local(alias{field: Msisdn, rank: 3, order: 3}, "Şirket Santral Telefonu")
	local(homeCountry, "Ev-Ülke/Bölge", "Ev Ülke/Bölge")
	local(workCountry, "İş-Ülke/Bölge", "İş Ülke/Bölge")
	local(otherCountry, "Diğer-Ülke/Bölge")

	// Japanese (Outlook ja).
	local(last, "姓", "苗字")
	// 名字 is the family name in Japanese and the given name in Chinese ([TB] zh-CN writes it
	// beside 姓氏): a name word, read by the column beside it.
	local(nameWord, "名字")
	local(first, "名", "名前（名）")
	local(full, "氏名", "名前", "表示名", "フルネーム")
	local(phone, "電話番号", "電話", "TEL")
	local(mobile, "携帯電話", "携帯電話番号", "携帯", "携帯番号")
	local(mainPhone, "代表電話")
	local(work, "会社電話", "勤務先電話", "会社電話番号")
	local(home, "自宅電話", "自宅電話番号")
	local(email, "メールアドレス", "電子メール アドレス", "Eメール", "メール", "電子メール")
	local(country, "国", "国/地域", "国名")
	// [TB] ja.
	local(email2, "別のメールアドレス")
	local(work, "勤務先の電話番号")
	local(home, "自宅の電話番号")
	local(homeCountry, "国 (自宅)")
	local(workCountry, "国 (勤務先)")
	// [ZC] ja, [OX] jp_JP (Outlook 2010). 肩書き is Outlook's Title column (a salutation or a job
	// title, decided by the values).
	local(title, "肩書き")
	local(mainPhone, "通常の電話")
	local(work, "勤務先電話番号")
	local(other, "その他の電話")
	local(car, "自動車電話")
	local(alias{field: Msisdn, rank: 3, order: 3}, "会社代表電話")
	local(homeCountry, "国 (自宅)/地域", "国または地域")
	local(workCountry, "国 (会社)/地域", "勤務先の国または地域")
	local(otherCountry, "国 (その他)/地域")

	// Chinese, simplified and traditional (Outlook zh, WeChat exports).
	local(last, "姓氏")
	local(full, "姓名", "全名", "显示名称", "顯示名稱")
	local(phone, "电话", "电话号码", "電話號碼", "联系电话", "聯絡電話")
	local(mobile, "手机", "手机号", "手机号码", "移动电话", "手機", "手機號碼", "行動電話", "流動電話")
	local(mainPhone, "主要电话", "主要電話")
	local(work, "商务电话", "商務電話", "工作电话", "公司电话", "辦公電話")
	local(home, "住宅电话", "住宅電話", "家庭电话", "家用電話")
	local(email, "电子邮件", "电子邮件地址", "邮箱", "电邮", "電子郵件", "電子郵件地址", "郵箱")
	local(country, "国家", "國家", "国家/地区", "國家/地區")
	local(salutation, "称谓", "稱謂")
	// [TB] zh-CN and zh-TW, [RC] zh_TW.
	local(email, "主要电子邮件", "主要 Email")
	local(email2, "备用电子邮件", "次要 Email")
	local(mobile, "移动电话号码")
	local(home, "住家電話")
	local(other, "其他電話")
	local(car, "汽車電話")
	local(homeCountry, "居住国家/地区", "居住國家", "住家 - 國家/地區")
	local(workCountry, "工作国家/地区", "商務國家", "商務 - 國家/地區")
	local(otherCountry, "其他 - 國家/地區")
	local(title, "頭銜")
	// [ZC] zh_CN and zh_HK (Windows Live Mail).
	local(full, "名稱")
	local(work, "公司電話")
	local(homeCountry, "住宅所在国家/地区", "住家所在國家 / 地區")
	local(workCountry, "公司所在国家/地区", "公司所在國家 / 地區")
	// [OL-zh] Outlook's Simplified Chinese export: its Title column is 英文称谓, its Suffix 中文称谓
	// (先生, 女士 written after the name: it feeds nothing, as English "Suffix" does).
	local(title, "英文称谓")
	local(car, "车载电话")
	local(alias{field: Msisdn, rank: 3, order: 3}, "单位主要电话")
	local(other, "其他电话")
	local(homeCountry, "住宅地址 国家/地区")
	local(workCountry, "商务地址 国家/地区")
	local(otherCountry, "其他地址 国家/地区")
	local(alias{field: WeChatUserID}, "微信", "微信号", "微信號", "WeChat ID")

	// Korean (Outlook ko, KakaoTalk exports).
	local(last, "성")
	local(nameWord, "이름")
	local(full, "전체 이름", "표시 이름")
	local(phone, "전화", "전화번호", "전화 번호")
	local(mobile, "휴대폰", "휴대전화", "휴대폰 번호", "휴대 전화", "핸드폰")
	local(mainPhone, "기본 전화")
	local(work, "회사 전화", "직장 전화")
	local(home, "집 전화", "집 전화 번호")
	local(email, "이메일", "이메일 주소", "전자 메일 주소", "전자 메일")
	local(country, "국가", "국가/지역")
	local(salutation, "호칭")
	// [TB] ko (its home and work country columns are both 국가).
	local(full, "표시명")
	local(email, "기본 메일")
	local(email2, "추가 메일")
	local(home, "자택 전화")
	// [ZC] ko (Windows Live Mail: 이름 is its full name, 이름(성 제외) "name without the surname").
	local(first, "이름(성 제외)")
	local(email, "메일 주소")
	local(homeCountry, "국가/지역(집)")
	local(workCountry, "국가(회사)")
	// [OL-ko] Outlook's Korean export: its Title column is 호칭(영문), its Suffix 호칭(한글) (feeds
	// nothing); and the Korean Outlook Express (Windows Address Book) export.
	local(title, "호칭(영문)")
	local(work, "근무처 전화")
	local(car, "카폰")
	local(alias{field: Msisdn, rank: 3, order: 3}, "회사 대표 전화")
	local(other, "기타 전화")
	local(homeCountry, "집 주소 국가", "국가(집)")
	local(workCountry, "근무지 국가")
	local(otherCountry, "기타 국가")
	local(alias{field: KakaoTalkID}, "카카오톡", "카카오톡 ID")
}

// stripDigits removes the first run of digits, as lookupAlias does.
func stripDigits(k []byte) []byte {
	i := strings.IndexAny(string(k), "0123456789")
	if i < 0 {
		return k
	}
	j := i
	for j < len(k) && k[j] >= '0' && k[j] <= '9' {
		j++
	}
	return append(k[:i:i], k[j:]...)
}
