// Package static embeds the CSS, JavaScript and images, so the binary runs
// from any directory.
package static

import "embed"

// FS holds css/, js/ and img/.
//
//go:embed css js img
var FS embed.FS
