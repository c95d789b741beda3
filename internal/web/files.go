package web

import "fmt"

// AttachmentPath is where staff download a file an enquiry came with (the
// route is in server/routes.go; the page and the desk's mail link it).
func AttachmentPath(enquiryID, fileID int64) string {
	return fmt.Sprintf("/staff/enquiries/%d/files/%d", enquiryID, fileID)
}

// FileSize is a size in bytes as people read it: "812 KB", "2.4 MB".
func FileSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.0f KB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// fileKinds name the kinds of file the intake accepts.
var fileKinds = map[string]string{
	"application/pdf": "PDF",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
	"application/vnd.ms-excel": "Excel (old format)",
	"text/csv":                 "CSV",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
	"image/png":  "PNG image",
	"image/jpeg": "JPEG image",
}

// FileKind names a media type for people ("PDF"), or gives it as is.
func FileKind(mediaType string) string {
	if k, ok := fileKinds[mediaType]; ok {
		return k
	}
	return mediaType
}
