package main

// usageError is a command-line mistake explained to the person at the
// terminal: its text is French and printed as it is, which is why it is a
// type of its own rather than an errors.New string (Go error strings stay
// lower-case and unpunctuated).
type usageError struct{ text string }

func (e usageError) Error() string { return e.text }
