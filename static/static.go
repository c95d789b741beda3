// Package static embeds the CSS, JavaScript and images, so the binary runs
// from any directory.
package static

import "embed"

// FS holds css/, js/, img/ and vendor/ (third-party files, each with its licence).
//
//go:embed css js img vendor
var FS embed.FS
