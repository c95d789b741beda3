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
	var st LoginState
	err := s.scanRows(s.dialect.rowContext(ctx), "login-state", []any{account, ip}, func(scan func(...any) error) error {
		var rowIP string
		var f LoginFailures
		if err := scan(&rowIP, &f.Failures, &f.Last); err != nil {
			return err
		}
		if rowIP == "" {
			st.Account = f
		} else {
			st.FromAddress = f
		}
		return nil
	})
	if err != nil {
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
		_, err := tx.exec("record-login-failure", account, ip, now, account, now, now.Add(-failureRunResets))
		return err
	})
}

// ClearLoginFailures forgets the failures of account from ip and from
// everywhere: a good password was given.
func (s *Store) ClearLoginFailures(ctx context.Context, account, ip string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec("clear-login-failures", account, ip)
		return err
	})
}

// PurgeLoginFailures deletes runs of failures that no longer lock or slow
// anything down.
func (s *Store) PurgeLoginFailures(ctx context.Context) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		n, err = rowsAffected(tx.exec("purge-login-failures", tx.now().UTC().Add(-failureRunResets)))
		return err
	})
	return n, err
}
