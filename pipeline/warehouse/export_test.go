package warehouse

import "time"

// SetTrace lets the external tests time each refresh statement.
func SetTrace(f func(string, time.Duration)) { trace = f }
