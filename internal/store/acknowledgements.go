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
	n, err := rowsAffected(tx.exec("claim-acknowledgement", AddressKey(address), now, now.Add(-AcknowledgementInterval)))
	if err != nil {
		return false, fmt.Errorf("claim acknowledgement: %w", err)
	}
	return n == 1, nil
}

// PurgeAcknowledgementLimits deletes claims older than the interval.
func (s *Store) PurgeAcknowledgementLimits(ctx context.Context) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		n, err = rowsAffected(tx.exec("purge-acknowledgement-limits", tx.now().UTC().Add(-AcknowledgementInterval)))
		return err
	})
	return n, err
}
