package verify

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"
)

// minListBits is the smallest Bitstring Status List the W3C
// recommendation allows (16 KB), so that a list does not reveal how few
// credentials were issued.
const minListBits = 131072

// StatusListEntry is the credential's entry in the certifier's Bitstring
// Status List (W3C Bitstring Status List v1.0, purpose revocation).
func StatusListEntry(a Addresses, index int64) map[string]any {
	return map[string]any{
		"id":                   a.StatusList() + "#" + strconv.FormatInt(index, 10),
		"type":                 "BitstringStatusListEntry",
		"statusPurpose":        "revocation",
		"statusListIndex":      strconv.FormatInt(index, 10),
		"statusListCredential": a.StatusList(),
	}
}

// StatusList is the address of the certifier's status list credential.
func (a Addresses) StatusList() string { return a.Base + "/statut/liste" }

// RevokedIndexes returns the status-list positions of the withdrawn
// credentials and the highest position given so far.
func (s *Store) RevokedIndexes(ctx context.Context) (revoked []int64, highest int64, err error) {
	if err := s.db.SelectContext(ctx, &revoked, `SELECT v.status_index FROM credential_withdrawals w JOIN verification_codes v ON v.code = w.code ORDER BY 1`); err != nil {
		return nil, 0, err
	}
	if err := s.db.GetContext(ctx, &highest, `SELECT coalesce(max(status_index), 0) FROM verification_codes`); err != nil {
		return nil, 0, err
	}
	return revoked, highest, nil
}

// EncodeList encodes a bitstring with the given bits set: at least
// minListBits long, index 0 the most significant bit of the first byte,
// GZIP-compressed, then multibase base64url ("u" prefix, no padding).
func EncodeList(set []int64, highest int64) (string, error) {
	bits := max(int64(minListBits), (highest/8+1)*8)
	buf := make([]byte, bits/8)
	for _, i := range set {
		if i < 0 || i >= bits {
			return "", fmt.Errorf("verify: position %d hors de la liste", i)
		}
		buf[i/8] |= 0x80 >> (i % 8)
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	if _, err := w.Write(buf); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(z.Bytes()), nil
}

// StatusListCredential is the certifier's Bitstring Status List, as a
// credential to sign like the others.
func StatusListCredential(a Addresses, encoded string, now time.Time) map[string]any {
	return map[string]any{
		"@context":  []string{"https://www.w3.org/ns/credentials/v2"},
		"id":        a.StatusList(),
		"type":      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    map[string]any{"id": a.Issuer()},
		"validFrom": now.UTC().Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":            a.StatusList() + "#liste",
			"type":          "BitstringStatusList",
			"statusPurpose": "revocation",
			"encodedList":   encoded,
		},
	}
}
