package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"iordesk/internal/store"
)

// TestDestinationPickerByKeyboard uses the destination combobox as a
// keyboard user would: one Tab stop, names and codes ranked first, Enter to
// add, Backspace and the arrows to remove; the chips survive a refused
// post and the enquiry arrives with exactly the chosen countries.
func TestDestinationPickerByKeyboard(t *testing.T) {
	ctx := browser(t)
	a := newApp(t)
	ts := httptest.NewServer(a.srv.Echo)
	t.Cleanup(ts.Close)
	axe := axeSource(t)

	run(t, ctx, "open the form", chromedp.Navigate(ts.URL+"/enquiry"), chromedp.WaitVisible(chromedp.ID("destination-combo")))
	if !evalBool(t, ctx, `document.querySelector(".picker-list").offsetParent === null`) {
		t.Fatal("with JavaScript the checkboxes still show")
	}
	// From the field before, one Tab reaches the picker and the next leaves it.
	focused := func() string { return evalString(t, ctx, `document.activeElement.id`) }
	run(t, ctx, "focus the category", chromedp.Focus(chromedp.ID("product_category")), chromedp.KeyEvent(kb.Tab))
	if id := focused(); id != "destination-combo" {
		t.Fatalf("Tab from the category reached %q", id)
	}
	run(t, ctx, "tab past the picker", chromedp.KeyEvent(kb.Tab))
	if id := focused(); id != "product_description" {
		t.Fatalf("a second Tab reached %q, not the next field", id)
	}
	run(t, ctx, "back to the picker", chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))

	// What is typed ranks codes and name starts first.
	first := func(typed string) string {
		t.Helper()
		evalBool(t, ctx, `(i => { i.value = ""; return true })(document.getElementById("destination-combo"))`)
		run(t, ctx, "type "+typed, chromedp.SendKeys(chromedp.ID("destination-combo"), typed))
		return evalString(t, ctx, `(o => o ? o.textContent : "")(document.querySelector("#destination-options [aria-selected=true]"))`)
	}
	for typed, want := range map[string]string{"bra": "Brazil (BR)", "fr": "France (FR)", "FR": "France (FR)",
		"uae": "United Arab Emirates (AE)", "emirates": "United Arab Emirates (AE)", "turk": "Türkiye (TR)", "de": "Germany (DE)"} {
		if got := first(typed); got != want {
			t.Errorf("typing %q offers %q first, want %q", typed, got, want)
		}
	}
	if got := first("antarc"); got != "" {
		t.Errorf("Antarctica is offered as a destination: %q", got)
	}
	if !evalBool(t, ctx, `document.getElementById("destination-combo").getAttribute("aria-expanded") === "false"`) {
		t.Error("the listbox is open with nothing to offer")
	}

	chips := func() []string {
		return evaluate[[]string](t, ctx, `[...document.querySelectorAll(".chips .chip span")].map(s => s.textContent)`)
	}
	checked := func() []string {
		out := evaluate[[]string](t, ctx, `[...document.querySelectorAll("input[name=destination_countries]:checked")].map(b => b.value)`)
		slices.Sort(out)
		return out
	}
	add := func(typed string) {
		t.Helper()
		first(typed)
		run(t, ctx, "Enter", chromedp.KeyEvent(kb.Enter))
	}
	for _, typed := range []string{"bra", "fr", "uae", "de"} {
		add(typed)
	}
	if got := strings.Join(checked(), " "); got != "AE BR DE FR" {
		t.Fatalf("after adding four the checked boxes are %q", got)
	}
	if focused() != "destination-combo" || len(chips()) != 4 {
		t.Fatalf("after adding, focus on %q and chips %v", focused(), chips())
	}
	// Enter chose; it did not send the form.
	if !strings.HasSuffix(evalString(t, ctx, `location.pathname`), "/enquiry") || evalBool(t, ctx, `document.querySelector(".error-summary") !== null`) {
		t.Fatal("Enter in the picker submitted the form")
	}
	// Backspace in the empty field removes the last chip (the chips are in
	// the form's order: by region, then name).
	before := chips()
	run(t, ctx, "Backspace", chromedp.KeyEvent(kb.Backspace))
	if got := chips(); !slices.Equal(got, before[:3]) {
		t.Fatalf("Backspace left %v (was %v)", got, before)
	}
	// ← reaches the chips; Backspace on one removes it and stays in them.
	run(t, ctx, "arrow left", chromedp.KeyEvent(kb.ArrowLeft))
	if !evalBool(t, ctx, `document.activeElement.matches(".chips button")`) {
		t.Fatal("← from the empty field does not reach the chips")
	}
	run(t, ctx, "remove a chip", chromedp.KeyEvent(kb.Backspace))
	if got := chips(); len(got) != 2 || !evalBool(t, ctx, `document.activeElement.matches(".chips button, #destination-combo")`) {
		t.Fatalf("removing a chip by keyboard left %v, focus lost", got)
	}
	kept := checked()
	for _, v := range axeViolations(t, ctx, axe) {
		t.Errorf("the picker in use: %s", v)
	}

	// Everything else filled in, a wrong code: the page comes back with the
	// chosen countries as chips.
	fill := `(f => {
		const v = {full_name: "Grace Hopper", company: "Compilers Ltd", email: "grace@example.com", phone: "+44 20 7946 0018",
			service: "ior", origin_country: "US", product_category: "servers_datacentre",
			product_description: "40 servers with GPUs", condition: "new", contains_encryption: "yes", wireless_radio: "no",
			lithium_batteries: "none", shipment_value: "250000", currency: "EUR", captcha_solution: "%s"};
		for (const [k, val] of Object.entries(v)) f.elements[k].value = val;
		f.elements.consent.checked = true;
		return true })(document.getElementById("enquiry-form"))`
	evalBool(t, ctx, fmt.Sprintf(fill, "000000"))
	run(t, ctx, "send with a wrong code", chromedp.Click(chromedp.CSS(`#enquiry-form button.button-large`)), chromedp.WaitVisible(chromedp.ID("error-summary")))
	if got := checked(); !slices.Equal(got, kept) || len(chips()) != len(kept) {
		t.Fatalf("after a refused post: checked %v, chips %v; want %v", got, chips(), kept)
	}
	id := evalString(t, ctx, `document.querySelector("input[name=captcha_id]").value`)
	ch, err := a.st.Challenge(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	evalBool(t, ctx, fmt.Sprintf(fill, ch.Digits))
	run(t, ctx, "send with the right code", chromedp.Click(chromedp.CSS(`#enquiry-form button.button-large`)), chromedp.WaitVisible(chromedp.CSS("strong.reference")))
	rows, _, err := a.st.ListEnquiries(context.Background(), store.Filter{})
	if err != nil || len(rows) != 1 {
		t.Fatalf("%d enquiries stored: %v", len(rows), err)
	}
	got := slices.Clone([]string(rows[0].Destinations))
	slices.Sort(got)
	if !slices.Equal(got, kept) {
		t.Fatalf("stored destinations %v, chosen %v", got, kept)
	}

	// Enter in a field sends the form (and does not ask for a new code,
	// the form's first submit button).
	run(t, ctx, "a fresh form", chromedp.Navigate(ts.URL+"/enquiry"), chromedp.WaitVisible(chromedp.ID("full_name")),
		chromedp.SendKeys(chromedp.ID("full_name"), "Grace"), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("error-summary")))
	if !strings.Contains(evalString(t, ctx, `document.getElementById("error-summary").textContent`), "Please correct the errors and try again.") {
		t.Fatal("Enter in the name field did not send the form")
	}
}
