package store

import (
	"context"
	"fmt"
	"time"
)

// AcknowledgementInterval is the least time between two acknowledgements
// to one address: the form cannot be used to flood someone's mailbox.
const AcknowledgementInterval = time.Hour

// MayAcknowledge claims the right to queue an acknowledgement to address:
// true at most once per AcknowledgementInterval per address (any case). One
// statement, so concurrent claims on several instances get one winner.
func (tx *Tx) MayAcknowledge(address string) (bool, error) {
	now := tx.now().UTC()
	res, err := tx.exec(sqlClaimAcknowledgement, AddressKey(address), now, now.Add(-AcknowledgementInterval))
	if err != nil {
		return false, fmt.Errorf("claim acknowledgement: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim acknowledgement: %w", err)
	}
	return n == 1, nil
}

// PurgeAcknowledgementLimits deletes claims older than the interval.
func (s *Store) PurgeAcknowledgementLimits(ctx context.Context) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		res := tx.db.Exec("DELETE FROM acknowledgement_limits WHERE last_queued_at <= ?", tx.now().UTC().Add(-AcknowledgementInterval))
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}
