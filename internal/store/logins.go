package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// AddressKey is the SHA-256 of a lower-cased email address: the key failed
// logins are counted under (an unknown email has one like any other, so a
// failure costs the same work whether the account exists or not) and
// acknowledgements are limited by, without storing the address itself.
func AddressKey(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

// LoginFailures is a run of failed logins: how many, and when the last one
// was. The zero value means none.
type LoginFailures struct {
	Failures int
	Last     time.Time
}

// LoginState is what the login handler decides on: the failures of one
// account from one client address, and of the account from anywhere.
type LoginState struct {
	FromAddress, Account LoginFailures
}

// failureRunResets is how long after its last failure a run of failures
// starts again from one: longer than the longest lock.
const failureRunResets = 24 * time.Hour

// LoginState reads the failure counts of account (see AddressKey) from ip
// and from everywhere.
func (s *Store) LoginState(ctx context.Context, account, ip string) (LoginState, error) {
	db, err := s.read.DB()
	if err != nil {
		return LoginState{}, err
	}
	rows, err := db.QueryContext(s.dialect.rowContext(ctx), s.dialect.rebind(
		"SELECT ip, failures, last_failure_at FROM login_failures WHERE account = ? AND ip IN (?, '')"), account, ip)
	if err != nil {
		return LoginState{}, fmt.Errorf("read login failures: %w", err)
	}
	defer rows.Close()
	var st LoginState
	for rows.Next() {
		var rowIP string
		var f LoginFailures
		if err := rows.Scan(&rowIP, &f.Failures, &f.Last); err != nil {
			return LoginState{}, fmt.Errorf("read login failures: %w", err)
		}
		if rowIP == "" {
			st.Account = f
		} else {
			st.FromAddress = f
		}
	}
	if err := rows.Err(); err != nil {
		return LoginState{}, fmt.Errorf("read login failures: %w", err)
	}
	return st, nil
}

// RecordLoginFailure counts one failed login of account from ip, and of the
// account from anywhere, in one statement: concurrent failures on several
// instances each count. A run whose last failure is older than a day
// starts again from one.
func (s *Store) RecordLoginFailure(ctx context.Context, account, ip string) error {
	return s.Write(ctx, func(tx *Tx) error {
		now := tx.now().UTC()
		return tx.db.Exec(`INSERT INTO login_failures (account, ip, failures, last_failure_at)
			VALUES (?, ?, 1, ?), (?, '', 1, ?)
			ON CONFLICT (account, ip) DO UPDATE SET
				failures = CASE WHEN login_failures.last_failure_at < ? THEN 1 ELSE login_failures.failures + 1 END,
				last_failure_at = excluded.last_failure_at`,
			account, ip, now, account, now, now.Add(-failureRunResets)).Error
	})
}

// ClearLoginFailures forgets the failures of account from ip and from
// everywhere: a good password was given.
func (s *Store) ClearLoginFailures(ctx context.Context, account, ip string) error {
	return s.Write(ctx, func(tx *Tx) error {
		return tx.db.Exec("DELETE FROM login_failures WHERE account = ? AND ip IN (?, '')", account, ip).Error
	})
}

// PurgeLoginFailures deletes runs of failures that no longer lock or slow
// anything down.
func (s *Store) PurgeLoginFailures(ctx context.Context) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		res := tx.db.Exec("DELETE FROM login_failures WHERE last_failure_at < ?", tx.now().UTC().Add(-failureRunResets))
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}
