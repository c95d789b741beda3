package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"iordesk/internal/lang"
)

// TestFormInArabicRightToLeft: a prospect opens the form in Arabic. The
// page is right to left — labels and fields start at the right edge, the
// step numbers sit right of their titles — the destination picker finds a
// country typed in Arabic, switching language keeps the landing page's
// tracking values, and the enquiry sent in Arabic is thanked in Arabic and
// stored as Arabic. A screenshot of the page is kept (form-in-arabic.png).
func TestFormInArabicRightToLeft(t *testing.T) {
	ctx := browser(t)
	a := newApp(t)
	ts := httptest.NewServer(a.srv.Echo)
	defer ts.Close()
	ar := lang.ByCode("ar")

	run(t, ctx, "open the form in Arabic", chromedp.Navigate(ts.URL+"/enquiry?lang=ar&utm_source=newsletter&utm_campaign=gulf"),
		chromedp.WaitVisible(chromedp.ID("destination-combo")))
	if got := evalString(t, ctx, `document.documentElement.lang + " " + document.documentElement.dir + " " + getComputedStyle(document.getElementById("enquiry-form")).direction`); got != "ar rtl rtl" {
		t.Fatalf("lang, dir, direction: %q", got)
	}
	// Right to left in fact, not only in name: the name's label ends where
	// its field ends, at the right, and its text is right-aligned.
	geometry := evalString(t, ctx, `(() => {
		const input = document.getElementById("full_name"), label = document.querySelector("label[for=full_name]");
		const r = document.createRange(); r.selectNodeContents(label);
		const text = r.getBoundingClientRect(), field = input.getBoundingClientRect();
		const step = document.querySelector(".step").getBoundingClientRect(), legend = document.querySelector(".group legend").getBoundingClientRect();
		return [Math.round(field.right - text.right), Math.round(text.left - field.left), Math.round(legend.right - step.right)].join(" ");
	})()`)
	var rightGap, leftGap, stepGap int
	fmt.Sscan(geometry, &rightGap, &leftGap, &stepGap)
	if rightGap < 0 || rightGap > 4 || leftGap < 50 || stepGap > 4 {
		t.Errorf("not laid out right to left: label text %dpx from the field's right edge, %dpx from its left; step %dpx from the legend's right", rightGap, leftGap, stepGap)
	}
	// The picker: type the start of Germany's Arabic name, Enter adds it.
	run(t, ctx, "add Germany in Arabic", chromedp.SendKeys(chromedp.ID("destination-combo"), "ألما"), chromedp.SendKeys(chromedp.ID("destination-combo"), kb.Enter))
	waitFor(t, ctx, `document.querySelector("input[name=destination_countries][value=DE]").checked`)
	if chip := evalString(t, ctx, `document.querySelector(".chips .chip span").textContent`); chip != "ألمانيا" {
		t.Errorf("chip %q", chip)
	}
	if got := evalString(t, ctx, `document.querySelector(".chips .chip button").getAttribute("aria-label")`); got != ar.T("js.remove") && !strings.HasPrefix(got, "حذف ") {
		t.Errorf("chip button says %q", got)
	}
	// Switching language keeps the tracking values of the landing page.
	href := evalString(t, ctx, `document.querySelector(".languages a[lang=es]").getAttribute("href")`)
	if !strings.Contains(href, "lang=es") || !strings.Contains(href, "utm_source=newsletter") || !strings.Contains(href, "utm_campaign=gulf") {
		t.Errorf("the switcher drops the tracking values: %q", href)
	}
	evalBool(t, ctx, `(window.scrollTo(0, 0), true)`)
	shot(t, ctx, "form-in-arabic.png", false)

	id := evalString(t, ctx, `document.querySelector("input[name=captcha_id]").value`)
	ch, err := a.st.Challenge(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	evalBool(t, ctx, fmt.Sprintf(`(f => {
		const v = {full_name: "ليلى الحسن", company: "شركة الخليج للتقنية", email: "layla@example.ae", service: "ior",
			origin_country: "US", product_category: "gpu_ai", product_description: "ثمانية خوادم مع معالجات رسومية",
			condition: "new", shipment_value: "480000", currency: "AED", captcha_solution: %q};
		for (const [k, val] of Object.entries(v)) f.elements[k].value = val;
		f.elements.consent.checked = true;
		f.querySelector("button[data-send]").click();
		return true })(document.getElementById("enquiry-form"))`, ch.Digits))
	waitFor(t, ctx, `!!document.querySelector("strong.reference")`)
	if got := evalString(t, ctx, `document.documentElement.dir + " " + document.querySelector("h1").textContent`); got != "rtl "+ar.T("thanks.title") {
		t.Errorf("thanks page %q", got)
	}
	ref := evalString(t, ctx, `document.querySelector("strong.reference").textContent`)
	e, err := a.st.EnquiryByReference(context.Background(), ref)
	if err != nil || e.Language != "ar" || e.FullName != "ليلى الحسن" || e.UTMSource != "newsletter" || e.Destinations[0] != "DE" {
		t.Fatalf("stored %+v, %v", e, err)
	}
}
