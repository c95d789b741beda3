// Package templates embeds the HTML and mail templates, so the binary runs
// from any directory.
package templates

import "embed"

// FS holds layout.html, partials/, pages/ and mail/.
//
//go:embed *.html partials pages mail
var FS embed.FS
