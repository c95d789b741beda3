package mail

import (
	"fmt"
	"strconv"
	"strings"
)

// MessageID is the Message-ID of outbox message id about the enquiry with
// reference ref ("digest" for a weekly digest), at host (the public URL's):
// stable per message, so a duplicate after a crash is recognisable, and
// naming both the message and the enquiry, so an answer to it finds its
// enquiry (see ParseMessageID).
func MessageID(id int64, ref, host string) string {
	return fmt.Sprintf("iordesk.%d.%s@%s", id, ref, host)
}

// ParseMessageID reads a Message-ID (with or without its angle brackets):
// whether iordesk at host gave it, and if so the outbox message and the
// reference it names.
func ParseMessageID(id, host string) (outboxID int64, ref string, ours bool) {
	id = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
	local, domain, ok := strings.Cut(id, "@")
	if !ok || !strings.EqualFold(domain, host) {
		return 0, "", false
	}
	rest, ok := strings.CutPrefix(local, "iordesk.")
	if !ok {
		return 0, "", false
	}
	num, ref, ok := strings.Cut(rest, ".")
	n, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || n <= 0 || ref == "" {
		return 0, "", false
	}
	return n, ref, true
}
