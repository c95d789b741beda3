package dupes

import "strings"

// freeMail are the domains anyone can have an address at: a shared one
// says nothing about two enquiries.
var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"msn.com": true, "icloud.com": true, "me.com": true, "mac.com": true, "aol.com": true, "proton.me": true,
	"protonmail.com": true, "pm.me": true, "tutanota.com": true, "zoho.com": true, "zohomail.com": true,
	"gmx.com": true, "gmx.net": true, "gmx.de": true, "web.de": true, "t-online.de": true, "freenet.de": true,
	"mail.com": true, "mail.ru": true, "bk.ru": true, "inbox.ru": true, "list.ru": true, "yandex.ru": true,
	"yandex.com": true, "rambler.ru": true, "qq.com": true, "163.com": true, "126.com": true, "yeah.net": true,
	"sina.com": true, "sohu.com": true, "aliyun.com": true, "foxmail.com": true, "naver.com": true, "daum.net": true,
	"hanmail.net": true, "rediffmail.com": true, "libero.it": true, "virgilio.it": true, "tiscali.it": true,
	"orange.fr": true, "wanadoo.fr": true, "free.fr": true, "laposte.net": true, "sfr.fr": true, "seznam.cz": true,
	"wp.pl": true, "o2.pl": true, "onet.pl": true, "interia.pl": true, "bol.com.br": true, "uol.com.br": true,
	"terra.com.br": true, "ig.com.br": true, "btinternet.com": true, "sky.com": true, "virginmedia.com": true,
	"comcast.net": true, "verizon.net": true, "att.net": true, "sbcglobal.net": true, "bigpond.com": true,
	"optusnet.com.au": true, "shaw.ca": true, "rogers.com": true, "fastmail.com": true, "hey.com": true,
}

// FreeMail reports whether domain is a free-mail provider's, counting every
// country's Yahoo and Hotmail ("yahoo.co.uk", "hotmail.fr").
func FreeMail(domain string) bool {
	domain = strings.ToLower(domain)
	if freeMail[domain] {
		return true
	}
	for _, brand := range []string{"yahoo.", "ymail.", "hotmail.", "outlook.", "live.", "gmx."} {
		if strings.HasPrefix(domain, brand) {
			return true
		}
	}
	return false
}
