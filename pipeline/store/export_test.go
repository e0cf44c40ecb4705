package store

// SetTestHookSettle sets a function a seal runs after it made its files
// durable and before it settles their commit records (nil: none).
func SetTestHookSettle(f func()) { testHookSettle = f }
