// Package civil holds calendar dates: days without a time of day or a
// time zone (a deadline, the day a bloc was acquired). Stored as SQL
// "date", they are written YYYY-MM-DD in JSON, never as the midnight-UTC
// timestamp a time.Time would give, which a reader in another time zone
// would see as the day before.
package civil

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Layout is how a Date is written: ISO 8601 / RFC 3339 full-date.
const Layout = "2006-01-02"

// Date is a calendar day. The embedded time is midnight UTC of that day,
// so that time arithmetic (AddDate, After) keeps working.
type Date struct{ time.Time }

// Of is the calendar day t falls on, in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// Parse reads a YYYY-MM-DD date.
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, err
	}
	return Date{t}, nil
}

// String writes the date as YYYY-MM-DD ("" for the zero date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(Layout)
}

// MarshalJSON writes "YYYY-MM-DD" (null for the zero date).
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.Format(Layout) + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("civil: date %s is not a string", b)
	}
	p, err := Parse(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalText writes YYYY-MM-DD, for map keys and text encodings.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Scan reads a SQL date (the driver hands a time.Time at midnight).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = Of(v)
	case string:
		p, err := Parse(v)
		if err != nil {
			return err
		}
		*d = p
	case []byte:
		p, err := Parse(string(v))
		if err != nil {
			return err
		}
		*d = p
	default:
		return fmt.Errorf("civil: cannot scan %T into a date", src)
	}
	return nil
}

// Value writes the date for SQL as YYYY-MM-DD.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.Format(Layout), nil
}
