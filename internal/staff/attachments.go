package staff

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"iordesk/internal/store"
)

// downloadPolicy is the Content-Security-Policy of a downloaded file:
// should a browser render it after all, it runs nothing and loads
// nothing.
const downloadPolicy = "default-src 'none'; sandbox"

// Attachment serves GET /staff/enquiries/:id/files/:file: the file as a
// download, never shown inline (Content-Disposition: attachment, nosniff,
// a sandboxing policy), streamed from the database a chunk at a time.
func (h *Handlers) Attachment(c echo.Context) error {
	enquiryID, err1 := strconv.ParseInt(c.Param("id"), 10, 64)
	fileID, err2 := strconv.ParseInt(c.Param("file"), 10, 64)
	if err1 != nil || err2 != nil {
		return echo.NewHTTPError(http.StatusNotFound, "No such file.")
	}
	w := c.Response()
	err := h.store.ReadAttachment(c.Request().Context(), enquiryID, fileID, func(a store.Attachment) error {
		hd := w.Header()
		hd.Set(echo.HeaderContentType, a.MediaType)
		hd.Set(echo.HeaderContentLength, strconv.FormatInt(a.Size, 10))
		hd.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
		hd.Set("Content-Security-Policy", downloadPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Cache-Control", "private, no-store")
		w.WriteHeader(http.StatusOK)
		return nil
	}, func(chunk []byte) error {
		_, err := w.Write(chunk)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "No such file.")
	}
	if err != nil && w.Committed {
		// The headers are out: the client sees a short body.
		h.log.Warn("attachment download cut short", "enquiry", enquiryID, "file", fileID, "err", err)
		return nil
	}
	return err
}
